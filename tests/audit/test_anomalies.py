"""Anomaly detection: each rule on crafted events (the clock is set while they are written),
or on events written through the real case URLs; idempotent runs; the review queue.

Crafted days are in 2025 (March 12th is a Wednesday): no other test writes events then."""

import datetime
import io
import uuid
import zoneinfo
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.actions import Action
from audit.models import Anomaly, AuditEvent
from audit.services import DETECTION_MAX_DAYS, Origin, anomalies_detect, anomaly_review, audit_record
from casework.models import Case

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
WEDNESDAY = datetime.date(2025, 3, 12)
SATURDAY = datetime.date(2025, 3, 15)


def brussels(day, hour, minute=0, second=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=BRUSSELS)


WEB = Origin(client_ip="192.0.2.10", user_agent="Mozilla/5.0 (test)")


def at(moment):
    """Write events as if it were ``moment`` (audit_record stamps them with timezone.now())."""
    return mock.patch("audit.services.timezone.now", return_value=moment)


def read_cases(user, day, distinct, *, views_each=1, hour=10):
    for number in range(distinct):
        case_id = uuid.uuid4()
        for view in range(views_each):
            with at(brussels(day, hour, number % 60, view)):
                audit_record(actor=user, action=Action.CASE_VIEW, target_type="case", target_id=case_id,
                             target_ref=f"SCAV-2025-{number:04d}", team="MEDLOC-SCAV")


def detect(day, last_day=None):
    return anomalies_detect(first_day=day, last_day=last_day or day)


def findings(kind, user=None):
    found = Anomaly.objects.filter(kind=kind)
    return list(found.filter(actor=user) if user else found)


def today():
    return timezone.localdate()


# --- many distinct cases in a day -------------------------------------------------------------

def test_reading_more_than_twenty_distinct_cases_without_history_is_flagged(personas):
    worker = personas["worker.scav"]
    read_cases(worker, WEDNESDAY, 21)
    detect(WEDNESDAY)
    (anomaly,) = findings(Anomaly.Kind.MANY_CASES, worker)
    assert (anomaly.day, anomaly.count, anomaly.actor_username) == (WEDNESDAY, 21, "worker.scav")
    assert anomaly.detail == {"distinct_cases": 21, "median": 0, "threshold": 20, "baseline_days": 0}
    assert len(anomaly.event_seqs) == 21
    assert set(AuditEvent.objects.filter(seq__in=anomaly.event_seqs).values_list("action", flat=True)) == {"case_view"}


def test_twenty_distinct_cases_or_the_same_cases_many_times_are_not_flagged(personas):
    read_cases(personas["worker.scav"], WEDNESDAY, 20)
    read_cases(personas["worker.rad"], WEDNESDAY, 5, views_each=10)
    detect(WEDNESDAY)
    assert findings(Anomaly.Kind.MANY_CASES) == []


def test_a_day_is_compared_with_three_times_the_users_usual_day(personas):
    worker = personas["worker.scav"]
    for back in range(1, 11):  # ten working days of 12 cases: the usual day is 12, the threshold 36
        read_cases(worker, WEDNESDAY - datetime.timedelta(days=back), 12)
    read_cases(worker, WEDNESDAY, 36)
    detect(WEDNESDAY)
    assert findings(Anomaly.Kind.MANY_CASES, worker) == []

    read_cases(worker, WEDNESDAY, 1, hour=15)  # one more distinct case: 37 > 36
    detect(WEDNESDAY)
    (anomaly,) = findings(Anomaly.Kind.MANY_CASES, worker)
    assert anomaly.detail == {"distinct_cases": 37, "median": 12, "threshold": 36, "baseline_days": 10}


# --- outside working hours --------------------------------------------------------------------

def test_case_work_before_seven_after_eight_or_at_the_weekend_is_flagged(personas):
    worker = personas["worker.scapi"]
    for moment in (brussels(WEDNESDAY, 6, 59, 59), brussels(WEDNESDAY, 7), brussels(WEDNESDAY, 19, 59, 59),
                   brussels(WEDNESDAY, 20), brussels(SATURDAY, 11)):
        with at(moment):
            audit_record(actor=worker, action=Action.SESSION_CREATE, target_type="session", target_id=uuid.uuid4(),
                         target_ref="SCAPI-2025-0001", team="SCAPI", origin=WEB)
    with at(brussels(WEDNESDAY, 23)):
        audit_record(actor=worker, action=Action.LOGIN, origin=WEB)  # not case work
    detect(WEDNESDAY, SATURDAY)
    weekday, weekend = sorted(findings(Anomaly.Kind.OFF_HOURS, worker), key=lambda a: a.day)
    assert (weekday.day, weekday.count, weekday.detail["weekend"]) == (WEDNESDAY, 2, False)
    assert (weekend.day, weekend.count, weekend.detail["weekend"]) == (SATURDAY, 1, True)
    hours = {event.at.astimezone(BRUSSELS).time() for event in AuditEvent.objects.filter(seq__in=weekday.event_seqs)}
    assert hours == {datetime.time(6, 59, 59), datetime.time(20, 0)}


