"""The foundation as its users meet it: health check, logging in and out, landing in one's
workspace in French, Dutch or English, lock-out, the friendly 404, the language switcher, the
admin that shows accounts, teams and roles only, and demo data that can be loaded twice.

Logins go through the real login form (Argon2, django-axes, the audit signals); only tests
about what happens *after* login use ``login`` (force_login) to save Argon2's time.
"""

import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from audit.models import AuditEvent
from tests.conftest import DEMO_PASSWORD, require_redis

LANGUAGES = ["fr", "nl", "en"]

# One persona per role: where the home page sends them, and the nav label of that workspace.
WORKSPACES = {
    "worker.scapi": ("/agenda/", "Today"),
    "lead.scav": ("/agenda/", "Today"),
    "auditor": ("/audit/", "Audit log"),
    "coordinator": ("/indicators/", "Indicators"),
    "admin": ("/admin/", "Accounts, teams and roles"),  # the admin's index title, translated
}
DEMO_ACCOUNTS = ["worker.scapi", "worker2.scapi", "lead.scapi", "worker.scav", "worker2.scav", "lead.scav",
                 "worker.rad", "lead.rad", "auditor", "coordinator", "admin", "admin2"]


def in_language(lang, msgid):
    """``msgid`` as the user reading ``lang`` sees it; French and Dutch must really be translated."""
    with translation.override(lang):
        text = translation.gettext(msgid)
    if lang != "en":
        assert text != msgid, f"{msgid!r} is not translated into {lang}"
    return text


