"""The permission matrix: every case URL (discovered from the URL configuration, so a new URL
cannot be forgotten) × every role × a case of their own, of their team but not assigned to
them, and of another team. A refusal is a 404, identical to a missing case, and is audited."""

import re
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, reverse

from audit.models import AuditEvent
from casework import case_urls
from casework.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Session
from tests.casework.conftest import open_case_assigned_to

CASE_URL_NAMES = sorted(p.name for p in case_urls.urlpatterns if isinstance(p, URLPattern) and "case_id" in p.pattern.converters)
LIST_URL_NAMES = sorted(p.name for p in case_urls.urlpatterns if isinstance(p, URLPattern) and not p.pattern.converters)

# Views that only accept POST (their GET is a 405 for everyone, which reveals nothing).
POST_ONLY = {"reopen", "emergency", "close_undo"}
# What a lead of the case's team may not do either: nothing. What an assigned worker may not do:
WORKER_CANNOT = {"assignments", "reopen"}

ROLES = ["worker.scapi", "worker2.scapi", "lead.scapi", "worker.scav", "lead.scav", "worker.rad", "lead.rad",
         "auditor", "coordinator", "admin"]


def test_every_case_url_is_in_the_matrix():
    assert set(CASE_URL_NAMES) == {"detail", "history", "edit", "close", "reopen", "assignments", "export",
                                   "emergency", "sessions", "session_create", "session_edit", "close_undo"}
    assert set(LIST_URL_NAMES) == {"my_cases", "team_register", "create", "find", "caseloads"}


def _url(name, case):
    kwargs = {"case_id": case.pk}
    if name == "session_edit":
        kwargs["session_id"] = case.sessions.first().pk
    return reverse(f"cases:{name}", kwargs=kwargs)


def _relation(username, case):
    if username == f"lead.{case.team.reference_prefix.lower()}":
        return "lead"
    if case.assignments.filter(worker__username=username).exists():
        return "assigned"
    if case.team.roles.filter(user__username=username, kind="worker").exists():
        return "team_worker"
    return "outsider"


def _expected_allowed(name, relation):
    if relation == "lead":
        return name != "emergency"  # leads see the case anyway; emergency access is for workers
    if relation == "assigned":
        return name not in WORKER_CANNOT
    if relation == "team_worker":
        return name == "emergency"
    return False


@pytest.fixture
def matrix_cases(db):
    scapi = open_case_assigned_to("worker.scapi")
    scav = open_case_assigned_to("worker.scav")
    rad = open_case_assigned_to("worker.rad")
    for case in (scapi, scav, rad):
        assert case.sessions.exists()
    return {"SCAPI": scapi, "MEDLOC-SCAV": scav, "RAD": rad}


@pytest.mark.parametrize("name", CASE_URL_NAMES)
@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("team", ["SCAPI", "MEDLOC-SCAV", "RAD"])
def test_case_url_permission_matrix(client, personas, matrix_cases, name, username, team):
    case = matrix_cases[team]
    client.force_login(personas[username])
    relation = _relation(username, case)
    allowed = _expected_allowed(name, relation)
    refusals_before = AuditEvent.objects.filter(action="access_refused", actor__username=username).count()
    if name in POST_ONLY:
        data = {"version": case.version, "justification": "Assigned worker on leave, person at the desk now."}
        response = client.post(_url(name, case), data)
    else:
        response = client.get(_url(name, case))
    refusals = AuditEvent.objects.filter(action="access_refused", actor__username=username).count() - refusals_before
    if allowed:
        assert response.status_code in (200, 302), f"{username} ({relation}) should reach {name}"
        assert refusals == 0
    else:
        assert response.status_code == 404, f"{username} ({relation}) must not reach {name}"
        assert refusals == 1
        assert case.family_name not in response.content.decode()