def test_working_hours_can_be_changed_in_the_settings(personas, settings):
    settings.AUDIT_WORKDAY_END_HOUR = 21
    with at(brussels(WEDNESDAY, 20, 30)):
        audit_record(actor=personas["worker.scapi"], action=Action.CASE_VIEW, target_type="case", target_id=uuid.uuid4(), origin=WEB)
    detect(WEDNESDAY)
    assert findings(Anomaly.Kind.OFF_HOURS) == []


def test_working_hours_are_read_in_brussels_time(personas):
    # 05:30 UTC in March is 06:30 in Brussels: before the working day.
    with at(datetime.datetime(2025, 3, 12, 5, 30, tzinfo=datetime.timezone.utc)):
        audit_record(actor=personas["worker.rad"], action=Action.CASE_VIEW, target_type="case", target_id=uuid.uuid4(), origin=WEB)
    detect(WEDNESDAY)
    (anomaly,) = findings(Anomaly.Kind.OFF_HOURS, personas["worker.rad"])
    assert anomaly.day == WEDNESDAY


def test_commands_and_tasks_at_night_are_not_anyones_working_hours(personas):
    # seed_demo, imports and Celery tasks write without a client address.
    with at(brussels(WEDNESDAY, 23)):
        audit_record(actor=personas["lead.scav"], action=Action.CASE_CREATE, target_type="case", target_id=uuid.uuid4())
    detect(WEDNESDAY)
    assert findings(Anomaly.Kind.OFF_HOURS) == []


# --- refused access ---------------------------------------------------------------------------

def test_an_attempt_on_a_case_of_another_team_is_flagged_with_that_team(login, personas):
    client = login("worker.scapi")
    rad_case = Case.objects.filter(team__code="RAD").first()
    own_team_case = Case.objects.filter(team__code="SCAPI").exclude(assignments__worker__username="worker.scapi").first()
    assert client.get(f"/cases/{rad_case.pk}/").status_code == 404
    assert client.get(f"/cases/{rad_case.pk}/history/").status_code == 404
    assert client.get(f"/cases/{own_team_case.pk}/").status_code == 404  # refused, but their own team
    assert client.get(f"/cases/{uuid.uuid4()}/").status_code == 404  # refused, no team at all
    detect(today())
    (anomaly,) = findings(Anomaly.Kind.FOREIGN_TEAM, personas["worker.scapi"])
    assert (anomaly.key, anomaly.count, anomaly.detail) == ("RAD", 2, {"team": "RAD", "events": 2})


def test_five_refused_accesses_in_a_day_are_flagged_and_four_are_not(login, personas):
    for username, attempts in (("worker.rad", 5), ("worker2.scav", 4)):
        client = login(username)
        for _ in range(attempts):
            assert client.get(f"/cases/{uuid.uuid4()}/").status_code == 404
    detect(today())
    (anomaly,) = findings(Anomaly.Kind.REPEATED_REFUSALS)
    assert (anomaly.actor, anomaly.count) == (personas["worker.rad"], 5)
    assert AuditEvent.objects.filter(seq__in=anomaly.event_seqs, action=Action.ACCESS_REFUSED).count() == 5


# --- emergency access -------------------------------------------------------------------------

def test_every_emergency_access_is_flagged_on_its_own(login, personas):
    client = login("worker2.scapi")
    cases = Case.objects.filter(team__code="SCAPI").exclude(assignments__worker__username="worker2.scapi")[:2]
    for case in cases:
        response = client.post(f"/cases/{case.pk}/emergency/", {"justification": "The prison called about an urgent release."})
        assert response.status_code == 200
    detect(today())
    flagged = findings(Anomaly.Kind.BREAK_GLASS, personas["worker2.scapi"])
    assert sorted(a.detail["reference"] for a in flagged) == sorted(case.reference for case in cases)
    for anomaly in flagged:
        event = AuditEvent.objects.get(seq=int(anomaly.key))
        assert event.action == Action.BREAK_GLASS and anomaly.event_seqs == [event.seq]


# --- runs -------------------------------------------------------------------------------------

