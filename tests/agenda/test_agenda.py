"""A worker's and a lead's day through real URLs: the home page, appointments, recording a
session from an appointment, follow-ups due, who saw my file, handover and the calendar feed."""

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import Anomaly, AuditEvent
from casework.agenda.models import Appointment, CalendarFeed, CaseFollowUp
from casework.agenda.selectors import follow_ups_due
from casework.models import Case, Session, SessionKind
from tests.casework.conftest import open_case_assigned_to

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _plan(client, case, **overrides):
    kind = SessionKind.objects.filter(team=case.team, active=True).first()
    worker = case.assignments.first().worker
    data = {"day": TOMORROW.isoformat(), "time": "10:30", "duration_minutes": 45, "place": "prison",
            "kind": kind.pk, "worker": worker.pk, **overrides}
    return client.post(reverse("agenda:plan", kwargs={"case_id": case.pk}), data)


def test_workers_and_leads_land_on_today_after_login(login):
    for username in ("worker.scapi", "lead.scav"):
        response = login(username).get("/")
        assert response["Location"] == reverse("agenda:home")


def test_the_worker_home_shows_todays_appointments_due_follow_ups_and_one_click_actions(login, personas):
    response = login("worker.scapi").get(reverse("agenda:home"))
    assert response.status_code == 200
    today = list(Appointment.objects.filter(worker=personas["worker.scapi"], status="planned",
                                            starts_at__date=timezone.localdate()))
    assert today, "seed_demo plans appointments for today"
    body = response.content.decode()
    for appointment in today:
        assert reverse("agenda:record", kwargs={"appointment_id": appointment.pk}) in body
    unplanned = [f for f in response.context["follow_ups"] if f.next_appointment_at is None]
    assert unplanned, "seed_demo leaves follow-ups due with nothing planned"
    assert reverse("agenda:plan", kwargs={"case_id": unplanned[0].case_id}) in body
    event = AuditEvent.objects.filter(actor=personas["worker.scapi"], action="case_list").order_by("-seq").first()
    assert event.detail["scope"] == "agenda"


def test_a_worker_sees_only_appointments_of_their_own_caseload(login, personas):
    response = login("worker.scav").get(reverse("agenda:home"))
    shown = response.context["today_appointments"] + response.context["week_appointments"]
    assert shown and all(a.worker == personas["worker.scav"] for a in shown)
    assert not response.context["releases"], "release dates are for SCAPI workers only"


def test_scapi_releases_in_the_next_60_days_come_from_my_caseload_only(login, personas):
    from detainees.models import DetentionDetails

    mine = open_case_assigned_to("worker.scapi")
    other = Case.objects.open().filter(team__code="SCAPI").exclude(assignments__worker__username="worker.scapi").first()
    for case in (mine, other):
        details = DetentionDetails.objects.get(case=case)
        details.expected_release = timezone.localdate() + datetime.timedelta(days=20)
        details.save()
    releases = login("worker.scapi").get(reverse("agenda:home")).context["releases"]
    cases = [case.pk for _day, case in releases]
    assert mine.pk in cases and other.pk not in cases


def test_planning_an_appointment_keeps_the_case_next_appointment_in_step(login, scapi_case):
    client = login("worker.scapi")
    before = Case.objects.get(pk=scapi_case.pk).next_appointment_at
    response = _plan(client, scapi_case, day=(timezone.localdate()).isoformat(), time="23:59")
    assert response.status_code == 302
    appointment = Appointment.objects.filter(case=scapi_case).order_by("-created_at").first()
    assert appointment.place == "prison"
    case = Case.objects.get(pk=scapi_case.pk)
    assert case.next_appointment_at == min(t for t in (before, appointment.starts_at) if t)
    client.post(reverse("agenda:cancel", kwargs={"appointment_id": appointment.pk}))
    assert Case.objects.get(pk=scapi_case.pk).next_appointment_at == before
    assert AuditEvent.objects.filter(action="appointment_cancel", target_id=str(appointment.pk)).exists()


