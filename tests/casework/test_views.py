"""Case file journeys through real URLs: open (with the duplicate check), edit with optimistic
locking, close, sessions, assignment; bad input gives a clear error and writes nothing."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from casework.models import Case, Session, SessionKind, Team
from casework.national_number import make_national_number

TODAY = timezone.localdate()
VALID_NRN = make_national_number("850730", 33)


def _new_case_data(team, **overrides):
    data = {
        "case-team": team.pk, "case-opened_on": TODAY.isoformat(),
        "identity-given_names": "Zoé", "identity-family_name": "Testperson-Unique",
        "identity-date_of_birth": "1985-07-30", "identity-national_number": VALID_NRN,
        "identity-phone": "+32 470 00 00 00", "identity-address": "rue de Test 1, 1080 Molenbeek",
        "identity-notes": "Première rencontre de test.",
    }
    if team.code == "MEDLOC-SCAV":
        data.update({"details-offence": "domestic_violence", "details-referral_source": "police", "details-justice_stage": "complaint"})
    elif team.code == "SCAPI":
        data.update({"details-prison": "haren", "details-detention_status": "sentenced"})
    else:
        data.update({"details-requester": "family", "details-concern": "polarisation"})
    data.update(overrides)
    return data


def _counts():
    return Case.objects.count(), Session.objects.count(), Case.history.count()


@pytest.fixture
def scav(db):
    return Team.objects.get(code="MEDLOC-SCAV")


def test_lead_opens_a_case_and_assigns_a_worker(login, personas, scav):
    client = login("lead.scav")
    data = _new_case_data(scav, **{"case-workers": [personas["worker.scav"].pk]})
    response = client.post(reverse("cases:create"), data)
    assert response.status_code == 302
    case = Case.objects.get(reference=response.wsgi_request.resolver_match and Case.objects.latest("created_at").reference)
    assert case.team == scav and case.family_name == "Testperson-Unique" and case.national_number == VALID_NRN
    assert case.victim_details.is_domestic_violence
    assert case.reference.startswith(f"SCAV-{TODAY.year}-")
    assert AuditEvent.objects.filter(action="case_create", target_id=str(case.pk)).count() == 1
    assert AuditEvent.objects.filter(action="case_assign", target_id=str(case.pk)).count() == 1
    worker = login("worker.scav")
    assert worker.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 200


def test_duplicate_check_finds_the_same_person_by_national_number_and_asks_to_confirm(login, scav):
    client = login("lead.scav")
    existing = Case.objects.filter(team=scav).exclude(national_number_index="").first()
    data = _new_case_data(scav, **{"identity-national_number": existing.national_number, "identity-family_name": "Other"})
    before = _counts()
    response = client.post(reverse("cases:create"), data)
    assert response.status_code == 200
    assert existing.reference in response.content.decode()
    assert _counts() == before
    confirmed = client.post(reverse("cases:create"), {**data, "dup-confirm_new_person": "on"})
    assert confirmed.status_code == 302
    assert Case.objects.count() == before[0] + 1


def test_duplicate_check_matches_names_whatever_their_order_case_and_accents(login, scav):
    client = login("lead.scav")
    existing = Case.objects.filter(team=scav).first()
    data = _new_case_data(scav, **{
        "identity-given_names": existing.family_name.upper(), "identity-family_name": existing.given_names.lower(),
        "identity-national_number": "",
    })
    response = client.post(reverse("cases:create"), data)
    assert existing.reference in response.content.decode()


def test_duplicate_check_never_reveals_another_teams_files(login, scav):
    rad_case = Case.objects.filter(team__code="RAD").exclude(national_number_index="").first()
    response = login("lead.scav").post(reverse("cases:create"), _new_case_data(scav, **{"identity-national_number": rad_case.national_number}))
    assert response.status_code == 302  # no match shown: the RAD file is not SCAV's business


@pytest.mark.parametrize("language, message", [
    ("en", "check digits do not match"),
    ("fr", "les chiffres de contrôle ne"),
    ("nl", "controlecijfers kloppen niet"),
])
def test_wrong_national_number_is_refused_with_a_clear_message_in_each_language(login, scav, client, language, message):
    login("lead.scav")
    client.cookies["django_language"] = language
    bad = VALID_NRN[:-2] + f"{(int(VALID_NRN[-2:]) + 1) % 100:02d}"
    before = _counts()
    response = client.post(reverse("cases:create"), _new_case_data(scav, **{"identity-national_number": bad}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("field, value", [
    ("case-opened_on", (TODAY + datetime.timedelta(days=1)).isoformat()),
    ("case-opened_on", "31/02/2024"),
    ("identity-date_of_birth", (TODAY + datetime.timedelta(days=3)).isoformat()),
    ("identity-notes", "x" * 20_001),
    ("identity-family_name", ""),
    ("details-offence", "not-an-offence"),
    ("case-team", "999999"),
    ("case-workers", "999999"),
])
def test_bad_input_when_opening_a_case_is_a_form_error_and_writes_nothing(login, scav, field, value):
    client = login("lead.scav")
    before, events = _counts(), AuditEvent.objects.filter(action="case_create").count()
    response = client.post(reverse("cases:create"), _new_case_data(scav, **{field: value}))
    assert response.status_code in (200, 404)
    assert _counts() == before
    assert AuditEvent.objects.filter(action="case_create").count() == events


def test_a_worker_of_another_team_cannot_be_assigned_through_a_forged_id(login, personas, scav):
    client = login("lead.scav")
    before = _counts()
    response = client.post(reverse("cases:create"), _new_case_data(scav, **{"case-workers": [personas["worker.rad"].pk]}))
    assert response.status_code == 200 and "workers" in response.context["open_form"].errors
    assert _counts() == before


def test_a_lead_cannot_open_a_case_for_another_team_by_forging_the_team(login, scav):
    rad = Team.objects.get(code="RAD")
    before = _counts()
    response = login("lead.scav").post(reverse("cases:create"), _new_case_data(rad))
    assert response.status_code == 200  # the team chooser: RAD is not among the lead's teams
    assert _counts() == before


def _edit_data(case, **overrides):
    details = case.victim_details
    data = {
        "version": case.version,
        "identity-given_names": case.given_names, "identity-family_name": case.family_name,
        "identity-date_of_birth": case.date_of_birth.isoformat() if case.date_of_birth else "",
        "identity-national_number": case.national_number, "identity-phone": case.phone,
        "identity-address": case.address, "identity-notes": case.notes,
        "details-offence": details.offence, "details-referral_source": details.referral_source,
        "details-justice_stage": details.justice_stage,
    }
    if details.social_hotel_stay:
        data.update({"details-social_hotel_stay": "on", "details-social_hotel_from": details.social_hotel_from.isoformat(),
                     "details-social_hotel_until": details.social_hotel_until.isoformat() if details.social_hotel_until else ""})
    data.update(overrides)
    return data


def test_two_people_saving_the_same_case_lose_neither_edit(client, personas, scav_case):
    from django.test import Client

    worker, lead = Client(), Client()
    worker.force_login(personas["worker.scav"])
    lead.force_login(personas["lead.scav"])
    url = reverse("cases:edit", kwargs={"case_id": scav_case.pk})
    stale_form = _edit_data(scav_case)

    first = lead.post(url, {**stale_form, "identity-phone": "+32 470 11 11 11"})
    assert first.status_code == 302

    second = worker.post(url, {**stale_form, "identity-notes": "Worker's note written meanwhile."})
    assert second.status_code == 200
    page = second.content.decode()
    assert "Worker&#x27;s note written meanwhile." in page or "Worker's note written meanwhile." in page  # kept in the form
    assert "+32 470 11 11 11" in page  # the other edit is shown
    saved = Case.objects.get(pk=scav_case.pk)
    assert saved.phone == "+32 470 11 11 11" and saved.notes == scav_case.notes

    # Saving again from the form now on screen (which carries the new version) keeps both.
    retry = worker.post(url, {**stale_form, "version": second.context["version_form"].initial["version"],
                               "identity-phone": "+32 470 11 11 11", "identity-notes": "Worker's note written meanwhile."})
    assert retry.status_code == 302
    saved = Case.objects.get(pk=scav_case.pk)
    assert saved.phone == "+32 470 11 11 11" and saved.notes == "Worker's note written meanwhile."


def test_editing_records_which_fields_changed_in_history_and_audit(login, scav_case):
    client = login("worker.scav")
    response = client.post(reverse("cases:edit", kwargs={"case_id": scav_case.pk}), _edit_data(scav_case, **{"identity-phone": "+32 2 000 00 00"}))
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="case_update", target_id=str(scav_case.pk)).get()
    assert event.detail == {"fields": ["phone"]}
    timeline = client.get(reverse("cases:history", kwargs={"case_id": scav_case.pk}))
    assert timeline.status_code == 200
    assert "+32 2 000 00 00" not in timeline.content.decode()  # names of fields, never values
    assert timeline.context["timeline"][0]["fields"]


def test_closing_before_the_opening_date_is_refused(login, scav_case):
    client = login("worker.scav")
    day_before = scav_case.opened_on - datetime.timedelta(days=1)
    response = client.post(reverse("cases:close", kwargs={"case_id": scav_case.pk}),
                           {"version": scav_case.version, "closed_on": day_before.isoformat(), "reason": "goals_met"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Case.objects.get(pk=scav_case.pk).is_open


def test_closing_and_reopening_a_case(login, scav_case):
    client = login("worker.scav")
    response = client.post(reverse("cases:close", kwargs={"case_id": scav_case.pk}),
                           {"version": scav_case.version, "closed_on": TODAY.isoformat(), "reason": "goals_met", "confirmed": "True"})
    assert response.status_code == 302
    closed = Case.objects.get(pk=scav_case.pk)
    assert not closed.is_open and closed.closed_on == TODAY
    assert client.get(reverse("cases:session_create", kwargs={"case_id": scav_case.pk})).status_code == 302
    lead = login("lead.scav")
    assert lead.post(reverse("cases:reopen", kwargs={"case_id": scav_case.pk}), {"version": closed.version}).status_code == 302
    assert Case.objects.get(pk=scav_case.pk).is_open


def _session_data(case, **overrides):
    kind = SessionKind.objects.filter(team=case.team).first()
    return {"kind": kind.pk, "held_on": TODAY.isoformat(), "duration_minutes": 60, "notes": "Séance de test.", **overrides}


def test_worker_records_a_session(login, scav_case):
    client = login("worker.scav")
    before = scav_case.sessions.count()
    response = client.post(reverse("cases:session_create", kwargs={"case_id": scav_case.pk}), _session_data(scav_case))
    assert response.status_code == 302
    assert scav_case.sessions.count() == before + 1
    assert AuditEvent.objects.filter(action="session_create", target_ref=scav_case.reference).exists()


@pytest.mark.parametrize("overrides", [
    {"held_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
    {"held_on": "1999-01-01"},
    {"duration_minutes": 0},
    {"duration_minutes": 9999},
    {"notes": "x" * 20_001},
    {"kind": "999999"},
])
def test_bad_session_input_is_a_form_error_and_writes_nothing(login, scav_case, overrides):
    client = login("worker.scav")
    before = _counts()
    response = client.post(reverse("cases:session_create", kwargs={"case_id": scav_case.pk}), _session_data(scav_case, **overrides))
    assert response.status_code == 200 and response.context["form"].errors
    assert _counts() == before


def test_a_session_kind_of_another_team_is_refused(login, scav_case):
    rad_kind = SessionKind.objects.filter(team__code="RAD").first()
    before = _counts()
    response = login("worker.scav").post(reverse("cases:session_create", kwargs={"case_id": scav_case.pk}),
                                         _session_data(scav_case, kind=rad_kind.pk))
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert _counts() == before


def test_lead_assigns_and_unassigns_with_immediate_effect(login, personas, scav_case):
    lead = login("lead.scav")
    url = reverse("cases:assignments", kwargs={"case_id": scav_case.pk})
    assert lead.post(url, {"worker": personas["worker2.scav"].pk}).status_code == 302
    other = login("worker2.scav")
    detail = reverse("cases:detail", kwargs={"case_id": scav_case.pk})
    assert other.get(detail).status_code == 200
    lead = login("lead.scav")
    assert lead.post(url, {"unassign": personas["worker2.scav"].pk, "confirm": "yes"}).status_code == 302
    other = login("worker2.scav")
    assert other.get(detail).status_code == 404


def test_assigning_a_worker_of_another_team_is_a_form_error(login, personas, scav_case):
    response = login("lead.scav").post(reverse("cases:assignments", kwargs={"case_id": scav_case.pk}), {"worker": personas["worker.rad"].pk})
    assert response.status_code == 200 and response.context["form"].errors


def test_case_lists_use_a_constant_number_of_queries_whatever_the_page_size(login, personas, scav):
    client = login("lead.scav")
    newest = Case.objects.filter(team=scav).latest("opened_on").opened_on
    few = reverse("cases:team_register") + f"?opened_from={newest.isoformat()}"  # a case or two
    many = reverse("cases:team_register")
    with CaptureQueriesContext(connection) as small:
        assert 1 <= len(client.get(few).context["page"].rows) < 5
    with CaptureQueriesContext(connection) as large:
        response = client.get(many)
    assert len(response.context["page"].rows) >= 10
    assert len(small.captured_queries) == len(large.captured_queries)


def test_list_filters_report_bad_values_instead_of_failing(login):
    response = login("lead.scav").get(reverse("cases:team_register") + "?opened_from=2024-13-45&status=bogus&kind=x&page=abc")
    assert response.status_code == 200
    assert response.context["filter_form"].errors


def test_list_filter_by_session_kind_and_status(login, scav):
    kind = SessionKind.objects.get(team=scav, code="psychological_followup")
    response = login("lead.scav").get(reverse("cases:team_register") + f"?status=open&kind={kind.pk}")
    for case in response.context["page"].rows:
        assert case.is_open and case.sessions.filter(kind=kind).exists()


def test_export_is_audited_and_holds_the_case_file(login, scav_case):
    response = login("worker.scav").get(reverse("cases:export", kwargs={"case_id": scav_case.pk}))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert scav_case.family_name in response.content.decode()
    assert AuditEvent.objects.filter(action="case_export", target_id=str(scav_case.pk)).count() == 1


def test_viewing_a_case_and_a_list_is_audited(login, scav_case):
    client = login("worker.scav")
    client.get(reverse("cases:detail", kwargs={"case_id": scav_case.pk}))
    client.get(reverse("cases:my_cases"))
    assert AuditEvent.objects.filter(action="case_view", target_id=str(scav_case.pk), actor__username="worker.scav").count() == 1
    assert AuditEvent.objects.filter(action="case_list", actor__username="worker.scav").count() == 1


def test_find_by_national_number_and_emergency_access(login, personas, scav_case):
    client = login("worker2.scav")
    assert not scav_case.assignments.filter(worker__username="worker2.scav").exists()
    found = client.post(reverse("cases:find"), {"national_number": scav_case.national_number})
    results = found.context["results"]
    assert [r["case"].pk for r in results] == [scav_case.pk] and not results[0]["visible"]
    refused = client.post(reverse("cases:emergency", kwargs={"case_id": scav_case.pk}), {"justification": "short"})
    assert refused.status_code == 302
    opened = client.post(reverse("cases:emergency", kwargs={"case_id": scav_case.pk}),
                         {"justification": "Assigned worker ill, the person is at the desk now."})
    assert opened.status_code == 200 and scav_case.family_name in opened.content.decode()
    event = AuditEvent.objects.get(action="break_glass", target_id=str(scav_case.pk))
    assert event.justification.startswith("Assigned worker ill")
    # A window, not a lasting grant: the file stays open for CASEWORK_EMERGENCY_MINUTES, then 404.
    assert client.get(reverse("cases:detail", kwargs={"case_id": scav_case.pk})).status_code == 200
    with override_settings(CASEWORK_EMERGENCY_MINUTES=0):
        assert client.get(reverse("cases:detail", kwargs={"case_id": scav_case.pk})).status_code == 404


def test_the_timeline_names_the_fields_a_session_edit_changed(login, scav_case):
    client = login("worker.scav")
    session = scav_case.sessions.order_by("held_on").first()
    data = {"version": session.version, "kind": session.kind_id, "held_on": session.held_on.isoformat(),
            "duration_minutes": session.duration_minutes + 5, "notes": session.notes}
    response = client.post(reverse("cases:session_edit", kwargs={"case_id": scav_case.pk, "session_id": session.pk}), data)
    assert response.status_code == 302
    timeline = client.get(reverse("cases:history", kwargs={"case_id": scav_case.pk})).context["timeline"]
    changed = [entry for entry in timeline if entry["object"] == "session" and entry["type"] == "~"]
    with translation.override("fr"):  # the timeline is rendered in the default language
        label = str(Session._meta.get_field("duration_minutes").verbose_name)
    assert [entry["fields"] for entry in changed] == [[label]]
    # Each session's own creation is listed, none with changed fields.
    created = [entry for entry in timeline if entry["object"] == "session" and entry["type"] == "+"]
    assert len(created) == scav_case.sessions.count() and all(not entry["fields"] for entry in created)


def test_opening_a_session_for_editing_is_audited_as_a_read(login, scav_case):
    session = scav_case.sessions.first()
    response = login("worker.scav").get(reverse("cases:session_edit", kwargs={"case_id": scav_case.pk, "session_id": session.pk}))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="case_view", target_id=str(scav_case.pk), actor__username="worker.scav")
    assert event.detail == {"part": "session_edit", "session": str(session.pk)}
