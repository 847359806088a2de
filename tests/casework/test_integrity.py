"""Case integrity under attack (issue 8, section 4): a backdated closing, a closing before the
last session, editing the sessions of a closed case, and a form sent twice."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casework.models import Case, Session
from casework.services.retention import purge_expired_cases
from tests.casework.test_views import _new_case_data, _session_data

TODAY = timezone.localdate()


@pytest.fixture
def scav(db):
    from casework.models import Team

    return Team.objects.get(code="MEDLOC-SCAV")


def _close(client, case, closed_on, reason="goals_met"):
    return client.post(reverse("cases:close", kwargs={"case_id": case.pk}),
                       {"version": case.version, "closed_on": closed_on.isoformat(), "reason": reason,
                        "confirmed": "True"})


def _token(response):
    match = re.search(r'name="submission" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "the form carries no one-time submission token"
    return match.group(1)


# --- Closing ------------------------------------------------------------------------------

def test_a_case_cannot_be_closed_before_its_last_session(login, scav_case):
    last = scav_case.sessions.order_by("-held_on").first().held_on
    response = _close(login("lead.scav"), scav_case, last - datetime.timedelta(days=1))
    assert response.status_code == 200 and response.context["form"].errors
    scav_case.refresh_from_db()
    assert scav_case.is_open


def test_a_backdated_closing_keeps_the_case_for_the_full_retention_from_the_day_it_was_really_closed(login, scav_case, settings):
    # The attack: close today but type a date years back, so the nightly purge deletes the file.
    settings.CASEWORK_RETENTION_DAYS = 365
    scav_case.sessions.all().delete()
    before = timezone.now()
    response = _close(login("lead.scav"), scav_case, scav_case.opened_on)
    assert response.status_code == 302
    scav_case.refresh_from_db()
    assert scav_case.closed_on == scav_case.opened_on
    assert scav_case.closed_at is not None and scav_case.closed_at >= before
    purge_expired_cases()
    assert Case.objects.filter(pk=scav_case.pk).exists()
    purge_expired_cases(today=TODAY + datetime.timedelta(days=366))
    assert not Case.objects.filter(pk=scav_case.pk).exists()


def test_the_closing_event_names_the_closing_date(login, scav_case):
    _close(login("lead.scav"), scav_case, TODAY)
    event = AuditEvent.objects.filter(action="case_close", target_id=str(scav_case.pk)).latest("seq")
    assert event.detail["closed_on"] == TODAY.isoformat() and event.detail["reason"] == "goals_met"


def test_reopening_clears_the_closing_time(login, scav_case):
    client = login("lead.scav")
    _close(client, scav_case, TODAY)
    scav_case.refresh_from_db()
    client.post(reverse("cases:reopen", kwargs={"case_id": scav_case.pk}), {"version": scav_case.version})
    scav_case.refresh_from_db()
    assert scav_case.is_open and scav_case.closed_at is None


# --- Sessions of a closed case --------------------------------------------------------------

def test_the_sessions_of_a_closed_case_cannot_be_edited(login, scav_case):
    _close(login("lead.scav"), scav_case, TODAY)
    session = scav_case.sessions.first()
    url = reverse("cases:session_edit", kwargs={"case_id": scav_case.pk, "session_id": session.pk})
    client = login("worker.scav")
    assert url not in client.get(reverse("cases:detail", kwargs={"case_id": scav_case.pk})).content.decode()
    assert client.get(url).status_code == 302
    response = client.post(url, {**_session_data(scav_case), "duration_minutes": 720, "version": session.version})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.duration_minutes != 720


def test_the_service_refuses_to_change_a_session_of_a_closed_case(login, scav_case, personas):
    from django.core.exceptions import ValidationError

    from audit.services import SYSTEM
    from casework.services.cases import session_update

    _close(login("lead.scav"), scav_case, TODAY)
    session = scav_case.sessions.first()
    with pytest.raises(ValidationError):
        session_update(actor=personas["worker.scav"], origin=SYSTEM, session=session, expected_version=session.version,
                       kind=session.kind, held_on=session.held_on, duration_minutes=720, notes="")


# --- Double submission --------------------------------------------------------------------

def test_a_case_form_sent_three_times_opens_one_case_and_the_repeats_land_on_it(login, scav):
    client = login("lead.scav")
    token = _token(client.get(reverse("cases:create")))
    data = _new_case_data(scav, submission=token)
    before = Case.objects.count()
    first = client.post(reverse("cases:create"), data)
    assert first.status_code == 302
    repeats = [client.post(reverse("cases:create"), data) for _ in range(2)]
    assert Case.objects.count() == before + 1
    assert all(r.status_code == 302 and r["Location"] == first["Location"] for r in repeats)
    assert AuditEvent.objects.filter(action="case_create").order_by("-seq").first().target_id in first["Location"]


def test_a_session_form_sent_twice_records_one_session(login, scav_case):
    client = login("worker.scav")
    url = reverse("cases:session_create", kwargs={"case_id": scav_case.pk})
    data = {**_session_data(scav_case), "submission": _token(client.get(url))}
    before = Session.objects.count()
    first, second = client.post(url, data), client.post(url, data)
    assert Session.objects.count() == before + 1
    assert first.status_code == second.status_code == 302 and second["Location"] == first["Location"]


def test_a_form_with_an_error_keeps_its_token_and_can_be_corrected_and_sent(login, scav_case):
    client = login("worker.scav")
    url = reverse("cases:session_create", kwargs={"case_id": scav_case.pk})
    token = _token(client.get(url))
    bad = client.post(url, {**_session_data(scav_case), "duration_minutes": 0, "submission": token})
    assert bad.status_code == 200 and _token(bad) == token
    before = Session.objects.count()
    assert client.post(url, {**_session_data(scav_case), "submission": token}).status_code == 302
    assert Session.objects.count() == before + 1


def test_a_token_spent_by_someone_else_creates_nothing_and_leads_to_nothing_of_theirs(login, scav, personas):
    lead = login("lead.scav")
    data = _new_case_data(scav, submission=_token(lead.get(reverse("cases:create"))))
    first = lead.post(reverse("cases:create"), data)
    other = login("lead.rad")
    before = Case.objects.count()
    response = other.post(reverse("cases:create"), data)
    assert Case.objects.count() == before
    assert response.status_code in (200, 302) and response.get("Location") != first["Location"]