def page_language(response):
    match = re.search(r'<html[^>]*\blang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def post_login(client, username, password, lang=None, **extra):
    if lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def alert_text(response):
    match = re.search(r'role="alert"[^>]*>(.*?)</', response.content.decode(), re.S)
    assert match, "no error shown"
    return html.unescape(match.group(1)).strip()


# --- /healthz ---------------------------------------------------------------------------------

def test_healthz_answers_without_login_and_says_nothing_else(client, db, settings):
    settings.REDIS_URL = ""  # the embedded default: tasks run in process
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies, "a health check must not start a session"


def test_healthz_reports_a_broker_that_does_not_answer_without_saying_where_it_is(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}


def test_healthz_sees_a_real_redis(client, db):
    require_redis()
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_read_only(client, db):
    assert client.post("/healthz").status_code == 405


# --- logging in -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("username", WORKSPACES)
def test_each_role_logs_in_and_lands_in_its_workspace_in_its_language(client, db, username, lang):
    workspace, label = WORKSPACES[username]
    response = post_login(client, username, DEMO_PASSWORD, lang, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == workspace, response.redirect_chain
    assert page_language(response) == lang
    assert html.escape(in_language(lang, label)) in response.content.decode()


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_every_demo_account_has_a_workspace_that_answers(login, username):
    client = login(username)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert len(response.redirect_chain) >= 1, "the home page sends each role on to its workspace"
    assert "casework/no_role.html" not in [t.name for t in response.templates]


def test_a_wrong_password_says_the_same_for_an_existing_and_an_unknown_account(client, db):
    existing = post_login(client, "worker.scapi", "wrong-Password-4-demo")
    unknown = post_login(client, "nobody.scapi", "wrong-Password-4-demo")
    assert existing.status_code == unknown.status_code == 200
    assert alert_text(existing) == alert_text(unknown) == in_language("fr", "Your username and password did not match. Please try again.")

    def normalised(response, username):
        page = response.content.decode().replace(username, "USERNAME")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    # Not a single byte of difference beyond the echoed username and the CSRF token.
    assert normalised(existing, "worker.scapi") == normalised(unknown, "nobody.scapi")


def test_failed_logins_are_audited_without_the_password(client, db):
    post_login(client, "worker.scapi", "wrong-Password-4-demo")
    post_login(client, "nobody.scapi", "wrong-Password-4-demo")
    events = AuditEvent.objects.filter(action="login_failed").order_by("seq")
    assert [event.actor_username for event in events] == ["worker.scapi", "nobody.scapi"]
    assert all(event.actor is None for event in events)
    for event in events:
        assert "wrong-Password" not in repr(event.hashed_fields())


def test_a_successful_login_is_audited(client, personas):
    post_login(client, "auditor", DEMO_PASSWORD)
    event = AuditEvent.objects.filter(action="login").first()
    assert event is not None and event.actor == personas["auditor"]


def test_passwords_are_hashed_with_argon2(personas):
    for user in personas.values():
        assert user.password.startswith("argon2$argon2id$"), f"{user.username}: {user.password[:20]}"


def test_logging_out_takes_a_post_and_ends_the_session(client, db):
    post_login(client, "worker.scapi", DEMO_PASSWORD)
    assert client.get("/cases/").status_code == 200
    assert client.get(reverse("logout")).status_code == 405, "a link (GET) must not log anyone out"
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/cases/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor_username="worker.scapi").exists()


def test_repeated_failures_lock_the_account_even_against_the_right_password(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "worker.scapi", "wrong-Password-4-demo")
    response = post_login(client, "worker.scapi", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert page_language(response) == "nl"
    assert html.escape(in_language("nl", "Too many attempts")) in response.content.decode()
    assert client.get("/cases/").status_code == 302, "not logged in"
    # The lock holds that account from that address, not everybody.
    assert post_login(Client(), "lead.scapi", DEMO_PASSWORD).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, db):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "worker.scapi", "wrong-Password-4-demo")
    response = post_login(client, "worker.scapi", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


# --- language and errors -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("username", [None, "worker.scapi"])
def test_an_unknown_url_is_a_friendly_404_in_the_users_language(client, login, username, lang):
    if username:
        client = login(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert page_language(response) == lang
    assert html.escape(in_language(lang, "Page not found")) in response.content.decode()
    assert "errors/404.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("username,path", [(None, "/accounts/login/"), ("worker.scapi", "/cases/")])
def test_the_language_form_works_without_javascript(personas, username, path):
    client = Client(enforce_csrf_checks=True)  # like a browser: the form must carry its token
    if username:
        client.force_login(personas[username])
    page = client.get(path).content.decode()
    form = re.search(r'<form action="([^"]+)" method="post" class="lang">(.*?)</form>', page, re.S)
    assert form and form.group(1) == reverse("set_language")
    fields = form.group(2)
    assert re.findall(r'<option value="(\w+)"', fields) == LANGUAGES
    assert 'type="submit"' in fields, "a plain submit button, so it works without JavaScript"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', fields).group(1)
    next_url = html.unescape(re.search(r'name="next" type="hidden" value="([^"]*)"', fields).group(1))
    assert next_url == path

    for lang in ["nl", "en", "fr"]:
        response = client.post(form.group(1), {"language": lang, "next": next_url, "csrfmiddlewaretoken": token})
        assert response.status_code == 302 and response["Location"] == path
        assert page_language(client.get(path)) == lang


# --- the admin ---------------------------------------------------------------------------------

ADMIN_MODELS = {("auth", "user"), ("auth", "group"), ("casework", "team"), ("casework", "role")}


def test_the_admin_registers_no_case_or_audit_model():
    registered = {(model._meta.app_label, model._meta.model_name) for model in admin.site._registry}
    # django-axes' own admin (failed-attempt records, to unlock an account) is account management.
    assert {entry for entry in registered if entry[0] != "axes"} <= ADMIN_MODELS
    for app_label in ["casework", "audit", "victims", "detainees", "radicalisation", "plan"]:
        for model in apps.get_app_config(app_label).get_models():
            name = model._meta.model_name
            if (app_label, name) in ADMIN_MODELS:
                continue
            with pytest.raises(NoReverseMatch):
                reverse(f"admin:{app_label}_{name}_changelist")


def test_the_administrator_sees_accounts_teams_and_roles_only(login):
    client = login("admin")
    response = client.get("/admin/")
    assert response.status_code == 200
    linked = set(re.findall(r'href="/admin/(\w+)/(\w+)/"', response.content.decode()))
    assert linked == {("auth", "user"), ("casework", "team"), ("casework", "role")}
    users = client.get("/admin/auth/user/")
    assert users.status_code == 200 and "worker.scapi" in users.content.decode()
    assert client.get("/admin/casework/case/").status_code == 404


@pytest.mark.parametrize("username", ["worker.scapi", "lead.scav", "auditor", "coordinator"])
def test_the_admin_sends_other_roles_to_its_login(login, username):
    response = login(username).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- demo data -----------------------------------------------------------------------------------

def test_seed_demo_twice_changes_nothing(db):
    def counts():
        return {model._meta.label: model._default_manager.count() for model in apps.get_models()
                if model._meta.managed and not model._meta.proxy}

    before = counts()
    assert before["auth.User"] >= len(DEMO_ACCOUNTS) and before["casework.Case"] > 0 and before["casework.Session"] > 0
    with open("/dev/null", "w") as devnull:
        call_command("seed_demo", "--password", DEMO_PASSWORD, "--scale", "0.35", stdout=devnull)
    assert counts() == before


def test_a_role_is_never_edited_in_the_admin_only_revoked_and_requested_anew(login, personas):
    from audit.models import AuditEvent
    from casework.models import Role

    client = login("admin")
    role = Role.objects.get(user__username="worker.scapi", kind="worker")
    before = AuditEvent.objects.filter(action__in=["role_grant", "role_revoke", "role_request"]).count()
    rad = role.team.__class__.objects.get(code="RAD")
    response = client.post(f"/admin/casework/role/{role.pk}/change/", {"user": role.user_id, "kind": role.kind, "team": rad.pk})
    assert response.status_code == 403
    assert Role.objects.get(pk=role.pk).team.code == "SCAPI"
    assert AuditEvent.objects.filter(action__in=["role_grant", "role_revoke", "role_request"]).count() == before
    # The role's page shows it read-only.
    assert client.get(f"/admin/casework/role/{role.pk}/change/").status_code == 200