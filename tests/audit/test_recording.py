"""Every auditable action writes exactly one event, with the right fields, through the real
URLs and services; user-supplied text cannot break a line of the log."""

import uuid

import pytest
from django.test import Client

from audit.actions import Action
from audit.models import AuditEvent
from casework.models import Case, Role, Team
from casework.services.roles import role_approve, role_grant, role_revoke
from audit.services import Origin
from tests.conftest import DEMO_PASSWORD

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


@pytest.fixture
def new_events(db):
    """``new_events()``: the events appended since the test started, oldest first."""
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return lambda: list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))


@pytest.fixture
def browser(db):
    return Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="192.0.2.10")


def test_a_login_writes_one_login_event(browser, personas, new_events):
    response = browser.post("/accounts/login/", {"username": "worker.scav", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    (event,) = new_events()
    user = personas["worker.scav"]
    assert (event.action, event.actor_id, event.actor_username) == (Action.LOGIN, user.pk, "worker.scav")
    assert (event.target_type, event.target_id) == ("user", str(user.pk))
    assert (event.client_ip, event.user_agent) == ("192.0.2.10", BROWSER)


def test_a_failed_login_writes_one_event_with_the_typed_name_and_no_account(browser, new_events):
    response = browser.post("/accounts/login/", {"username": "worker.scav", "password": "wrong-password-123"})
    assert response.status_code == 200
    (event,) = new_events()
    assert (event.action, event.actor_id, event.actor_username) == (Action.LOGIN_FAILED, None, "worker.scav")
    assert event.client_ip == "192.0.2.10"


def test_a_typed_name_cannot_inject_a_line_into_the_log(browser, new_events):
    browser.post("/accounts/login/", {"username": "nobody\r\n2026-01-01 INFO forged line", "password": "x" * 12})
    (event,) = new_events()
    assert "\n" not in event.actor_username and "\r" not in event.actor_username
    assert event.actor_username.startswith("nobody")


def test_a_logout_writes_one_logout_event(browser, personas, new_events):
    browser.force_login(personas["lead.rad"])
    before = len(new_events())
    assert browser.post("/accounts/logout/").status_code == 302
    (event,) = new_events()[before:]
    assert (event.action, event.actor_id, event.target_id) == (Action.LOGOUT, personas["lead.rad"].pk, str(personas["lead.rad"].pk))


def test_a_worker_asking_for_a_case_that_does_not_exist_is_refused_and_logged(browser, personas, new_events):
    browser.force_login(personas["worker.scapi"])
    before = len(new_events())
    missing = uuid.uuid4()
    assert browser.get(f"/cases/{missing}/").status_code == 404
    (event,) = new_events()[before:]
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        Action.ACCESS_REFUSED, personas["worker.scapi"].pk, "case", str(missing))
    assert event.detail["reason"] == "missing"
    assert event.user_agent == BROWSER


def test_a_worker_asking_for_a_case_of_another_team_is_refused_and_logged_with_its_team(browser, personas, new_events):
    browser.force_login(personas["worker.scapi"])
    before = len(new_events())
    other = Case.objects.filter(team__code="RAD").first()
    assert browser.get(f"/cases/{other.pk}/").status_code == 404
    (event,) = new_events()[before:]
    assert (event.action, event.target_id, event.target_ref, event.team) == (
        Action.ACCESS_REFUSED, str(other.pk), other.reference, "RAD")


def test_a_worker_opening_the_audit_log_is_refused_and_logged(browser, personas, new_events):
    browser.force_login(personas["worker.scapi"])
    before = len(new_events())
    assert browser.get("/audit/").status_code == 404
    (event,) = new_events()[before:]
    assert (event.action, event.target_type, event.target_id) == (Action.ACCESS_REFUSED, "audit", "audit:events")
    assert event.detail == {"reason": "not auditor", "path": "/audit/"}


def test_requesting_approving_and_revoking_a_role_write_one_event_each(personas, new_events):
    admin, lead, worker = personas["admin"], personas["lead.scav"], personas["worker.rad"]
    team = Team.objects.get(code="MEDLOC-SCAV")
    origin = Origin(client_ip="192.0.2.20", user_agent=BROWSER)
    role = role_grant(actor=admin, origin=origin, user=worker, kind=Role.Kind.WORKER, team=team)
    (requested,) = new_events()
    assert (requested.action, requested.actor_id, requested.target_type, requested.target_id, requested.team) == (
        Action.ROLE_REQUEST, admin.pk, "user", str(worker.pk), "MEDLOC-SCAV")
    assert requested.detail == {"role": "worker", "username": "worker.rad"}
    role_approve(actor=lead, origin=origin, role=role)
    (_, approved, granted) = new_events()
    assert (approved.action, approved.actor_id, approved.detail["requested_by"]) == (Action.ROLE_APPROVE, lead.pk, "admin")
    assert (granted.action, granted.actor_id, granted.target_id, granted.detail["approved_by"]) == (
        Action.ROLE_GRANT, lead.pk, str(worker.pk), "lead.scav")
    role_revoke(actor=admin, origin=origin, role=role)
    revoked = new_events()[-1]
    assert (revoked.action, revoked.target_id, revoked.team, revoked.client_ip) == (
        Action.ROLE_REVOKE, str(worker.pk), "MEDLOC-SCAV", "192.0.2.20")


def test_granting_a_role_already_held_writes_nothing(personas, new_events):
    team = Team.objects.get(code="RAD")
    role_grant(actor=personas["admin"], origin=Origin(), user=personas["worker.rad"], kind=Role.Kind.WORKER, team=team)
    assert new_events() == []


def test_opening_the_audit_log_writes_one_audit_view_event(browser, personas, new_events):
    browser.force_login(personas["auditor"])
    before = len(new_events())
    assert browser.get("/audit/", {"action": "login", "team": "RAD"}).status_code == 200
    (event,) = new_events()[before:]
    assert (event.action, event.actor_id) == (Action.AUDIT_VIEW, personas["auditor"].pk)
    assert event.detail == {"page": "events", "filters": {"action": "login", "team": "RAD"}}


def test_exporting_the_audit_log_writes_one_audit_export_event(browser, personas, new_events):
    browser.force_login(personas["auditor"])
    before = len(new_events())
    response = browser.get("/audit/export.csv", {"username": "lead.rad"})
    b"".join(response.streaming_content)
    (event,) = new_events()[before:]
    assert (event.action, event.actor_id, event.target_type) == (Action.AUDIT_EXPORT, personas["auditor"].pk, "audit_log")
    # The export is bounded by the newest event before its own.
    newest_before = AuditEvent.objects.filter(seq__lt=event.seq).order_by("-seq").values_list("seq", flat=True).first()
    assert event.detail == {"filters": {"username": "lead.rad"}, "up_to_seq": newest_before}


def test_a_case_view_by_its_worker_is_recorded_once_with_reference_and_team(browser, personas, new_events):
    # Written by the case views; checked here because the auditor's trail depends on it.
    case = Case.objects.open().filter(assignments__worker__username="worker.scav").first()
    browser.force_login(personas["worker.scav"])
    before = len(new_events())
    assert browser.get(f"/cases/{case.pk}/").status_code == 200
    (event,) = new_events()[before:]
    assert (event.action, event.target_type, event.target_id, event.target_ref, event.team) == (
        Action.CASE_VIEW, "case", str(case.pk), case.reference, case.team.code)


def test_a_user_agent_cannot_inject_lines_or_control_characters(personas, new_events):
    client = Client(HTTP_USER_AGENT="Mozilla\r\n2026-01-01 forged\x1b[31m\u2028end", REMOTE_ADDR="192.0.2.30")
    client.post("/accounts/login/", {"username": "worker.rad", "password": DEMO_PASSWORD})
    (event,) = new_events()
    assert event.user_agent == "Mozilla  2026-01-01 forged [31m end"
