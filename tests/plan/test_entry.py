"""Activity records and attestations: coordinators for every indicator, team leads for their team's."""

import datetime

import pytest
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casework.plan.models import ActivityRecord, Attestation, Indicator

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def indicator(name_en, year=YEAR):
    return Indicator.objects.for_year(year).get(name_en=name_en)


def peacekeepers_meetings():
    return Indicator.objects.for_year(YEAR).get(name_en="Number of consultation meetings",
                                               expected_result__operational_objective__strategic_objective__unit="GDP/Vredesbewaarders")


def valid_post(**overrides):
    return {"date": timezone.localdate().isoformat(), "quantity": "3", "description": "Concertation STIB", **overrides}


def test_a_coordinator_records_edits_and_deletes_an_activity_record_and_each_write_is_audited(login):
    client = login("coordinator")
    target = peacekeepers_meetings()
    response = client.post(f"/indicators/entry/indicator/{target.pk}/record/", valid_post())
    assert response.status_code == 302 and response["Location"] == f"/indicators/entry/{YEAR}/#indicator-{target.pk}"
    record = ActivityRecord.objects.filter(indicator=target).order_by("-id").first()
    assert record.quantity == 3 and record.description == "Concertation STIB"

    assert client.post(f"/indicators/entry/record/{record.pk}/", valid_post(quantity="4")).status_code == 302
    record.refresh_from_db()
    assert str(record.quantity) == "4.0"

    assert client.get(f"/indicators/entry/record/{record.pk}/delete/").status_code == 200
    assert client.post(f"/indicators/entry/record/{record.pk}/delete/").status_code == 302
    assert not ActivityRecord.objects.filter(pk=record.pk).exists()
    ops = list(AuditEvent.objects.filter(action=Action.INDICATOR_ENTRY, actor__username="coordinator", target_id=str(record.pk))
               .order_by("seq").values_list("detail__op", flat=True))
    assert ops == ["create", "update", "delete"]