@pytest.mark.parametrize("username", ROLES)
def test_list_urls_by_role(client, personas, username):
    client.force_login(personas[username])
    is_worker, is_lead = username.startswith("worker"), username.startswith("lead")
    expected = {
        "my_cases": is_worker, "team_register": is_lead, "create": is_lead, "find": is_worker or is_lead,
        "caseloads": is_lead,
    }
    for name in LIST_URL_NAMES:
        response = client.get(reverse(f"cases:{name}"))
        assert response.status_code == (200 if expected[name] else 404), f"{username} on {name}"


@pytest.mark.parametrize("name", CASE_URL_NAMES)
def test_unknown_case_is_the_same_404_as_a_forbidden_one(client, personas, name, matrix_cases):
    client.force_login(personas["worker.scapi"])
    forbidden = matrix_cases["RAD"]
    kwargs = {"case_id": uuid.uuid4()}
    if name == "session_edit":
        kwargs["session_id"] = uuid.uuid4()
    method = client.post if name in POST_ONLY else client.get
    missing_url, refused_url = reverse(f"cases:{name}", kwargs=kwargs), _url(name, forbidden)
    missing, refused = method(missing_url), method(refused_url)
    assert missing.status_code == refused.status_code == 404
    # Identical pages but for the per-render CSRF token and the page's own address.
    def normalised(response, url):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()).replace(url, "")

    assert normalised(missing, missing_url) == normalised(refused, refused_url)


def test_anonymous_users_are_sent_to_login(client, matrix_cases):
    response = client.get(reverse("cases:detail", kwargs={"case_id": matrix_cases["SCAPI"].pk}))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_worker_list_shows_only_assigned_cases(client, personas):
    client.force_login(personas["worker2.scapi"])
    response = client.get(reverse("cases:my_cases"))
    shown = {case.reference for case in response.context["page"].object_list}
    mine = set(Case.objects.filter(assignments__worker__username="worker2.scapi").values_list("reference", flat=True))
    assert shown and shown <= mine


def test_no_user_or_group_holds_a_model_wide_permission_on_case_models(db):
    case_perms = Permission.objects.filter(content_type__app_label__in=["casework", "victims", "detainees", "radicalisation"],
                                           content_type__model__in=["case", "session", "assignment", "victimdetails", "detentiondetails", "radicalisationdetails"])
    assert not Permission.objects.filter(pk__in=case_perms, user__isnull=False).exists()
    assert not Group.objects.filter(permissions__in=case_perms).exists()
    assert not CaseGroupObjectPermission.objects.exists()


def test_unassigning_revokes_access_on_the_very_next_request(client, personas, scapi_case):
    from audit.services import SYSTEM
    from casework.services.cases import case_unassign

    client.force_login(personas["worker.scapi"])
    url = reverse("cases:detail", kwargs={"case_id": scapi_case.pk})
    assert client.get(url).status_code == 200
    case_unassign(actor=personas["lead.scapi"], origin=SYSTEM, case=scapi_case, worker=personas["worker.scapi"])
    assert client.get(url).status_code == 404
    assert not CaseUserObjectPermission.objects.filter(content_object=scapi_case, user=personas["worker.scapi"]).exists()


def test_leaving_the_team_ends_access_to_its_cases(client, personas, scapi_case):
    from audit.services import SYSTEM
    from casework.models import Role
    from casework.services.roles import role_revoke

    client.force_login(personas["worker.scapi"])
    url = reverse("cases:detail", kwargs={"case_id": scapi_case.pk})
    assert client.get(url).status_code == 200
    role_revoke(actor=personas["admin"], origin=SYSTEM, role=Role.objects.get(user__username="worker.scapi", kind="worker"))
    assert client.get(url).status_code == 404


def test_deleting_a_case_leaves_no_permission_rows(db, scapi_case):
    assert CaseUserObjectPermission.objects.filter(content_object=scapi_case).exists()
    Session.objects.filter(case=scapi_case).delete()
    scapi_case.delete()
    assert not CaseUserObjectPermission.objects.filter(content_object_id=scapi_case.pk).exists()
    from guardian.models import UserObjectPermission

    assert not UserObjectPermission.objects.exists()  # the generic table is never used
