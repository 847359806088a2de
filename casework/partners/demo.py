"""Demo rows of the partners app (the ``seed_demo`` hook): the partner directory, consents and
referrals on open cases, referrals between teams (waiting, accepted, declined), and one person
followed by two teams. Idempotent: nothing is added once the directory exists."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from audit.services import SYSTEM
from casework.extensions import team_app
from casework.models import Case, SessionKind, Team
from casework.national_number import make_national_number
from casework.services.cases import case_assign, case_open, case_update, session_record
from casework.partners import services
from casework.partners.models import Consent, Partner, PartnerReferral, Reason, TeamReferral

PARTNERS = [
    ("CPAS de Molenbeek-Saint-Jean / OCMW Sint-Jans-Molenbeek", Partner.Kind.CPAS, "Rue Alphonse Vandenpeereboom 14, 02 412 53 11", "fr-nl"),
    ("Maison de justice de Bruxelles", Partner.Kind.JUSTICE_HOUSE, "Rue de la Croix de Fer 67, 1000 Bruxelles", "fr"),
    ("Justitiehuis Brussel", Partner.Kind.JUSTICE_HOUSE, "Ijzerenkruisstraat 67, 1000 Brussel", "nl"),
    ("Prison de Haren / Gevangenis van Haren", Partner.Kind.PRISON, "Service psychosocial, 02 730 11 11", "fr-nl"),
    ("Zone de police Bruxelles-Ouest / Politiezone Brussel-West", Partner.Kind.POLICE, "Service d'aide aux victimes, 02 412 12 12", "fr-nl"),
    ("CHU Saint-Pierre – CPVS", Partner.Kind.HOSPITAL, "Centre de prise en charge des violences sexuelles, 02 535 45 42", "fr-nl"),
    ("Maison d'accueil La Source", Partner.Kind.SHELTER, "Accueil de jour, 02 511 00 00", "fr"),
    ("Actiris Molenbeek", Partner.Kind.EMPLOYMENT, "Antenne locale, 02 800 42 42", "fr-nl"),
    ("Athénée royal Serge Creuz", Partner.Kind.SCHOOL, "Direction, 02 410 00 00", "fr"),
]

# People of the between-teams scenarios: their own files, so the scenarios exist at any --scale.
SCENARIO = [
    # (key, team, given names, family name, born)
    ("two_teams", "SCAPI", "Youssef", "Benhaddou", datetime.date(1987, 3, 14)),
    ("pending", "SCAPI", "Sanne", "Verhoeven", datetime.date(1992, 9, 2)),
    ("declined", "MEDLOC-SCAV", "Elif", "Karaca", datetime.date(1979, 11, 23)),
]


def seed_partners_demo(*, stdout, users):
    if Partner.objects.exists():
        return
    today = timezone.localdate()
    rng = random.Random("casework-demo-partners")
    leads = {code: users[f"lead.{prefix}"] for code, prefix in (("SCAPI", "scapi"), ("MEDLOC-SCAV", "scav"), ("RAD", "rad"))}
    teams = {team.code: team for team in Team.objects.all()}
    with transaction.atomic():
        partners = [services.partner_save(actor=users["coordinator"], origin=SYSTEM,
                                          values={"name": name, "kind": kind, "contact": contact, "language": language, "active": True})
                    for name, kind, contact, language in PARTNERS]
        start_of_year = datetime.date(today.year, 1, 1)
        for code, lead in leads.items():
            for case in Case.objects.open().filter(team=teams[code]).order_by("opened_on", "reference")[:6]:
                _consents_and_referrals(rng, case, lead, partners, today, start_of_year)
        scenario = {}
        for key, code, given, family, born in SCENARIO:
            opened_on = max(start_of_year, today - datetime.timedelta(days=40))
            nrn = make_national_number(born.strftime("%y%m%d"), rng.randint(1, 998))
            scenario[key] = case_open(
                actor=leads[code], origin=SYSTEM, team=teams[code], opened_on=opened_on,
                identity={"given_names": given, "family_name": family, "date_of_birth": born, "national_number": nrn,
                          "phone": f"+32 478 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                          "notes": "Note de démonstration: orientation envisagée vers une autre équipe."},
                details=team_app(code).team_demo_details(rng=rng, opened_on=opened_on, today=today, n=900 + len(scenario)),
            )
            services.consent_record(actor=leads[code], origin=SYSTEM, case=scenario[key], scope=Consent.Scope.PROCESSING,
                                    given_on=opened_on, manner=Consent.Manner.WRITTEN)
        # One person followed by two teams: SCAPI refers, MEDLOC-SCAV accepts.
        two_teams = scenario["two_teams"]
        _share(two_teams, teams["MEDLOC-SCAV"], leads["SCAPI"])
        services.consent_record(actor=leads["SCAPI"], origin=SYSTEM, case=two_teams, scope=Consent.Scope.CONTACT_PHONE,
                                given_on=two_teams.opened_on, manner=Consent.Manner.ORAL)
        accepted = services.team_referral_request(actor=leads["SCAPI"], origin=SYSTEM, case=two_teams, to_team=teams["MEDLOC-SCAV"],
                                                  kind=TeamReferral.Kind.REFERRAL, reason=Reason.VICTIM_SUPPORT)
        followed = services.team_referral_accept(actor=leads["MEDLOC-SCAV"], origin=SYSTEM, referral=accepted, opened_on=today,
                                                 details={"offence": "assault", "referral_source": "association"})
        # The receiving team writes its own note and follows the person up; nothing came with the referral.
        followed = case_update(actor=leads["MEDLOC-SCAV"], origin=SYSTEM, case=followed, expected_version=followed.version,
                               identity={"notes": "Orienté par le SCAPI; agression subie en détention (note démo)."}, details={})
        case_assign(actor=leads["MEDLOC-SCAV"], origin=SYSTEM, case=followed, worker=users["worker2.scav"])
        session_record(actor=users["worker2.scav"], origin=SYSTEM, case=followed,
                       kind=SessionKind.objects.get(team=teams["MEDLOC-SCAV"], code="social_followup"), held_on=today,
                       duration_minutes=60, notes="Premier entretien après l'orientation du SCAPI (séance démo).")
        # Waiting for MEDLOC-SCAV's lead (the browser test accepts it).
        pending = scenario["pending"]
        _share(pending, teams["MEDLOC-SCAV"], leads["SCAPI"])
        services.team_referral_request(actor=leads["SCAPI"], origin=SYSTEM, case=pending, to_team=teams["MEDLOC-SCAV"],
                                       kind=TeamReferral.Kind.REFERRAL, reason=Reason.FAMILY)
        # Declined by RAD: nothing copied.
        declined = scenario["declined"]
        case_assign(actor=leads["MEDLOC-SCAV"], origin=SYSTEM, case=declined, worker=users["worker2.scav"])
        _share(declined, teams["RAD"], leads["MEDLOC-SCAV"])
        refused = services.team_referral_request(actor=leads["MEDLOC-SCAV"], origin=SYSTEM, case=declined, to_team=teams["RAD"],
                                                 kind=TeamReferral.Kind.REFERRAL, reason=Reason.SAFETY)
        services.team_referral_decline(actor=leads["RAD"], origin=SYSTEM, referral=refused,
                                       reason="Pas de signe de radicalisation; orientation vers le CPAS conseillée.")
    stdout.write(f"Partners demo: {len(partners)} partners, {PartnerReferral.objects.count()} referrals, "
                 f"{TeamReferral.objects.count()} referrals between teams.")


def _share(case, team, lead):
    services.consent_record(actor=lead, origin=SYSTEM, case=case, scope=Consent.Scope.SHARE_TEAM, team=team,
                            given_on=case.opened_on, manner=Consent.Manner.WRITTEN)


def _consents_and_referrals(rng, case, lead, partners, today, start_of_year):
    given_on = case.opened_on
    services.consent_record(actor=lead, origin=SYSTEM, case=case, scope=Consent.Scope.PROCESSING, given_on=given_on,
                            manner=rng.choice([Consent.Manner.WRITTEN, Consent.Manner.ORAL]))
    services.consent_record(actor=lead, origin=SYSTEM, case=case, scope=Consent.Scope.CONTACT_PHONE, given_on=given_on,
                            manner=Consent.Manner.ORAL)
    partner = rng.choice(partners)
    services.consent_record(actor=lead, origin=SYSTEM, case=case, scope=Consent.Scope.SHARE_PARTNER, partner=partner,
                            given_on=given_on, manner=Consent.Manner.WRITTEN, note="Accord signé lors du premier entretien.")
    first = max(given_on, start_of_year)
    referred_on = first + datetime.timedelta(days=rng.randint(0, max(0, (today - first).days)))
    referral = services.partner_referral_record(
        actor=lead, origin=SYSTEM, case=case, partner=partner, referred_on=referred_on,
        reason=rng.choice([r.value for r in Reason]), follow_up="Rendez-vous pris; à rappeler dans deux semaines.")
    if rng.random() < 0.5:
        services.partner_referral_update(actor=lead, origin=SYSTEM, referral=referral, expected_version=referral.version,
                                         outcome=PartnerReferral.Outcome.TAKEN_UP,
                                         follow_up="Pris en charge par le partenaire.")