@pytest.mark.parametrize("overrides, field_message", [
    ({"date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}, "La date ne peut pas être dans le futur."),
    ({"date": "2023-05-01"}, "La date doit tomber dans l&#x27;année du plan"),
    ({"date": "31/31/2024"}, "Saisissez une date valide."),
    ({"quantity": "-1"}, "La quantité ne peut pas être négative."),
    ({"quantity": "20000"}, "La quantité ne peut pas dépasser 10000"),
    ({"quantity": "abc"}, "Saisissez un nombre."),
    ({"quantity": "1.5"}, "Saisissez un nombre entier : seules les heures peuvent avoir une décimale."),
    ({"description": "x" * 201}, "La description ne peut pas dépasser 200 caractères."),
    ({"quantity": ""}, "Saisissez la quantité."),
])
def test_bad_activity_input_gets_a_translated_message_and_nothing_is_saved(login, overrides, field_message):
    client = login("coordinator")
    target = peacekeepers_meetings()
    count = ActivityRecord.objects.count()
    response = client.post(f"/indicators/entry/indicator/{target.pk}/record/", valid_post(**overrides), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert ActivityRecord.objects.count() == count


def test_an_empty_post_is_a_form_error_not_a_crash(login):
    target = peacekeepers_meetings()
    response = login("coordinator").post(f"/indicators/entry/indicator/{target.pk}/record/", {}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400 and "Vul de datum in." in response.content.decode()


def test_a_team_lead_enters_records_for_the_own_team_only(login):
    client = login("lead.rad")
    page = client.get(f"/indicators/entry/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Expertise on the subject effectively strengthened" in page
    # Counted from the collective activities the team records (decision 0011): nobody types it.
    assert "Number of training/awareness sessions" not in page
    assert "Hours of presence of the peacekeepers" not in page
    before = AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).count()
    assert client.post(f"/indicators/entry/indicator/{peacekeepers_meetings().pk}/record/", valid_post()).status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).count() == before + 1
    other_team_record = ActivityRecord.objects.filter(
        indicator__expected_result__operational_objective__strategic_objective__team__isnull=True).first()
    assert client.get(f"/indicators/entry/record/{other_team_record.pk}/").status_code == 404
    assert client.post(f"/indicators/entry/record/{other_team_record.pk}/delete/").status_code == 404
    assert ActivityRecord.objects.filter(pk=other_team_record.pk).exists()


def test_a_lead_of_a_team_without_activity_indicators_sees_only_the_attestations(login):
    page = login("lead.scapi").get(f"/indicators/entry/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A listening space is effectively set up" in page
    assert "Number of support sessions carried out" not in page  # counted from casework, nobody enters it


@pytest.mark.parametrize("username", ["worker.scapi", "worker.rad", "auditor", "admin"])
def test_workers_auditors_and_administrators_get_404_on_the_entry_pages(login, username):
    client = login(username)
    target = indicator("Number of training/awareness sessions")
    assert client.get("/indicators/entry/").status_code == 404
    assert client.get(f"/indicators/entry/{YEAR}/").status_code == 404
    assert client.post(f"/indicators/entry/indicator/{target.pk}/record/", valid_post()).status_code == 404


def test_records_cannot_be_entered_on_a_casework_indicator(login):
    counted = indicator("Number of individual consultations")
    assert login("coordinator").post(f"/indicators/entry/indicator/{counted.pk}/record/", valid_post()).status_code == 404


def test_an_attestation_is_recorded_with_its_date_and_evidence_and_becomes_the_answer(login):
    client = login("lead.scav")
    target = indicator("A reception, listening and care space is effectively set up")
    response = client.post(f"/indicators/entry/indicator/{target.pk}/attest/",
                           {"date": timezone.localdate().isoformat(), "answer": "yes", "evidence": "Inauguration, PV du collège"})
    assert response.status_code == 302
    attestation = Attestation.objects.filter(indicator=target).order_by("-id").first()
    assert attestation.answer is True and attestation.evidence == "Inauguration, PV du collège"
    assert AuditEvent.objects.filter(action=Action.INDICATOR_ENTRY, actor__username="lead.scav", detail__op="attest").exists()
    bad = client.post(f"/indicators/entry/indicator/{target.pk}/attest/", {"date": timezone.localdate().isoformat(), "answer": "maybe"},
                      HTTP_ACCEPT_LANGUAGE="fr")
    assert bad.status_code == 400 and "Répondez oui ou non." in bad.content.decode()


def _token(response):
    import re

    match = re.search(r'name="submission" value="([0-9a-f-]{36})"', response.content.decode())
    assert match, "the form carries no one-time submission token"
    return match.group(1)


def test_an_activity_form_sent_twice_records_one_activity(login):
    client = login("coordinator")
    target = peacekeepers_meetings()
    url = f"/indicators/entry/indicator/{target.pk}/record/"
    data = valid_post(submission=_token(client.get(url)))
    before = ActivityRecord.objects.filter(indicator=target).count()
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302 and second["Location"] == first["Location"]
    assert ActivityRecord.objects.filter(indicator=target).count() == before + 1


def test_an_attestation_form_sent_twice_records_one_attestation(login):
    client = login("lead.scav")
    target = indicator("A reception, listening and care space is effectively set up")
    url = f"/indicators/entry/indicator/{target.pk}/attest/"
    data = {"date": timezone.localdate().isoformat(), "answer": "yes", "evidence": "PV", "submission": _token(client.get(url))}
    before = Attestation.objects.filter(indicator=target).count()
    client.post(url, data)
    client.post(url, data)
    assert Attestation.objects.filter(indicator=target).count() == before + 1
def test_counts_accept_whole_numbers_only_and_hours_take_one_decimal(login, personas):
    from audit.services import SYSTEM
    from django.core.exceptions import ValidationError

    from casework.plan.services import activity_record_create

    client = login("coordinator")
    hours = Indicator.objects.for_year(YEAR).filter(source="activity", unit="hours").first()
    assert client.post(f"/indicators/entry/indicator/{hours.pk}/record/", valid_post(quantity="4.5")).status_code == 302
    assert client.post(f"/indicators/entry/indicator/{hours.pk}/record/", valid_post(quantity="1.25")).status_code == 400
    with pytest.raises(ValidationError):  # the service refuses it too, whatever the form
        activity_record_create(actor=personas["coordinator"], origin=SYSTEM, indicator=peacekeepers_meetings(),
                               date=timezone.localdate(), quantity=__import__("decimal").Decimal("2.5"))
