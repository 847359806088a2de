"""The social hotel register and the victims' self-assessments, as MEDLOC-SCAV meets them, and
the plan's figures computed from them."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casework.access import assigned_cases
from casework.models import Case
from casework.plan.counters import available_counters
from victims.counters import nights_by_month
from victims.models import HotelRoom, HotelStay, HotelWaitingEntry, SelfAssessment

pytestmark = pytest.mark.django_db


def open_victims_case(personas):
    return assigned_cases(personas["worker.scav"]).filter(team__code="MEDLOC-SCAV", status=Case.Status.OPEN).first()


def free_room():
    room = HotelRoom.objects.create(name="Test room", beds=1)
    return room


def test_a_worker_records_a_stay_and_its_departure_and_the_nights_are_counted(login, personas):
    case, room = open_victims_case(personas), free_room()
    client = login("worker.scav")
    arrival = timezone.localdate() - datetime.timedelta(days=10)
    departure = arrival + datetime.timedelta(days=4)
    before = nights_by_month(arrival, departure)[None]
    events = AuditEvent.objects.filter(action=Action.HOTEL_CHANGE, target_id=str(case.pk)).count()
    response = client.post(f"/victims/cases/{case.pk}/hotel/", {"op": "start", "stay-room": room.pk, "stay-check_in": arrival.isoformat()})
    assert response.status_code == 302
    stay = HotelStay.objects.get(room=room)
    assert stay.case == case and stay.check_out is None
    client.post(f"/victims/cases/{case.pk}/hotel/", {"op": "end", "stay": stay.pk, "end-check_out": departure.isoformat()})
    stay.refresh_from_db()
    assert stay.check_out == departure
    assert nights_by_month(arrival, departure)[None] == before + 4
    assert AuditEvent.objects.filter(action=Action.HOTEL_CHANGE, target_id=str(case.pk)).count() == events + 2


def test_a_room_cannot_hold_two_stays_on_the_same_night(login, personas):
    case, room = open_victims_case(personas), free_room()
    client = login("lead.scav")
    day = timezone.localdate() - datetime.timedelta(days=5)
    client.post(f"/victims/cases/{case.pk}/hotel/", {"op": "start", "stay-room": room.pk, "stay-check_in": day.isoformat()})
    response = client.post(f"/victims/cases/{case.pk}/hotel/", {"op": "start", "stay-room": room.pk,
                                                               "stay-check_in": (day + datetime.timedelta(days=1)).isoformat()},
                           HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and "déjà occupée" in response.content.decode()
    assert HotelStay.objects.filter(room=room).count() == 1


@pytest.mark.parametrize("bad", [{"stay-check_in": "2999-01-01"}, {"stay-check_in": ""}, {"stay-room": "999999"},
                                 {"stay-check_out": "2000-01-01"}])
def test_bad_stay_input_is_a_form_error_without_a_row(login, personas, bad):
    case, room = open_victims_case(personas), free_room()
    before = HotelStay.objects.count()
    post = {"op": "start", "stay-room": room.pk, "stay-check_in": timezone.localdate().isoformat(), **bad}
    response = login("worker.scav").post(f"/victims/cases/{case.pk}/hotel/", post, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert HotelStay.objects.count() == before


def test_a_worker_not_assigned_to_the_case_gets_404_on_its_hotel_and_self_assessment_pages(login, personas):
    case = Case.objects.filter(team__code="MEDLOC-SCAV").exclude(pk__in=assigned_cases(personas["worker2.scav"])).first()
    client = login("worker2.scav")
    assert client.get(f"/victims/cases/{case.pk}/hotel/").status_code == 404
    assert client.get(f"/victims/cases/{case.pk}/self-assessment/").status_code == 404
    other = Case.objects.filter(team__code="RAD").first()
    assert login("lead.rad").get(f"/victims/cases/{other.pk}/hotel/").status_code == 404


def test_the_waiting_list_takes_a_case_once_and_a_stay_places_it(login, personas):
    case = open_victims_case(personas)
    HotelWaitingEntry.objects.filter(case=case).delete()
    client = login("worker.scav")
    today = timezone.localdate().isoformat()
    for _ in range(2):
        client.post(f"/victims/cases/{case.pk}/hotel/", {"op": "wait", "wait-asked_on": today})
    assert HotelWaitingEntry.objects.filter(case=case, status="waiting").count() == 1
    client.post(f"/victims/cases/{case.pk}/hotel/", {"op": "start", "stay-room": free_room().pk, "stay-check_in": today})
    assert HotelWaitingEntry.objects.get(case=case).status == "placed"


def test_the_register_shows_rooms_occupancy_and_only_visible_references(login, personas, django_assert_max_num_queries):
    client = login("worker.scav")
    with django_assert_max_num_queries(25):
        page = client.get("/victims/hotel/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Bezetting per maand" in page and "Wachtlijst" in page
    hidden = Case.objects.filter(team__code="MEDLOC-SCAV").exclude(pk__in=assigned_cases(personas["worker.scav"]))
    assert not any(c.reference in page for c in hidden)
    assert AuditEvent.objects.filter(action=Action.HOTEL_VIEW, actor__username="worker.scav").exists()
    for username in ("worker.rad", "coordinator", "auditor"):
        assert login(username).get("/victims/hotel/").status_code == 404


def test_a_self_assessment_is_recorded_at_intake_and_corrected_not_duplicated(login, personas):
    case = open_victims_case(personas)
    SelfAssessment.objects.filter(case=case).delete()
    client = login("worker.scav")
    events = AuditEvent.objects.filter(action=Action.OUTCOME_RECORD, target_id=str(case.pk)).count()
    post = {"moment": "intake", "assessed_on": case.opened_on.isoformat(), "safety": "3", "coping": "4"}
    assert client.post(f"/victims/cases/{case.pk}/self-assessment/", post).status_code == 302
    assert client.post(f"/victims/cases/{case.pk}/self-assessment/", {**post, "safety": "2"}).status_code == 302
    assert list(SelfAssessment.objects.filter(case=case).values_list("moment", "safety")) == [("intake", 2)]
    response = client.post(f"/victims/cases/{case.pk}/self-assessment/", {**post, "safety": "11"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.OUTCOME_RECORD, target_id=str(case.pk)).count() == events + 2
    assert "Auto-évaluation" in client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()


@override_settings(INDICATOR_SUPPRESSION_K=5)
def test_the_share_of_victims_feeling_safer_is_computed_and_withheld_below_k():
    year = timezone.localdate().year
    first, last = datetime.date(year, 1, 1), timezone.localdate()
    share = available_counters()["victims.victimisation_reduced_share"].count
    closed = Case.objects.filter(team__code="MEDLOC-SCAV", status=Case.Status.CLOSED, closed_on__gte=first, closed_on__lte=last)
    SelfAssessment.objects.filter(case__in=closed).delete()
    assert share(first, last)[None] == 0
    cases = list(Case.objects.filter(team__code="MEDLOC-SCAV", opened_on__lte=first)[:6])
    assert len(cases) == 6
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(status=Case.Status.CLOSED, closed_on=first)
    for n, case in enumerate(cases):
        SelfAssessment.objects.filter(case=case).delete()
        SelfAssessment.objects.create(case=case, moment="intake", assessed_on=case.opened_on, safety=3, coping=3)
        # Four of six improve by 2 points or more; one by a single point; one gets worse.
        closing = [5, 6, 5, 8, 4, 1][n]
        SelfAssessment.objects.create(case=case, moment="closing", assessed_on=first, safety=closing, coping=3)
    assert share(first, last)[None] == Decimal("66.7")
    # Four assessed victims (below k) give no share.
    SelfAssessment.objects.filter(case__in=cases[:2]).delete()
    assert share(first, last)[None] == 0