def test_bad_appointment_input_is_a_clear_error_and_writes_nothing(login, scapi_case):
    client = login("worker.scapi")
    count = Appointment.objects.count()
    past = _plan(client, scapi_case, day="2020-01-01")
    garbage = _plan(client, scapi_case, time="25:99", place="moon", duration_minutes="x")
    assert past.status_code == garbage.status_code == 200
    assert past.context["form"].errors["day"]
    assert {"time", "place", "duration_minutes"} <= set(garbage.context["form"].errors)
    assert Appointment.objects.count() == count


def test_recording_from_an_appointment_prefills_the_form_and_marks_it_done(login, personas, scapi_case):
    client = login("worker.scapi")
    _plan(client, scapi_case, day=timezone.localdate().isoformat(), time="23:30", place="video")
    appointment = Appointment.objects.filter(case=scapi_case, place="video").get()
    url = reverse("agenda:record", kwargs={"appointment_id": appointment.pk})
    form = client.get(url).context["form"]
    assert form.initial["place"] == "video" and form.initial["kind"] == appointment.kind_id
    assert form.initial["duration_minutes"] == 45
    response = client.post(url, {"kind": appointment.kind_id, "held_on": timezone.localdate().isoformat(), "place": "video",
                                 "duration_minutes": 45, "notes": "Entretien vidéo."})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "done" and appointment.session.place == "video"
    assert appointment.session.notes == "Entretien vidéo."
    again = client.post(url, {"kind": appointment.kind_id, "held_on": timezone.localdate().isoformat(), "place": "video",
                              "duration_minutes": 45})
    assert again.status_code == 302 and Session.objects.filter(case=scapi_case, place="video").count() == 1


def test_an_appointment_of_a_case_i_may_not_see_is_a_404(login, scav_case):
    owner = login("worker.scav")
    _plan(owner, scav_case)
    appointment = Appointment.objects.filter(case=scav_case).order_by("-created_at").first()
    intruder = login("worker.scapi")
    for name in ("record", "cancel"):
        url = reverse(f"agenda:{name}", kwargs={"appointment_id": appointment.pk})
        assert (intruder.post(url) if name == "cancel" else intruder.get(url)).status_code == 404
    assert Appointment.objects.get(pk=appointment.pk).status == "planned"


def test_follow_ups_use_the_case_interval_before_the_team_interval(login, personas, scapi_case):
    from audit.services import SYSTEM
    from casework.services.cases import session_record

    kind = SessionKind.objects.filter(team=scapi_case.team, active=True).first()
    session_record(actor=personas["worker.scapi"], origin=SYSTEM, case=scapi_case, kind=kind,
                   held_on=timezone.localdate() - datetime.timedelta(days=3), duration_minutes=30)
    client = login("lead.scapi")
    url = reverse("agenda:follow_up", kwargs={"case_id": scapi_case.pk})
    assert client.post(url, {"days": 30}).status_code == 302
    assert not follow_ups_due(Case.objects.filter(pk=scapi_case.pk))
    client.post(url, {"days": 1})
    (due,) = follow_ups_due(Case.objects.filter(pk=scapi_case.pk))
    assert due.interval_days == 1 and due.overdue
    assert client.post(url, {"days": 0}).status_code == 200, "out of range: the form says so"
    assert client.post(url, {"days": "abc"}).status_code == 200
    assert CaseFollowUp.objects.get(case=scapi_case).days == 1
    assert client.post(url, {"days": ""}).status_code == 302, "empty: back to the team's interval"
    assert not CaseFollowUp.objects.filter(case=scapi_case).exists()


