"""Anonymous contacts and collective activities, as the teams' workers and leads meet them."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casework.contacts.models import AnonymousContact, CollectiveActivity
from casework.models import Case, Team
from casework.national_number import make_national_number
from casework.plan.counters import available_counters

pytestmark = pytest.mark.django_db

NOTE = "Mère inquiète pour son fils de 16 ans, orientée vers le service"


def contact_post(team_code="MEDLOC-SCAV", **extra):
    return {"team": Team.objects.get(code=team_code).pk, "date": timezone.localdate().isoformat(), "kind": "drop_in",
            "asker": "person", "topic": "domestic_violence", "duration_minutes": "30", "note": NOTE, **extra}


def activity_post(team_code="RAD", **extra):
    return {"team": Team.objects.get(code=team_code).pk, "date": timezone.localdate().isoformat(), "kind": "awareness",
            "title": "Sensibilisation des enseignants", "partners": "Athénée Royal", "participants": "25", **extra}


def test_a_worker_records_an_anonymous_contact_whose_note_is_encrypted_and_audited(login):
    client = login("worker.scav")
    response = client.post("/contacts/new/", contact_post())
    contact = AnonymousContact.objects.filter(recorded_by__username="worker.scav").order_by("-created_at").first()
    assert response.status_code == 302 and response.url == f"/contacts/{contact.pk}/"
    assert contact.note == NOTE and contact.team.code == "MEDLOC-SCAV"
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM contacts_anonymouscontact WHERE id = %s", [contact.pk.hex])
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT note FROM contacts_historicalanonymouscontact WHERE id = %s", [contact.pk.hex])
        history = [row[0] for row in cursor.fetchall()]
    assert "inquiète" not in stored and all("inquiète" not in h for h in history)
    assert AuditEvent.objects.filter(action=Action.CONTACT_CREATE, target_id=str(contact.pk)).exists()
    page = client.get(f"/contacts/{contact.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert NOTE in page and "Een dossier aanvragen" in page
    assert AuditEvent.objects.filter(action=Action.CONTACT_VIEW, target_id=str(contact.pk)).exists()


def test_a_contact_for_a_team_the_worker_is_not_in_is_a_form_error(login):
    response = login("worker.scapi").post("/contacts/new/", contact_post("RAD"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not AnonymousContact.objects.filter(recorded_by__username="worker.scapi", team__code="RAD").exists()


@pytest.mark.parametrize("bad", [{"duration_minutes": "0"}, {"duration_minutes": "abc"}, {"date": "2999-01-01"},
                                 {"kind": "interrogation"}, {"date": ""}])
def test_bad_contact_input_is_a_translated_form_error_without_a_row(login, bad):
    before = AnonymousContact.objects.count()
    response = login("worker.scav").post("/contacts/new/", contact_post(**bad), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert AnonymousContact.objects.count() == before


def test_another_worker_cannot_read_a_contact_and_the_attempt_is_audited(login):
    contact = AnonymousContact.objects.filter(recorded_by__username="worker.scav").first()
    before = AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).count()
    assert login("worker2.scav").get(f"/contacts/{contact.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).count() == before + 1


@pytest.mark.parametrize("username", ["auditor", "coordinator", "admin"])
def test_non_casework_roles_get_404_on_contacts_and_activities(login, username):
    client = login(username)
    contact = AnonymousContact.objects.first()
    for url in ("/contacts/", "/contacts/new/", f"/contacts/{contact.pk}/", "/contacts/activities/", "/contacts/activities/new/"):
        assert client.get(url).status_code == 404, url


def test_a_worker_asks_for_a_file_and_the_lead_opens_the_case_from_the_contact(login):
    worker = login("worker.scav")
    worker.post("/contacts/new/", contact_post())
    contact = AnonymousContact.objects.filter(recorded_by__username="worker.scav").order_by("-created_at").first()
    # A worker cannot open a case, from a contact or otherwise.
    assert worker.get(f"/contacts/{contact.pk}/open-case/").status_code == 404
    assert worker.post(f"/contacts/{contact.pk}/request-case/").status_code == 302
    contact.refresh_from_db()
    assert contact.case_requested

    lead = login("lead.scav")
    assert "/open-case/" in lead.get(f"/contacts/{contact.pk}/").content.decode()
    today = timezone.localdate().isoformat()
    response = lead.post(f"/contacts/{contact.pk}/open-case/", {
        "case-team": contact.team_id, "case-opened_on": today, "identity-given_names": "Nadia",
        "identity-family_name": "Vancontact", "identity-national_number": make_national_number("850101", 77),
        "details-offence": "domestic_violence", "details-referral_source": "self", "details-justice_stage": "none",
    })
    contact.refresh_from_db()
    assert contact.case is not None and not contact.case_requested
    assert response.status_code == 302 and response.url == f"/cases/{contact.case_id}/"
    assert contact.case.family_name == "Vancontact"
    assert AuditEvent.objects.filter(action=Action.CONTACT_CONVERT, target_id=str(contact.pk)).exists()
    assert AuditEvent.objects.filter(action=Action.CASE_CREATE, target_ref=contact.case.reference).exists()
    # Twice is not two cases.
    lead.post(f"/contacts/{contact.pk}/open-case/", {"case-team": contact.team_id, "case-opened_on": today})
    assert Case.objects.filter(pk=contact.case_id).count() == 1


def test_a_lead_of_another_team_cannot_open_a_case_from_a_contact(login):
    contact = AnonymousContact.objects.filter(team__code="MEDLOC-SCAV").first()
    assert login("lead.rad").get(f"/contacts/{contact.pk}/open-case/").status_code == 404


def test_a_workers_activity_counts_only_once_the_lead_confirms_it(login):
    first, last = datetime.date(timezone.localdate().year, 1, 1), timezone.localdate()
    counter = available_counters()["contacts.rad_people_trained"]
    before = counter.count(first, last)[None]
    response = login("worker.rad").post("/contacts/activities/new/", activity_post())
    assert response.status_code == 302
    activity = CollectiveActivity.objects.filter(recorded_by__username="worker.rad").order_by("-created_at").first()
    assert not activity.confirmed and [w.username for w in activity.workers.all()] == ["worker.rad"]
    assert counter.count(first, last)[None] == before
    # The worker cannot confirm their own entry.
    assert login("worker.rad").post(f"/contacts/activities/{activity.pk}/confirm/").status_code == 404
    lead = login("lead.rad")
    assert "for your confirmation" in lead.get("/contacts/activities/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert lead.post(f"/contacts/activities/{activity.pk}/confirm/").status_code == 302
    activity.refresh_from_db()
    assert activity.confirmed_by.username == "lead.rad"
    assert counter.count(first, last)[None] == before + 25
    assert AuditEvent.objects.filter(action=Action.ACTIVITY_CONFIRM, target_id=str(activity.pk)).exists()


def test_a_lead_of_another_team_cannot_confirm_an_activity(login):
    login("worker.rad").post("/contacts/activities/new/", activity_post())
    activity = CollectiveActivity.objects.filter(recorded_by__username="worker.rad").order_by("-created_at").first()
    assert login("lead.scav").post(f"/contacts/activities/{activity.pk}/confirm/").status_code == 404
    activity.refresh_from_db()
    assert not activity.confirmed


@pytest.mark.parametrize("bad", [{"participants": "-3"}, {"participants": "999999"}, {"title": ""}, {"kind": "party"}])
def test_bad_activity_input_is_a_form_error_without_a_row(login, bad):
    before = CollectiveActivity.objects.count()
    response = login("worker.rad").post("/contacts/activities/new/", activity_post(**bad), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert CollectiveActivity.objects.count() == before


def test_a_worker_cannot_name_someone_outside_the_team_as_worker_of_an_activity(login, personas):
    response = login("worker.rad").post("/contacts/activities/new/", activity_post(workers=[personas["worker.scapi"].pk]))
    assert response.status_code == 200
    assert not CollectiveActivity.objects.filter(team__code="RAD", workers=personas["worker.scapi"]).exists()


def test_the_lists_do_not_grow_in_queries_with_their_rows(login, django_assert_max_num_queries):
    client = login("lead.rad")
    with django_assert_max_num_queries(20):
        assert client.get("/contacts/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/contacts/activities/").status_code == 200


def test_contacts_and_activities_pages_are_translated(login):
    client = login("lead.rad")
    assert "Contacts anonymes" in client.get("/contacts/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Collectieve activiteiten" in client.get("/contacts/activities/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
