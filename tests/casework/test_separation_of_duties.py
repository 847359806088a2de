"""Separation of duties (issue 8, sections 1 and 2; docs/decisions/0005-role-approval.md).

Each test replays an attack found against the administrator's powers: granting oneself a role,
combining a supervision role with casework, a role taking effect without a second person, an
account changed without a trace, a password set by someone else and used silently."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.models import Anomaly, AuditEvent
from audit.services import SYSTEM, Origin, anomalies_detect, audit_record
from casework.access import roles_of
from casework.models import Case, Role, Team
from casework.selectors import role_requests_awaiting
from casework.services.roles import role_approve, role_request, role_revoke
from tests.conftest import DEMO_PASSWORD

WEB = Origin(client_ip="192.0.2.50", user_agent="test")
NEW_PASSWORD = "Another-long-Passphrase-77"


@pytest.fixture
def events():
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return lambda **filters: list(AuditEvent.objects.filter(seq__gt=last, **filters).order_by("seq"))


def team(code):
    return Team.objects.get(code=code)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client, user):
    client.force_login(user)
    return client


# --- 1. No one grants themselves access ----------------------------------------------------------

def test_the_administrator_cannot_make_themselves_a_lead_in_the_admin(client, personas, events):
    admin = personas["admin"]
    signed_in(client, admin)
    response = client.post("/admin/casework/role/add/", {"user": admin.pk, "kind": "lead", "team": team("SCAPI").pk},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Nobody can grant or change a role of their own account." in response.content.decode()
    assert not Role.all_objects.filter(user=admin, kind="lead").exists()
    assert client.get(reverse("cases:team_register")).status_code == 404
    assert not events(action__in=[Action.ROLE_REQUEST, Action.ROLE_GRANT])


def test_nobody_requests_or_revokes_a_role_of_their_own_account(personas):
    admin = personas["admin"]
    with pytest.raises(ValidationError):
        role_request(actor=admin, origin=WEB, user=admin, kind=Role.Kind.WORKER, team=team("RAD"))
    with pytest.raises(ValidationError):
        role_revoke(actor=admin, origin=WEB, role=Role.objects.get(user=admin, kind=Role.Kind.ADMINISTRATOR))
    assert Role.objects.filter(user=admin, kind=Role.Kind.ADMINISTRATOR).exists()


@pytest.mark.parametrize("username", ["auditor", "coordinator", "admin2"])
def test_an_auditor_coordinator_or_administrator_is_never_made_a_worker_or_lead(client, personas, username):
    signed_in(client, personas["admin"])
    for kind in ("lead", "worker"):
        response = client.post("/admin/casework/role/add/", {"user": personas[username].pk, "kind": kind, "team": team("RAD").pk},
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "cannot be combined" in response.content.decode()
    assert not Role.all_objects.filter(user=personas[username], kind__in=Role.TEAM_KINDS).exists()


def test_a_worker_or_lead_is_never_made_an_auditor_coordinator_or_administrator(personas):
    for kind in Role.GLOBAL_KINDS:
        with pytest.raises(ValidationError):
            role_request(actor=personas["admin"], origin=WEB, user=personas["lead.scav"], kind=kind)
    assert not Role.all_objects.filter(user=personas["lead.scav"], kind__in=Role.GLOBAL_KINDS).exists()


def test_a_worker_role_takes_effect_only_once_the_team_lead_approves_it(client, personas, events):
    worker, lead = personas["worker.scapi"], personas["lead.rad"]
    signed_in(client, personas["admin"])
    response = client.post("/admin/casework/role/add/", {"user": worker.pk, "kind": "worker", "team": team("RAD").pk})
    assert response.status_code == 302
    role = Role.all_objects.get(user=worker, team__code="RAD")
    assert role.status == Role.Status.PENDING and role.requested_by == personas["admin"]
    assert team("RAD").pk not in roles_of(fresh(worker)).worker_teams
    assert not Role.objects.filter(pk=role.pk).exists()  # the default manager sees active roles only

    # Another lead, or the requesting administrator, cannot approve it.
    for other in ("lead.scapi", "admin"):
        signed_in(client, personas[other])
        assert client.post(reverse("role_request_decide", args=[role.pk]), {"decision": "approve"}).status_code == 404
    assert Role.all_objects.get(pk=role.pk).status == Role.Status.PENDING

    signed_in(client, lead)
    page = client.get(reverse("role_requests")).content.decode()
    assert "worker.scapi" in page
    response = client.post(reverse("role_request_decide", args=[role.pk]), {"decision": "approve"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.status, role.approved_by) == (Role.Status.ACTIVE, lead)
    assert team("RAD").pk in roles_of(fresh(worker)).worker_teams
    assert [e.action for e in events(target_id=str(worker.pk))] == [Action.ROLE_REQUEST, Action.ROLE_APPROVE, Action.ROLE_GRANT]


def test_a_lead_role_needs_another_administrator(client, personas):
    role = role_request(actor=personas["admin"], origin=WEB, user=personas["worker2.scapi"], kind=Role.Kind.LEAD, team=team("SCAPI"))
    assert role.is_pending
    with pytest.raises(PermissionDenied):
        role_approve(actor=personas["admin"], origin=WEB, role=role)  # the requester
    with pytest.raises(PermissionDenied):
        role_approve(actor=personas["lead.scapi"], origin=WEB, role=role)  # a lead approves workers only
    signed_in(client, personas["admin2"])
    assert "worker2.scapi" in client.get(reverse("role_requests")).content.decode()
    client.post(reverse("role_request_decide", args=[role.pk]), {"decision": "approve"})
    assert Role.all_objects.get(pk=role.pk).status == Role.Status.ACTIVE
    assert team("SCAPI").pk in roles_of(fresh(personas["worker2.scapi"])).lead_teams


def test_nobody_approves_a_request_about_themselves(client, personas):
    lead = personas["lead.rad"]
    role = role_request(actor=personas["admin"], origin=WEB, user=lead, kind=Role.Kind.WORKER, team=team("RAD"))
    assert role not in role_requests_awaiting(lead)
    signed_in(client, lead)
    assert client.post(reverse("role_request_decide", args=[role.pk]), {"decision": "approve"}).status_code == 404
    assert Role.all_objects.get(pk=role.pk).status == Role.Status.PENDING
    assert AuditEvent.objects.filter(action=Action.ACCESS_REFUSED, actor=lead, target_type="role").exists()


def test_a_refused_request_gives_nothing_and_is_audited(client, personas, events):
    role = Role.all_objects.get(user__username="worker.rad", team__code="SCAPI", status=Role.Status.PENDING)  # seeded
    signed_in(client, personas["lead.scapi"])
    client.post(reverse("role_request_decide", args=[role.pk]), {"decision": "refuse"})
    role.refresh_from_db()
    assert (role.status, role.approved_by) == (Role.Status.REFUSED, personas["lead.scapi"])
    assert team("SCAPI").pk not in roles_of(fresh(personas["worker.rad"])).worker_teams
    (refused,) = events(action=Action.ROLE_REFUSE)
    assert (refused.actor, refused.target_id, refused.team) == (personas["lead.scapi"], str(personas["worker.rad"].pk), "SCAPI")
    # Decided once: a second click changes nothing.
    client.post(reverse("role_request_decide", args=[role.pk]), {"decision": "approve"})
    assert Role.all_objects.get(pk=role.pk).status == Role.Status.REFUSED


def test_the_pending_requests_page_is_for_approvers_only(client, personas, django_assert_max_num_queries):
    signed_in(client, personas["lead.scav"])
    assert "worker.rad" not in client.get(reverse("role_requests")).content.decode()
    for username in ("worker.scapi", "auditor", "coordinator"):
        signed_in(client, personas[username])
        assert client.get(reverse("role_requests")).status_code == 404
    for username in ("worker.scapi", "worker2.scav", "worker.scav"):
        role_request(actor=personas["admin"], origin=WEB, user=personas[username], kind=Role.Kind.WORKER, team=team("RAD"))
    signed_in(client, personas["lead.rad"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("role_requests")).content.decode()
    assert "worker.scapi" in page and "worker.scav" in page


def test_role_requests_awaiting_lists_what_this_user_may_approve(personas):
    assert [r.user.username for r in role_requests_awaiting(personas["lead.scapi"])] == ["worker.rad"]
    assert list(role_requests_awaiting(personas["lead.rad"])) == []
    assert list(role_requests_awaiting(personas["worker.scapi"])) == []


def test_a_request_without_an_account_is_for_operator_commands_only(personas):
    with pytest.raises(PermissionDenied):
        role_request(actor=None, origin=WEB, user=personas["worker.rad"], kind=Role.Kind.AUDITOR)
    assert not Role.all_objects.filter(user=personas["worker.rad"], kind=Role.Kind.AUDITOR).exists()


def test_the_role_grant_command_gives_team_roles_only_as_requests(personas, events):
    user = get_user_model().objects.create_user("newcomer", password=DEMO_PASSWORD)
    call_command("role_grant", "newcomer", "worker", "--team", "RAD", stdout=open("/dev/null", "w"))
    role = Role.all_objects.get(user=user)
    assert role.is_pending and role.requested_by is None
    assert role in role_requests_awaiting(personas["lead.rad"])
    other = get_user_model().objects.create_user("newauditor", password=DEMO_PASSWORD)
    call_command("role_grant", "newauditor", "auditor", stdout=open("/dev/null", "w"))
    assert roles_of(fresh(other)).auditor
    assert {e.actor_username for e in events(action=Action.ROLE_REQUEST)} == {"role_grant"}
    with pytest.raises(CommandError):
        call_command("role_grant", "newauditor", "worker", "--team", "RAD", stdout=open("/dev/null", "w"))


def test_a_role_grant_followed_by_case_reads_within_a_day_is_flagged(client, personas, settings):
    worker = personas["worker.scapi"]
    role = role_request(actor=personas["admin"], origin=WEB, user=worker, kind=Role.Kind.WORKER, team=team("RAD"))
    role_approve(actor=personas["lead.rad"], origin=WEB, role=role)
    case = Case.objects.filter(team__code="SCAPI", assignments__worker=worker).first()
    signed_in(client, worker)
    assert client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 200
    today = timezone.localdate()
    anomalies_detect(first_day=today, last_day=today)
    grant = AuditEvent.objects.filter(action=Action.ROLE_GRANT, target_id=str(worker.pk)).latest("seq")
    finding = Anomaly.objects.get(kind=Anomaly.Kind.ROLE_THEN_READS, actor=worker, key=str(grant.seq))
    assert finding.detail["role"] == "worker" and finding.detail["team"] == "RAD" and finding.count >= 1
    assert finding.event_seqs[0] == grant.seq


def test_reads_after_the_configured_window_are_not_flagged(client, personas, settings):
    settings.AUDIT_ROLE_READS_HOURS = 0
    worker = personas["worker.scapi"]
    role = role_request(actor=personas["admin"], origin=WEB, user=worker, kind=Role.Kind.WORKER, team=team("RAD"))
    role_approve(actor=personas["lead.rad"], origin=WEB, role=role)
    case = Case.objects.filter(team__code="SCAPI", assignments__worker=worker).first()
    signed_in(client, worker)
    client.get(reverse("cases:detail", kwargs={"case_id": case.pk}))
    today = timezone.localdate()
    anomalies_detect(first_day=today, last_day=today)
    assert not Anomaly.objects.filter(kind=Anomaly.Kind.ROLE_THEN_READS, actor=worker).exists()
    settings.AUDIT_ROLE_READS_HOURS = 24
    anomalies_detect(first_day=today, last_day=today)
    assert Anomaly.objects.filter(kind=Anomaly.Kind.ROLE_THEN_READS, actor=worker).exists()


def test_an_auditor_cannot_review_a_finding_about_themselves(client, personas):
    auditor = personas["auditor"]
    audit_record(actor=auditor, action=Action.BREAK_GLASS, origin=WEB, target_type="case", target_id="1", team="SCAPI")
    today = timezone.localdate()
    anomalies_detect(first_day=today, last_day=today)
    finding = Anomaly.objects.get(kind=Anomaly.Kind.BREAK_GLASS, actor=auditor)
    signed_in(client, auditor)
    response = client.post(reverse("audit:anomaly", args=[finding.pk]), {"comment": "Nothing to see here, all fine.", "outcome": "justified"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "A finding about yourself is reviewed by another auditor." in response.content.decode()
    finding.refresh_from_db()
    assert not finding.is_reviewed


# --- 2. Every change to an account is in the audit chain ----------------------------------------

def test_a_password_set_by_the_administrator_is_audited_and_must_be_changed_by_its_owner(client, personas, events):
    worker = personas["worker.scapi"]
    signed_in(client, personas["admin"])
    response = client.post(f"/admin/auth/user/{worker.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    (event,) = events(action=Action.ACCOUNT_PASSWORD_SET)
    assert (event.actor, event.target_id, event.detail) == (personas["admin"], str(worker.pk), {"username": "worker.scapi"})

    # Whoever logs in with it lands on the password change page, and nowhere else.
    client.logout()
    assert log_in(client, "worker.scapi", NEW_PASSWORD).status_code == 302
    assert client.get(reverse("cases:my_cases"))["Location"] == reverse("password_change")
    response = client.post(reverse("password_change"), {
        "old_password": NEW_PASSWORD, "new_password1": "Mine-and-only-mine-2026", "new_password2": "Mine-and-only-mine-2026"})
    assert response.status_code == 302
    assert client.get(reverse("cases:my_cases")).status_code == 200
    (changed,) = events(action=Action.ACCOUNT_PASSWORD_CHANGE)
    assert (changed.actor, changed.target_id) == (worker, str(worker.pk))


def test_every_user_can_change_their_own_password_and_their_other_sessions_end(client, personas, events):
    from django.test import Client

    coordinator = personas["coordinator"]
    other_browser = Client()
    other_browser.force_login(coordinator)
    signed_in(client, coordinator)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "Mine-and-only-mine-2026", "new_password2": "Mine-and-only-mine-2026"})
    assert response.status_code == 302
    assert client.get("/", follow=True).status_code == 200 and client.session.get("_auth_user_id") == str(coordinator.pk)
    assert other_browser.get("/indicators/")["Location"].startswith(reverse("login"))
    assert events(action=Action.ACCOUNT_PASSWORD_CHANGE)


def user_form(user, **changes):
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "is_active": "on" if user.is_active else ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_superuser_staff_groups_and_permissions_are_not_editable_in_the_admin(client, personas):
    worker = personas["worker.scapi"]
    signed_in(client, personas["admin"])
    page = client.get(f"/admin/auth/user/{worker.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for machinery in ('name="is_superuser"', 'name="is_staff"', 'name="groups"', 'name="user_permissions"'):
        assert machinery not in page
    assert "Social worker" in page or "social worker" in page  # the roles and teams are shown
    client.post(f"/admin/auth/user/{worker.pk}/change/", user_form(worker, is_superuser="on", is_staff="on",
                                                                    user_permissions=["1", "2"]))
    worker = fresh(worker)
    assert not worker.is_superuser and not worker.is_staff and not worker.user_permissions.exists()


def test_renaming_deactivating_and_reactivating_an_account_are_audited(client, personas, events):
    worker = personas["worker2.scapi"]
    from django.test import Client

    worker_browser = Client()
    worker_browser.force_login(worker)
    signed_in(client, personas["admin"])
    client.post(f"/admin/auth/user/{worker.pk}/change/", user_form(worker, username="worker3.scapi", last_name="Amrani-B"))
    (renamed,) = events(action=Action.ACCOUNT_RENAME)
    assert renamed.detail == {"username": "worker3.scapi", "fields": ["last_name", "username"], "previous_username": "worker2.scapi"}

    worker = fresh(worker)
    client.post(f"/admin/auth/user/{worker.pk}/change/", user_form(worker, is_active=""))
    assert not fresh(worker).is_active
    assert events(action=Action.ACCOUNT_DEACTIVATE)
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(worker.pk)]
    client.post(f"/admin/auth/user/{worker.pk}/change/", user_form(fresh(worker), is_active="on"))
    assert events(action=Action.ACCOUNT_ACTIVATE)
    # The old session did not come back with the reactivation.
    assert worker_browser.get(reverse("cases:my_cases")).status_code == 302


def test_creating_an_account_is_audited_and_its_first_password_must_be_changed(client, personas, events):
    signed_in(client, personas["admin"])
    response = client.post("/admin/auth/user/add/", {"username": "new.worker", "first_name": "Nina", "last_name": "Peeters",
                                                    "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new.worker")
    (created,) = events(action=Action.ACCOUNT_CREATE)
    assert (created.actor, created.target_id) == (personas["admin"], str(user.pk))
    client.logout()
    log_in(client, "new.worker", NEW_PASSWORD)
    assert client.get("/")["Location"] == reverse("password_change")


def test_a_team_code_is_read_only_once_the_team_has_cases(client, personas):
    scapi = team("SCAPI")
    signed_in(client, personas["admin"])
    client.post(f"/admin/casework/team/{scapi.pk}/change/", {
        "code": "RENAMED", "reference_prefix": "XX", "name_fr": scapi.name_fr, "name_nl": scapi.name_nl, "name_en": scapi.name_en})
    scapi.refresh_from_db()
    assert (scapi.code, scapi.reference_prefix) == ("SCAPI", "SCAPI")
    case = Case.objects.filter(team=scapi, assignments__worker=personas["worker.scapi"]).first()
    signed_in(client, personas["worker.scapi"])
    assert client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 200


def test_revoking_a_worker_role_ends_the_workers_assignments_and_regranting_restores_none(personas, events):
    worker, scapi = personas["worker.scapi"], team("SCAPI")
    assigned = set(Case.objects.filter(team=scapi, assignments__worker=worker).values_list("pk", flat=True))
    assert assigned
    role_revoke(actor=personas["admin"], origin=WEB, role=Role.objects.get(user=worker, team=scapi, kind=Role.Kind.WORKER))
    assert not Case.objects.filter(team=scapi, assignments__worker=worker).exists()
    assert len(events(action=Action.CASE_UNASSIGN)) == len(assigned)
    role = role_request(actor=personas["admin"], origin=WEB, user=worker, kind=Role.Kind.WORKER, team=scapi)
    role_approve(actor=personas["lead.scapi"], origin=WEB, role=role)
    from casework.access import visible_cases

    assert not visible_cases(fresh(worker)).exists()


def test_seed_demo_refuses_to_run_in_production_mode(settings, personas):
    settings.CASEWORK_PRODUCTION = True
    before = fresh(personas["admin"]).password
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", "--password", "published-demo-password", stdout=open("/dev/null", "w"))
    assert fresh(personas["admin"]).password == before


def test_demo_roles_are_active_and_approved_by_a_second_person(personas):
    for role in Role.objects.filter(kind__in=Role.TEAM_KINDS).select_related("user"):
        if role.user.username.startswith(("worker", "lead")):
            assert role.approved_by_id and role.approved_by_id not in (role.user_id, role.requested_by_id)
    assert Role.all_objects.filter(status=Role.Status.PENDING).count() == 1


# --- the admin in each language (issue 13, "Administrator") -------------------------------------

@pytest.mark.parametrize("lang, words", [
    ("nl", ["Gebruikers", "Dossieropvolging – beheer", "Rollen", "Teams"]),
    ("fr", ["Utilisateurs", "Suivi des dossiers – administration", "Rôles", "Équipes"]),
])
def test_the_admin_speaks_the_users_language(client, personas, settings, lang, words):
    signed_in(client, personas["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    page = client.get("/admin/").content.decode()
    for word in words:
        assert word in page
    for english in ("Site administration", "Groups", "Roles", "Users"):
        assert f">{english}<" not in page
    role_page = client.get("/admin/casework/role/").content.decode()
    assert "Requested by" not in role_page and "Awaiting approval" not in role_page
    if lang == "nl":  # strings Django's Dutch catalogue lacks fell back to French
        add_user = client.get("/admin/auth/user/add/").content.decode()
        for french in ("Nom du modèle", "Lien pour", "Après avoir créé un utilisateur"):
            assert french not in page + add_user


def test_revoking_a_role_in_the_admin_keeps_it_as_history_and_is_audited(client, personas, events):
    worker = personas["worker.scav"]
    role = Role.objects.get(user=worker, kind=Role.Kind.WORKER)
    signed_in(client, personas["admin"])
    page = client.get(f"/admin/casework/role/{role.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revoke the role" in page
    response = client.post(f"/admin/casework/role/{role.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Role.all_objects.get(pk=role.pk).status == Role.Status.REVOKED
    assert [e.action for e in events(action=Action.ROLE_REVOKE)] == [Action.ROLE_REVOKE]
    assert not Case.objects.filter(team=role.team, assignments__worker=worker).exists()
    # Nobody revokes their own role, even through the admin's delete page.
    own = Role.objects.get(user=personas["admin"], kind=Role.Kind.ADMINISTRATOR)
    assert client.post(f"/admin/casework/role/{own.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Role.objects.filter(pk=own.pk).exists()
