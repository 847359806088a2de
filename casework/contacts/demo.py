"""Demo anonymous contacts and collective activities from 2023 to today (idempotent: a team that
has any is left alone). The plan's figures of the years are then recomputed, since the plan's
own seed ran before this app's."""

import datetime
import random

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from audit.services import SYSTEM
from casework.contacts.models import AnonymousContact, CollectiveActivity
from casework.contacts.services import activity_confirm, activity_record, contact_record
from casework.models import Team

FIRST_YEAR = 2023
C, A = AnonymousContact.Kind, CollectiveActivity.Kind

# team: (worker, lead, contacts per month, [(kind, weight)], [(topic, weight)], [(asker, weight)])
CONTACTS = {
    "SCAPI": ("worker.scapi", "lead.scapi", 4, [(C.LISTENING_SPACE, 6), (C.PHONE, 1), (C.ADVICE_FAMILY, 1)],
              [(AnonymousContact.Topic.DETENTION, 5), (AnonymousContact.Topic.REINTEGRATION, 3), (AnonymousContact.Topic.FAMILY, 1)],
              [(AnonymousContact.Asker.PERSON, 8), (AnonymousContact.Asker.FAMILY, 1)]),
    "MEDLOC-SCAV": ("worker.scav", "lead.scav", 6, [(C.DROP_IN, 6), (C.PHONE, 2), (C.ADVICE_PROFESSIONAL, 1)],
                    [(AnonymousContact.Topic.VICTIMISATION, 4), (AnonymousContact.Topic.DOMESTIC_VIOLENCE, 3),
                     (AnonymousContact.Topic.JUSTICE, 2), (AnonymousContact.Topic.SOCIAL, 1)],
                    [(AnonymousContact.Asker.PERSON, 8), (AnonymousContact.Asker.PROFESSIONAL, 1)]),
    "RAD": ("worker.rad", "lead.rad", 2, [(C.ADVICE_FAMILY, 3), (C.ADVICE_PROFESSIONAL, 3), (C.PHONE, 1)],
            [(AnonymousContact.Topic.RADICALISATION, 6), (AnonymousContact.Topic.FAMILY, 1)],
            [(AnonymousContact.Asker.FAMILY, 3), (AnonymousContact.Asker.PROFESSIONAL, 3), (AnonymousContact.Asker.PERSON, 1)]),
}

# team: [(kind, per year, title, partners, participants range)]
ACTIVITIES = {
    "RAD": [
        (A.AWARENESS, 2, "Sensibilisation des enseignants / sensibilisering leerkrachten", "Écoles secondaires de Molenbeek", (12, 30)),
        (A.TRAINING, 1, "Formation des travailleurs de rue / opleiding straathoekwerkers", "Service jeunesse", (8, 20)),
        (A.COURSE_FOLLOWED, 4, "Journée d'étude radicalisation / studiedag radicalisering", "CAPREV, Réseau de prise en charge", (0, 0)),
        (A.AUTHORITIES_WORKGROUP, 4, "Groupe de travail SPF Intérieur / werkgroep FOD Binnenlandse Zaken", "SPF Intérieur", (0, 0)),
        (A.CSIL, 4, "CSIL-R de la zone / LIVC-R van de zone", "Zone de police Bruxelles-Ouest", (0, 0)),
        (A.POLICE_CELL, 4, "Concertation cellule radicalisme / overleg cel radicalisering", "Zone de police Bruxelles-Ouest", (0, 0)),
        (A.COLLECTIVE_PROJECT, 10, "Projet collectif de résilience / collectief weerbaarheidsproject", "Maisons de quartier", (6, 25)),
    ],
    "MEDLOC-SCAV": [
        (A.GROUP_SESSION, 6, "Groupe de parole victimes / praatgroep slachtoffers", "", (4, 9)),
        (A.NETWORK_MEETING, 4, "Réseau violences intrafamiliales / netwerk intrafamiliaal geweld", "CPAS, Maison de justice", (0, 0)),
        (A.COLLECTIVE_PROJECT, 2, "Marche exploratoire / verkenningswandeling", "Gardiens de la paix", (10, 25)),
    ],
    "SCAPI": [
        (A.GROUP_SESSION, 6, "Groupe de parole en prison / praatgroep in de gevangenis", "Prison de Haren", (5, 10)),
        (A.NETWORK_MEETING, 3, "Concertation réinsertion / overleg re-integratie", "Actiris, Maison de justice", (0, 0)),
    ],
}


def _weighted(rng, pairs):
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def _months(today):
    month = datetime.date(FIRST_YEAR, 1, 1)
    while month <= today:
        yield month
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _day(rng, month, today):
    last = ((month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)).day
    return min(month.replace(day=rng.randint(1, last)), today)


def seed_contacts_demo(*, stdout, users):
    today = timezone.localdate()
    teams = {team.code: team for team in Team.objects.filter(code__in=set(CONTACTS) | set(ACTIVITIES))}
    created = 0
    with transaction.atomic():
        for code, (worker, lead, per_month, kinds, topics, askers) in CONTACTS.items():
            if code not in teams or AnonymousContact.objects.filter(team=teams[code]).exists():
                continue
            rng = random.Random(f"contacts-demo-{code}")
            for month in _months(today):
                for _n in range(rng.randint(max(0, per_month - 2), per_month + 2)):
                    contact_record(actor=users[worker], origin=SYSTEM, team=teams[code], date=_day(rng, month, today),
                                   kind=_weighted(rng, kinds), asker=_weighted(rng, askers), topic=_weighted(rng, topics),
                                   duration_minutes=rng.choice([10, 15, 20, 30, 45, 60]),
                                   note="Orientation donnée / doorverwezen (démo)" if rng.random() < 0.3 else "")
                    created += 1
        for code, rows in ACTIVITIES.items():
            if code not in teams or CollectiveActivity.objects.filter(team=teams[code]).exists():
                continue
            worker, lead = users[CONTACTS[code][0]], users[CONTACTS[code][1]]
            rng = random.Random(f"activities-demo-{code}")
            for year in range(FIRST_YEAR, today.year + 1):
                months = [m for m in _months(today) if m.year == year]
                for kind, per_year, title, partners, (low, high) in rows:
                    count = max(1, round(per_year * rng.uniform(0.7, 1.4) * len(months) / 12)) if months else 0
                    for month in sorted(rng.choices(months, k=count), key=lambda m: m):
                        activity = activity_record(actor=worker, origin=SYSTEM, team=teams[code], date=_day(rng, month, today),
                                                   kind=kind, title=title, partners=partners,
                                                   participants=rng.randint(low, high), workers=[worker])
                        # The last weeks' entries still wait for the lead, as they would.
                        if (today - activity.date).days > 21:
                            activity_confirm(actor=lead, origin=SYSTEM, activity=activity)
                        created += 1
    stdout.write(f"Contacts and activities: {created} demo rows.\n")
    if created:
        for year in range(FIRST_YEAR, today.year + 1):
            try:
                call_command("compute_indicators", year=year, stdout=stdout)
            except Exception as exc:  # noqa: BLE001 - a year without a plan is not the seed's failure
                stdout.write(f"Indicators of {year} not recomputed: {exc}\n")
