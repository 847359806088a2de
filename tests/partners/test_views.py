"""Consent, referrals, linked files, legal hold, subject access and erasure, as the leads and
workers meet them: through the real URLs, with the seeded personas."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casework.models import Case, Team
from casework.services.retention import purge_expired_cases
from casework.services.cases import case_close
from audit.services import SYSTEM
from casework.partners import services
from casework.partners.models import Consent, FileLink, Partner, PartnerReferral, TeamReferral
from tests.casework.conftest import open_case_assigned_to
from tests.partners.conftest import fresh_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _url(name, **kwargs):
    return reverse(f"partners:{name}", kwargs=kwargs)


# Partner directory ---------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["lead.scav", "coordinator"])
def test_leads_and_coordination_keep_the_partner_directory(login, username):
    client = login(username)
    assert "CPAS de Molenbeek" in client.get(_url("directory")).content.decode()
    response = client.post(_url("partner_create"), {"name": "Centre PMS de Molenbeek", "kind": "school",
                                                    "contact": "02 411 00 00", "language": "fr", "active": "on"})
    assert response.status_code == 302
    assert Partner.objects.filter(name="Centre PMS de Molenbeek").exists()
    assert AuditEvent.objects.filter(action="partner_change", actor__username=username).exists()


@pytest.mark.parametrize("username", ["worker.scav", "auditor", "admin"])
def test_workers_auditors_and_administrators_cannot_change_the_directory(login, username):
    client = login(username)
    assert client.get(_url("directory")).status_code == 404
    assert client.post(_url("partner_create"), {"name": "X", "kind": "other", "language": "fr"}).status_code == 404
    assert not Partner.objects.filter(name="X").exists()
    assert AuditEvent.objects.filter(action="access_refused", actor__username=username, target_type="partner").exists()


def test_a_partner_with_a_duplicate_name_is_a_form_error_not_a_500(login):
    existing = Partner.objects.first()
    response = login("lead.rad").post(_url("partner_create"), {"name": existing.name, "kind": "other", "language": "fr"})
    assert response.status_code == 200 and Partner.objects.filter(name=existing.name).count() == 1


# The case page ------------------------------------------------------------------------------

def test_the_case_page_shows_consents_and_referrals_and_no_raw_export_among_daily_buttons(login, personas):
    case = PartnerReferral.objects.filter(case__team__code="MEDLOC-SCAV").first().case
    html = login("lead.scav").get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="consent-referrals"' in html and 'id="data-protection"' in html
    assert f"/cases/{case.pk}/export/" not in html
    assert _url("subject_access", case_id=case.pk) in html


def test_a_worker_sees_consents_but_not_the_leads_data_protection_panel(login):
    case = open_case_assigned_to("worker.scav")
    html = login("worker.scav").get(reverse("cases:detail", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="consent-referrals"' in html and 'id="data-protection"' not in html
    assert _url("subject_access", case_id=case.pk) not in html


def test_the_case_page_needs_the_same_number_of_queries_however_many_consents_and_referrals(login, personas, partner):
    client = login("lead.scav")
    few = fresh_case(personas, "MEDLOC-SCAV", given="Few")
    many = fresh_case(personas, "MEDLOC-SCAV", given="Many")
    lead = personas["lead.scav"]
    for scope in ("processing", "contact_phone", "contact_letter", "contact_home"):
        services.consent_record(actor=lead, origin=SYSTEM, case=many, scope=scope, given_on=many.opened_on, manner="oral")
    services.consent_record(actor=lead, origin=SYSTEM, case=many, scope="share_partner", partner=partner, given_on=many.opened_on, manner="oral")
    for reason in ("housing", "income", "health", "legal"):
        services.partner_referral_record(actor=lead, origin=SYSTEM, case=many, partner=partner, referred_on=TODAY(), reason=reason)
    counts = []
    for case in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:detail", kwargs={"case_id": case.pk})).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Consent ------------------------------------------------------------------------------------

def test_a_worker_records_consent_with_an_encrypted_note_and_withdraws_it(login):
    case = open_case_assigned_to("worker.scapi")
    client = login("worker.scapi")
    response = client.post(_url("consent_create", case_id=case.pk), {
        "scope": "contact_letter", "given_on": TODAY().isoformat(), "manner": "representative",
        "note": "Accord donné par son avocate, Me Dupont-Testing."})
    assert response.status_code == 302
    consent = Consent.objects.get(case=case, scope="contact_letter")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM partners_consent WHERE scope = 'contact_letter'")
        assert all("Dupont-Testing" not in (row[0] or "") for row in cursor.fetchall())
    response = client.post(_url("consent_withdraw", case_id=case.pk, consent_id=consent.pk),
                           {"withdrawn_on": TODAY().isoformat(), "note": ""})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY()
    assert AuditEvent.objects.filter(action="consent_withdraw", target_ref=case.reference).exists()


def test_consent_to_share_with_another_team_must_name_that_team(login):
    case = open_case_assigned_to("worker.scapi")
    response = login("worker.scapi").post(_url("consent_create", case_id=case.pk), {
        "scope": "share_team", "given_on": TODAY().isoformat(), "manner": "written"})
    assert response.status_code == 200
    assert not Consent.objects.filter(case=case, scope="share_team").exists()


def test_a_worker_of_another_team_cannot_record_consent(login):
    case = open_case_assigned_to("worker.scapi")
    response = login("worker.rad").post(_url("consent_create", case_id=case.pk), {
        "scope": "processing", "given_on": TODAY().isoformat(), "manner": "written"})
    assert response.status_code == 404
    assert not Consent.objects.filter(case=case, recorded_by__username="worker.rad").exists()


# Referrals to partners -------------------------------------------------------------------

def test_a_referral_without_consent_is_refused_for_a_worker(login, partner):
    case = open_case_assigned_to("worker.rad")
    Consent.objects.filter(case=case).delete()
    before = PartnerReferral.objects.count()
    response = login("worker.rad").post(_url("referral_create", case_id=case.pk), {
        "partner": partner.pk, "referred_on": TODAY().isoformat(), "reason": "housing",
        "legal_ground": "I say so"})
    assert response.status_code == 200
    assert "has not consented" in response.content.decode() or "pas consenti" in response.content.decode()
    assert PartnerReferral.objects.count() == before


def test_a_lead_may_refer_without_consent_by_recording_the_legal_ground(login, partner):
    case = open_case_assigned_to("worker.rad")
    Consent.objects.filter(case=case).delete()
    response = login("lead.rad").post(_url("referral_create", case_id=case.pk), {
        "partner": partner.pk, "referred_on": TODAY().isoformat(), "reason": "safety",
        "legal_ground": "Art. 458bis du Code pénal: danger grave et imminent."})
    assert response.status_code == 302
    referral = PartnerReferral.objects.get(case=case, partner=partner, reason="safety")
    assert referral.legal_ground.startswith("Art. 458bis")
    event = AuditEvent.objects.filter(action="referral_record", target_ref=case.reference).latest("seq")
    assert event.detail["on_legal_ground"] is True and "458bis" not in json.dumps(event.detail)


def test_a_referral_with_consent_is_recorded_and_its_outcome_followed(login, personas, partner):
    case = open_case_assigned_to("worker.scav")
    services.consent_record(actor=personas["lead.scav"], origin=SYSTEM, case=case, scope="share_partner", partner=partner,
                            given_on=case.opened_on, manner="written")
    client = login("worker.scav")
    response = client.post(_url("referral_create", case_id=case.pk), {
        "partner": partner.pk, "referred_on": TODAY().isoformat(), "reason": "income", "follow_up": "Rendez-vous le 12."})
    assert response.status_code == 302
    referral = PartnerReferral.objects.get(case=case, reason="income", partner=partner)
    response = client.post(_url("referral_edit", case_id=case.pk, referral_id=referral.pk),
                           {"version": referral.version, "outcome": "taken_up", "follow_up": "Suivi par le CPAS."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "taken_up" and referral.version == 2


def test_a_withdrawn_consent_no_longer_allows_the_referral(login, personas, partner):
    case = open_case_assigned_to("worker.scav")
    consent = services.consent_record(actor=personas["lead.scav"], origin=SYSTEM, case=case, scope="share_partner",
                                      partner=partner, given_on=case.opened_on, manner="written")
    services.consent_withdraw(actor=personas["lead.scav"], origin=SYSTEM, consent=consent, withdrawn_on=TODAY())
    response = login("worker.scav").post(_url("referral_create", case_id=case.pk), {
        "partner": partner.pk, "referred_on": TODAY().isoformat(), "reason": "health"})
    assert response.status_code == 200
    assert not PartnerReferral.objects.filter(case=case, reason="health", partner=partner).exists()


def test_orientations_are_counted_per_team_by_month_as_aggregates(personas, partner):
    from casework.plan.counters import available_counters

    counters = available_counters()
    counter = counters["partners.orientations.RAD"]
    case = fresh_case(personas, "RAD")
    lead = personas["lead.rad"]
    services.consent_record(actor=lead, origin=SYSTEM, case=case, scope="share_partner", partner=partner, given_on=case.opened_on, manner="oral")
    first = datetime.date(TODAY().year, 1, 1)
    before = counter.count(first, datetime.date(TODAY().year, 12, 31))
    services.partner_referral_record(actor=lead, origin=SYSTEM, case=case, partner=partner, referred_on=TODAY(), reason="housing")
    after = counter.count(first, datetime.date(TODAY().year, 12, 31))
    assert after[None] == before[None] + 1 and after[TODAY().month] == before[TODAY().month] + 1
    assert set(after) == set(range(1, 13)) | {None}
    assert all(isinstance(value, int) for value in after.values())


# Between teams -------------------------------------------------------------------------------

def test_a_referral_to_another_team_without_consent_is_refused(login, personas):
    case = fresh_case(personas, "SCAPI")
    response = login("lead.scapi").post(_url("team_referral_create", case_id=case.pk), {
        "to_team": Team.objects.get(code="RAD").pk, "kind": "referral", "reason": "family"})
    assert response.status_code == 200
    assert not TeamReferral.objects.filter(case=case).exists()


def test_a_worker_cannot_refer_a_case_to_another_team(login):
    case = open_case_assigned_to("worker.scapi")
    response = login("worker.scapi").post(_url("team_referral_create", case_id=case.pk), {
        "to_team": Team.objects.get(code="RAD").pk, "kind": "referral", "reason": "family", "legal_ground": "x"})
    assert response.status_code == 404
    assert not TeamReferral.objects.filter(case=case, to_team__code="RAD").exists()


def test_the_receiving_lead_sees_the_minimum_and_never_the_notes(login, pending_referral):
    source = pending_referral.case
    session_notes = [s.notes for s in source.sessions.all()]
    html = login("lead.scav").get(_url("team_referral", referral_id=pending_referral.pk)).content.decode()
    assert source.family_name in html
    assert source.notes not in html and all(note not in html for note in session_notes)
    assert source.reference not in html
    assert AuditEvent.objects.filter(action="team_referral_view", target_id=str(pending_referral.pk), actor__username="lead.scav").exists()


@pytest.mark.parametrize("username", ["lead.rad", "lead.scapi", "worker.scav", "coordinator"])
def test_only_the_receiving_lead_can_open_or_answer_a_referral(login, pending_referral, username):
    client = login(username)
    assert client.get(_url("team_referral", referral_id=pending_referral.pk)).status_code == 404
    response = client.post(_url("team_referral", referral_id=pending_referral.pk),
                           {"decline": "1", "decline-decision_reason": "Non."})
    assert response.status_code == 404
    pending_referral.refresh_from_db()
    assert pending_referral.status == "pending"


def test_a_declined_referral_copies_nothing(login, pending_referral):
    cases_before = Case.objects.count()
    response = login("lead.scav").post(_url("team_referral", referral_id=pending_referral.pk),
                                       {"decline": "1", "decline-decision_reason": "Pas de capacité ce mois-ci."})
    assert response.status_code == 302
    pending_referral.refresh_from_db()
    assert pending_referral.status == "declined" and pending_referral.new_case is None
    assert Case.objects.count() == cases_before
    assert AuditEvent.objects.filter(action="team_referral_decline", target_id=str(pending_referral.pk)).exists()


def test_declining_needs_a_reason(login, pending_referral):
    response = login("lead.scav").post(_url("team_referral", referral_id=pending_referral.pk), {"decline": "1", "decline-decision_reason": ""})
    assert response.status_code == 200
    pending_referral.refresh_from_db()
    assert pending_referral.status == "pending"


def _accept(client, referral, **extra):
    return client.post(_url("team_referral", referral_id=referral.pk), {
        "accept": "1", "accept-opened_on": TODAY().isoformat(), "details-offence": "domestic_violence",
        "details-referral_source": "association", "details-justice_stage": "none", **extra})


def test_acceptance_opens_a_linked_case_with_only_the_consented_data(login, pending_referral):
    source = pending_referral.case
    response = _accept(login("lead.scav"), pending_referral)
    assert response.status_code == 302
    pending_referral.refresh_from_db()
    new_case = pending_referral.new_case
    assert pending_referral.status == "accepted" and new_case.team.code == "MEDLOC-SCAV"
    assert (new_case.given_names, new_case.family_name, new_case.national_number) == (source.given_names, source.family_name, source.national_number)
    assert new_case.notes == "" and not new_case.sessions.exists()
    # The person agreed to processing only, not to contact by phone or letter: neither is copied.
    assert new_case.phone == "" and new_case.address == ""
    assert set(new_case.consents.values_list("scope", flat=True)) == {"processing"}
    assert FileLink.objects.get(new_case=new_case, existing_case=source).status == "linked"
    assert source.__class__.objects.get(pk=source.pk).is_open  # a referral keeps the sending file open
    event = AuditEvent.objects.get(action="team_referral_accept", target_id=str(pending_referral.pk))
    assert event.detail["new_case"] == new_case.reference


def test_a_transfer_moves_responsibility_and_closes_the_sending_file(login, personas):
    case = fresh_case(personas, "SCAPI", given="Transfer")
    lead = personas["lead.scapi"]
    services.consent_record(actor=lead, origin=SYSTEM, case=case, scope="share_team", team=Team.objects.get(code="MEDLOC-SCAV"),
                            given_on=case.opened_on, manner="written")
    services.consent_record(actor=lead, origin=SYSTEM, case=case, scope="contact_phone", given_on=case.opened_on, manner="oral")
    cases_before = Case.objects.count()
    response = login("lead.scapi").post(_url("team_referral_create", case_id=case.pk), {
        "to_team": Team.objects.get(code="MEDLOC-SCAV").pk, "kind": "transfer", "reason": "victim_support"})
    assert response.status_code == 302
    referral = TeamReferral.objects.get(case=case)
    assert Case.objects.count() == cases_before  # nothing copied before acceptance
    case.refresh_from_db()
    assert case.is_open
    assert _accept(login("lead.scav"), referral).status_code == 302
    referral.refresh_from_db()
    case.refresh_from_db()
    assert not case.is_open and case.closure_reason == "referred"
    assert referral.new_case.phone == "+32 470 11 22 33"  # the person agreed to be phoned


def test_acceptance_after_the_consent_was_withdrawn_copies_nothing(login, personas, pending_referral):
    consent = pending_referral.case.consents.get(scope="share_team")
    services.consent_withdraw(actor=personas["lead.scapi"], origin=SYSTEM, consent=consent, withdrawn_on=TODAY())
    cases_before = Case.objects.count()
    response = _accept(login("lead.scav"), pending_referral)
    assert response.status_code == 200
    assert Case.objects.count() == cases_before
    pending_referral.refresh_from_db()
    assert pending_referral.status == "pending"


def test_the_inbox_lists_waiting_referrals_for_the_receiving_lead_only(login, pending_referral):
    assert _url("team_referral", referral_id=pending_referral.pk) in login("lead.scav").get(_url("inbox")).content.decode()
    assert login("worker.scav").get(_url("inbox")).status_code == 404


# Another team's file -----------------------------------------------------------------------------

def test_opening_a_file_known_to_another_team_tells_both_leads_only_the_team_and_whom_to_contact(login, personas, nrn):
    existing = fresh_case(personas, "RAD", given="Double", national_number=nrn, notes="Note du pôle radicalisme, confidentielle.")
    new = fresh_case(personas, "MEDLOC-SCAV", given="Double", national_number=nrn)
    link = FileLink.objects.get(new_case=new, existing_case=existing)
    assert link.status == "found"
    scav_page = login("lead.scav").get(reverse("cases:detail", kwargs={"case_id": new.pk})).content.decode()
    assert Team.objects.get(code="RAD").name_fr in scav_page and "Koen Verstraete" in scav_page
    assert existing.reference not in scav_page and existing.notes not in scav_page
    rad_page = login("lead.rad").get(reverse("cases:detail", kwargs={"case_id": existing.pk})).content.decode()
    assert "Isabelle Renard" in rad_page and new.reference not in rad_page
    assert AuditEvent.objects.filter(action="file_link_notice", target_ref=new.reference).exists()
    assert AuditEvent.objects.filter(action="file_link_notice", target_ref=existing.reference).exists()
    # The existing file's lead can still not open the new file.
    assert login("lead.rad").get(reverse("cases:detail", kwargs={"case_id": new.pk})).status_code == 404


def test_linking_files_needs_both_leads_and_consent_or_a_legal_ground(login, personas, nrn):
    existing = fresh_case(personas, "RAD", given="Link", national_number=nrn)
    new = fresh_case(personas, "MEDLOC-SCAV", given="Link", national_number=nrn)
    link = FileLink.objects.get(new_case=new, existing_case=existing)
    scav = login("lead.scav")
    assert scav.post(_url("link_accept", case_id=new.pk, link_id=link.pk), {"legal_ground": ""}).status_code == 200
    services.consent_record(actor=personas["lead.scav"], origin=SYSTEM, case=new, scope="share_team",
                            team=Team.objects.get(code="RAD"), given_on=new.opened_on, manner="written")
    assert scav.post(_url("link_accept", case_id=new.pk, link_id=link.pk), {"legal_ground": ""}).status_code == 302
    link.refresh_from_db()
    assert link.status == "found"
    rad = login("lead.rad")
    assert rad.post(_url("link_accept", case_id=existing.pk, link_id=link.pk),
                    {"legal_ground": "Art. 458ter Code pénal: concertation de cas."}).status_code == 302
    link.refresh_from_db()
    assert link.status == "linked"
    assert AuditEvent.objects.filter(action="file_link_accept").count() >= 2


def test_a_lead_cannot_accept_a_link_through_a_file_of_another_team(login, personas, nrn):
    existing = fresh_case(personas, "RAD", given="Other", national_number=nrn)
    new = fresh_case(personas, "MEDLOC-SCAV", given="Other", national_number=nrn)
    link = FileLink.objects.get(new_case=new, existing_case=existing)
    assert login("lead.scapi").post(_url("link_accept", case_id=existing.pk, link_id=link.pk), {"legal_ground": "x"}).status_code == 404


# Legal hold, erasure --------------------------------------------------------------------------

def test_a_case_under_legal_hold_survives_retention_until_the_hold_is_lifted(login, personas, settings):
    case = fresh_case(personas, "SCAPI", given="Held")
    case_close(actor=personas["lead.scapi"], origin=SYSTEM, case=case, expected_version=None, closed_on=TODAY(), reason="goals_met")
    client = login("lead.scapi")
    assert client.post(_url("legal_hold", case_id=case.pk), {"reason": "Plainte en cours, réquisition du parquet."}).status_code == 302
    settings.CASEWORK_RETENTION_DAYS = 30
    later = TODAY() + datetime.timedelta(days=40)
    purge_expired_cases(today=later)
    assert Case.objects.filter(pk=case.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_hold_reason FROM casework_case WHERE reference = %s", [case.reference])
        assert "parquet" not in cursor.fetchone()[0]
    assert client.post(_url("legal_hold", case_id=case.pk), {"lift": "1"}).status_code == 302
    purge_expired_cases(today=later)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(action="legal_hold_set", target_ref=case.reference).exists()
    assert AuditEvent.objects.filter(action="legal_hold_lift", target_ref=case.reference).exists()


def test_a_worker_cannot_put_a_case_on_legal_hold(login):
    case = open_case_assigned_to("worker.scapi")
    assert login("worker.scapi").post(_url("legal_hold", case_id=case.pk), {"reason": "x"}).status_code == 404
    case.refresh_from_db()
    assert not case.legal_hold


def test_a_lead_erases_a_file_on_request_with_its_consents_referrals_and_history(login, personas, partner):
    case = fresh_case(personas, "RAD", given="Erase")
    lead = personas["lead.rad"]
    consent = services.consent_record(actor=lead, origin=SYSTEM, case=case, scope="share_partner", partner=partner,
                                      given_on=case.opened_on, manner="oral", note="note")
    referral = services.partner_referral_record(actor=lead, origin=SYSTEM, case=case, partner=partner, referred_on=TODAY(), reason="housing")
    response = login("lead.rad").post(_url("erase", case_id=case.pk), {
        "ground": "consent_withdrawn", "requested_on": TODAY().isoformat(), "confirm": "on"})
    assert response.status_code == 302
    assert not Case.objects.filter(pk=case.pk).exists() and not Case.history.filter(id=case.pk).exists()
    assert not Consent.history.filter(id=consent.pk).exists() and not PartnerReferral.history.filter(id=referral.pk).exists()
    event = AuditEvent.objects.get(action="case_erase", target_ref=case.reference)
    assert event.actor.username == "lead.rad" and "consent_withdrawn" in event.justification


def test_a_file_under_legal_hold_cannot_be_erased(login, personas):
    case = fresh_case(personas, "RAD", given="Kept")
    services.legal_hold_set(actor=personas["lead.rad"], origin=SYSTEM, case=case, reason="Enquête judiciaire.")
    response = login("lead.rad").post(_url("erase", case_id=case.pk), {
        "ground": "objection", "requested_on": TODAY().isoformat(), "confirm": "on"})
    assert response.status_code == 200
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_worker_cannot_erase_a_file(login):
    case = open_case_assigned_to("worker.rad")
    response = login("worker.rad").post(_url("erase", case_id=case.pk), {
        "ground": "objection", "requested_on": TODAY().isoformat(), "confirm": "on"})
    assert response.status_code == 404 and Case.objects.filter(pk=case.pk).exists()


# Subject access ---------------------------------------------------------------------------------

def test_subject_access_gathers_every_file_the_lead_may_see_with_labels_not_codes(login, personas, nrn, partner):
    first = fresh_case(personas, "MEDLOC-SCAV", given="Access", national_number=nrn)
    second = fresh_case(personas, "MEDLOC-SCAV", given="Access", national_number=nrn)
    elsewhere = fresh_case(personas, "RAD", given="Access", national_number=nrn, notes="Note RAD secrète.")
    lead = personas["lead.scav"]
    services.consent_record(actor=lead, origin=SYSTEM, case=first, scope="share_partner", partner=partner,
                            given_on=first.opened_on, manner="representative")
    services.partner_referral_record(actor=lead, origin=SYSTEM, case=first, partner=partner, referred_on=TODAY(), reason="mental_health")
    client = login("lead.scav")
    client.get(reverse("cases:detail", kwargs={"case_id": second.pk}))
    response = client.get(_url("subject_access", case_id=first.pk), {"language": "fr", "format": "json"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    text = response.content.decode()
    payload = json.loads(text)
    files = payload["Dossiers"]
    assert sorted(f["Dossier"].split(" ")[0] for f in files) == sorted([first.reference, second.reference])
    assert elsewhere.reference not in text and "Note RAD secrète" not in text
    assert "par un représentant" in text and "santé mentale" in text
    assert "mental_health" not in text and "share_partner" not in text and "representative" not in text
    assert "Isabelle Renard" in text  # who accessed the file
    assert AuditEvent.objects.filter(action="subject_access", target_ref=first.reference).exists()
    assert AuditEvent.objects.filter(action="subject_access", target_ref=second.reference).exists()


def test_the_subject_access_letter_is_printable_in_dutch(login, personas, nrn):
    case = fresh_case(personas, "SCAPI", given="Brief", national_number=nrn)
    html = login("lead.scapi").get(_url("subject_access", case_id=case.pk), {"language": "nl", "format": "letter"}).content.decode()
    assert "Inzageverzoek" in html and "Brief" in html and case.reference in html
    assert 'lang="nl"' in html


def test_only_leads_answer_subject_access_requests(login):
    case = open_case_assigned_to("worker.scapi")
    response = login("worker.scapi").get(_url("subject_access", case_id=case.pk), {"language": "fr", "format": "json"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="subject_access", target_ref=case.reference).exists()


# Bad input -------------------------------------------------------------------------------------

def test_the_same_consent_posted_twice_is_recorded_once(login):
    case = open_case_assigned_to("worker.scapi")
    client = login("worker.scapi")
    data = {"scope": "contact_home", "given_on": TODAY().isoformat(), "manner": "oral"}
    assert client.post(_url("consent_create", case_id=case.pk), data).status_code == 302
    assert client.post(_url("consent_create", case_id=case.pk), data).status_code == 200
    assert Consent.objects.filter(case=case, scope="contact_home").count() == 1


def test_the_same_referral_posted_twice_is_recorded_once(login, personas, partner):
    case = open_case_assigned_to("worker.scav")
    services.consent_record(actor=personas["lead.scav"], origin=SYSTEM, case=case, scope="share_partner", partner=partner,
                            given_on=case.opened_on, manner="written")
    client = login("worker.scav")
    data = {"partner": partner.pk, "referred_on": TODAY().isoformat(), "reason": "legal"}
    assert client.post(_url("referral_create", case_id=case.pk), data).status_code == 302
    assert client.post(_url("referral_create", case_id=case.pk), data).status_code == 200
    assert PartnerReferral.objects.filter(case=case, partner=partner, reason="legal").count() == 1


@pytest.mark.parametrize("field, value", [("referred_on", "2999-01-01"), ("referred_on", "not a date"), ("partner", "999999"), ("reason", "gossip")])
def test_bad_referral_input_is_a_translated_form_error_and_writes_nothing(login, partner, field, value):
    case = open_case_assigned_to("worker.scav")
    before = PartnerReferral.objects.count()
    data = {"partner": partner.pk, "referred_on": TODAY().isoformat(), "reason": "legal", field: value}
    response = login("worker.scav").post(_url("referral_create", case_id=case.pk), data, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert PartnerReferral.objects.count() == before


def test_accepting_twice_opens_one_case(login, pending_referral):
    client = login("lead.scav")
    assert _accept(client, pending_referral).status_code == 302
    cases = Case.objects.count()
    assert _accept(client, pending_referral).status_code == 200
    assert Case.objects.count() == cases


def test_reading_a_referrals_follow_up_is_audited(login):
    referral = PartnerReferral.objects.filter(case__team__code="SCAPI").select_related("case").first()
    login("lead.scapi").get(_url("referral_edit", case_id=referral.case.pk, referral_id=referral.pk))
    assert AuditEvent.objects.filter(action="case_view", target_ref=referral.case.reference, detail__part="referral").exists()