def test_the_lead_home_shows_workload_unassigned_cases_and_emergency_accesses(login, personas, scapi_case):
    worker = login("worker2.scapi")
    worker.post(reverse("cases:emergency", kwargs={"case_id": scapi_case.pk}), {"justification": "The prison called, urgent release."})
    response = login("lead.scapi").get(reverse("agenda:home"))
    assert response.status_code == 200
    usernames = [w["username"] for w in response.context["workload"]]
    assert "worker.scapi" in usernames
    assert any(e["target_ref"] == scapi_case.reference for e in response.context["emergencies"])
    # seed_demo leaves one worker-role request for the SCAPI lead to decide (separation of duties).
    from casework.selectors import role_requests_awaiting

    assert response.context["approvals"] == list(role_requests_awaiting(personas["lead.scapi"]))
    assert response.context["approvals"] and reverse("role_requests") in response.content.decode()


def test_home_pages_run_a_constant_number_of_queries(login, django_assert_max_num_queries):
    for username in ("worker.scapi", "lead.scapi"):
        client = login(username)
        client.get(reverse("agenda:home"))
        with django_assert_max_num_queries(40):
            client.get(reverse("agenda:home"))


def test_who_saw_my_file_lists_reads_changes_exports_and_emergencies(login, personas, scapi_case):
    login("worker2.scapi").post(reverse("cases:emergency", kwargs={"case_id": scapi_case.pk}),
                                {"justification": "Assigned worker ill, urgent question."})
    login("lead.scapi").get(reverse("cases:export", kwargs={"case_id": scapi_case.pk}))
    response = login("worker.scapi").get(reverse("agenda:case_readers", kwargs={"case_id": scapi_case.pk}))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert any(r["who"] == "worker2.scapi" and r["emergency"] for r in rows)
    assert any(r["who"] == "lead.scapi" and r["export"] for r in rows)
    detail = login("worker.scapi").get(reverse("cases:detail", kwargs={"case_id": scapi_case.pk}))
    assert "worker2.scapi" in detail.content.decode(), "the case page shows the panel"


def test_who_saw_my_file_is_not_for_other_workers_nor_emergency_readers(login, scapi_case):
    url = reverse("agenda:case_readers", kwargs={"case_id": scapi_case.pk})
    assert login("worker.scav").get(url).status_code == 404
    reader = login("worker2.scapi")
    reader.post(reverse("cases:emergency", kwargs={"case_id": scapi_case.pk}), {"justification": "Urgent call from the prison."})
    assert reader.get(url).status_code == 404


def test_who_saw_my_file_runs_a_constant_number_of_queries(login, scapi_case, django_assert_max_num_queries):
    client = login("worker.scapi")
    url = reverse("agenda:case_readers", kwargs={"case_id": scapi_case.pk})
    client.get(url)
    for _ in range(30):
        client.get(reverse("cases:detail", kwargs={"case_id": scapi_case.pk}))
    with django_assert_max_num_queries(18):
        client.get(url)


def test_emergency_access_opens_a_window_to_read_and_record_a_session_with_a_banner(login, personas, scapi_case):
    client = login("worker2.scapi")
    detail = reverse("cases:detail", kwargs={"case_id": scapi_case.pk})
    record = reverse("cases:session_create", kwargs={"case_id": scapi_case.pk})
    assert client.get(detail).status_code == 404
    client.post(reverse("cases:emergency", kwargs={"case_id": scapi_case.pk}), {"justification": "Assigned worker ill, person at the desk."})
    page = client.get(detail)
    assert page.status_code == 200 and "emergency-banner" in page.content.decode()
    assert "emergency-banner" in client.get(record).content.decode()
    kind = SessionKind.objects.filter(team=scapi_case.team, active=True).first()
    done = client.post(record, {"kind": kind.pk, "held_on": timezone.localdate().isoformat(), "place": "office",
                                "duration_minutes": 20, "notes": "Passage urgent."})
    assert done.status_code == 302 and scapi_case.sessions.filter(worker=personas["worker2.scapi"]).exists()
    # Reading and recording only: no edit, no close, no export.
    for name in ("edit", "close", "export"):
        assert client.get(reverse(f"cases:{name}", kwargs={"case_id": scapi_case.pk})).status_code == 404
    assert Anomaly.objects.filter(kind="break_glass", actor=personas["worker2.scapi"],
                                  detail__reference=scapi_case.reference).exists(), "the auditor's queue has it at once"
    with override_settings(CASEWORK_EMERGENCY_MINUTES=0):
        assert client.get(detail).status_code == 404