def test_running_the_detection_again_changes_nothing(personas):
    read_cases(personas["worker.scav"], WEDNESDAY, 22)
    first = detect(WEDNESDAY)
    second = detect(WEDNESDAY)
    assert (first.created, second.created, second.updated) == (first.found, 0, 0)
    assert Anomaly.objects.filter(day=WEDNESDAY).count() == first.found


def test_a_finding_that_grows_is_updated_and_a_reviewed_one_goes_back_to_the_queue(personas):
    worker = personas["worker.scav"]
    read_cases(worker, WEDNESDAY, 21)
    detect(WEDNESDAY)
    (anomaly,) = findings(Anomaly.Kind.MANY_CASES, worker)
    anomaly = anomaly_review(actor=personas["auditor"], origin=Origin(), anomaly=anomaly, comment="Team meeting preparation.", outcome="justified")
    review_seq = anomaly.review_seq

    read_cases(worker, WEDNESDAY, 3, hour=16)
    summary = detect(WEDNESDAY)
    anomaly.refresh_from_db()
    assert summary.reopened == 1
    assert (anomaly.count, anomaly.is_reviewed, anomaly.review_comment) == (24, False, "")
    assert anomaly.detail["earlier_review_seqs"] == [review_seq]
    assert AuditEvent.objects.get(seq=review_seq).justification == "Team meeting preparation."

    again = detect(WEDNESDAY)  # nothing new: the reopened finding keeps its history
    anomaly.refresh_from_db()
    assert (again.updated, again.reopened) == (0, 0)
    assert anomaly.detail["earlier_review_seqs"] == [review_seq]


def test_a_run_records_itself_and_the_next_run_starts_from_its_last_day(personas):
    ten_days_ago = today() - datetime.timedelta(days=10)
    with at(brussels(ten_days_ago, 3)):
        anomalies_detect()
    first = AuditEvent.objects.filter(action=Action.ANOMALY_DETECT).order_by("-seq").first()
    assert first.detail["from"] == (ten_days_ago - datetime.timedelta(days=1)).isoformat()
    assert first.detail["to"] == ten_days_ago.isoformat()
    summary = anomalies_detect()
    assert (summary.first_day, summary.last_day) == (ten_days_ago, today())


def test_a_run_after_a_long_pause_looks_back_a_bounded_number_of_days(personas):
    with at(brussels(today() - datetime.timedelta(days=90), 3)):
        anomalies_detect()
    summary = anomalies_detect()
    assert summary.first_day == today() - datetime.timedelta(days=DETECTION_MAX_DAYS)


def test_the_scheduled_task_runs_the_detection(personas, celery_tasks):
    read_cases(personas["worker.scav"], today(), 21)
    result = celery_tasks["audit.detect_anomalies"].apply().get()
    assert result["to"] == today().isoformat() and result["found"] >= 1
    assert findings(Anomaly.Kind.MANY_CASES, personas["worker.scav"])


def test_the_command_runs_the_detection_for_the_days_asked(personas):
    read_cases(personas["worker.scav"], WEDNESDAY, 21)
    out = io.StringIO()
    call_command("detect_anomalies", "--from", "2025-03-10", "--to", "2025-03-14", stdout=out)
    assert "2025-03-10" in out.getvalue() and "2025-03-14" in out.getvalue()
    assert findings(Anomaly.Kind.MANY_CASES, personas["worker.scav"])


@pytest.mark.parametrize("arguments", [["--from", "yesterday"], ["--from", "2025-03-14", "--to", "2025-03-10"]])
def test_the_command_refuses_bad_days(arguments):
    with pytest.raises(CommandError):
        call_command("detect_anomalies", *arguments, stdout=io.StringIO())


def test_a_review_needs_a_comment_and_happens_once(personas):
    with at(brussels(WEDNESDAY, 22)):
        audit_record(actor=personas["worker.rad"], action=Action.BREAK_GLASS, target_type="case", target_id=uuid.uuid4(),
                     target_ref="RAD-2025-0001", team="RAD", justification="Family member in danger, lead absent")
    detect(WEDNESDAY)
    (anomaly,) = findings(Anomaly.Kind.BREAK_GLASS)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        anomaly_review(actor=personas["auditor"], origin=Origin(), anomaly=anomaly, comment="  ", outcome="justified")
    anomaly_review(actor=personas["auditor"], origin=Origin(), anomaly=anomaly, comment="Checked with the lead.", outcome="justified")
    with pytest.raises(ValidationError):
        anomaly_review(actor=personas["auditor"], origin=Origin(), anomaly=anomaly, comment="Again.", outcome="justified")
    assert AuditEvent.objects.filter(action=Action.ANOMALY_REVIEW, target_id=str(anomaly.pk)).count() == 1