def test_a_lead_hands_over_all_cases_of_a_worker_in_one_step(login, personas):
    client = login("lead.scapi")
    leaving, taking = personas["worker2.scapi"], personas["worker.scapi"]
    theirs = list(Case.objects.filter(assignments__worker=leaving).values_list("pk", flat=True))
    assert theirs
    step_one = client.get(reverse("agenda:handover"), {"from_worker": leaving.pk})
    assert {c.pk for c in step_one.context["chosen"]} == set(theirs)
    response = client.post(reverse("agenda:handover"), {"from_worker": leaving.pk, "to_worker": taking.pk, "cases": theirs})
    assert response.status_code == 302
    assert not Case.objects.filter(assignments__worker=leaving).exists()
    assert Case.objects.filter(pk__in=theirs, assignments__worker=taking).count() == len(theirs)
    assert not Appointment.objects.filter(worker=leaving, status="planned", case_id__in=theirs).exists()


def test_a_handover_to_someone_outside_the_team_changes_nothing(login, personas):
    client = login("lead.scapi")
    leaving = personas["worker2.scapi"]
    theirs = list(Case.objects.filter(assignments__worker=leaving).values_list("pk", flat=True))
    response = client.post(reverse("agenda:handover"), {"from_worker": leaving.pk, "to_worker": personas["worker.scav"].pk, "cases": theirs})
    assert response.status_code == 200 and response.context["form"].errors
    assert Case.objects.filter(assignments__worker=leaving).count() == len(theirs)
    assert login("worker.scapi").get(reverse("agenda:handover")).status_code == 404


def test_reassigning_a_case_is_one_action(login, personas, scapi_case):
    client = login("lead.scapi")
    response = client.post(reverse("agenda:reassign", kwargs={"case_id": scapi_case.pk}),
                           {"from_worker": personas["worker.scapi"].pk, "to_worker": personas["worker2.scapi"].pk})
    assert response.status_code == 302
    assert [a.worker.username for a in scapi_case.assignments.all()] == ["worker2.scapi"]


def test_the_calendar_feed_shows_references_only_and_can_be_revoked(login, personas, scapi_case):
    client = login("worker.scapi")
    response = client.post(reverse("agenda:feed"), {"action": "create"})
    url = response.context["secret_url"]
    secret = re.search(r"/feed/([^/]+)\.ics$", url).group(1)
    assert CalendarFeed.objects.get(user=personas["worker.scapi"]).secret_hash != secret
    client.logout()
    ics = client.get(f"/agenda/feed/{secret}.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    text = ics.content.decode()
    assert "BEGIN:VEVENT" in text
    for case in Case.objects.filter(appointments__worker=personas["worker.scapi"]).distinct():
        assert case.family_name not in text
    login("worker.scapi").post(reverse("agenda:feed"), {"action": "revoke"})
    assert client.get(f"/agenda/feed/{secret}.ics").status_code == 404
    assert client.get("/agenda/feed/guess.ics").status_code == 404


@pytest.mark.parametrize("name", ["home", "week", "team_week", "handover", "team_follow_up", "feed"])
def test_agenda_pages_refuse_auditors_and_coordinators(login, name):
    for username in ("auditor", "coordinator"):
        assert login(username).get(reverse(f"agenda:{name}")).status_code == 404


def test_week_agendas_answer_for_workers_and_leads(login):
    assert login("worker.rad").get(reverse("agenda:week") + "?start=bogus").status_code == 200
    response = login("lead.rad").get(reverse("agenda:team_week"))
    assert response.status_code == 200 and sum(len(d["items"]) for d in response.context["days"]) >= 1
