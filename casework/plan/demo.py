"""Demo data of the coordination side, called by ``seed_demo`` after the cases and sessions.

``seed_plan_demo`` is idempotent like the rest of the seed: it loads the 2023 plan if it is not
there, copies it into every later year up to the current one, enters deterministic activity
records and attestations for a year that has none, and computes a year's figures if they
were never computed. Running it twice changes nothing.
"""

import calendar
import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from audit.services import SYSTEM
from casework.plan.models import ActivityRecord, Attestation, ComputationRun, Indicator, PlanYear
from casework.plan.services import activity_record_create, attestation_record, indicators_compute, plan_load, plan_year_copy

FIRST_PLAN = Path(__file__).resolve().parent / "fixtures" / "plan-2023.json"
FIRST_YEAR = 2023

DESCRIPTIONS = {
    Indicator.Unit.HOURS: "Relevé mensuel des heures de présence / maandoverzicht aanwezigheidsuren (démo)",
    Indicator.Unit.PEOPLE: "Personnes formées lors de la séance / opgeleide personen (démo)",
    Indicator.Unit.NUMBER: "Activité du mois / activiteit van de maand (démo)",
}


def seed_plan_demo(stdout):
    today = timezone.localdate()
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    if not PlanYear.objects.filter(year=FIRST_YEAR).exists():
        plan_load(data=json.loads(FIRST_PLAN.read_text(encoding="utf-8")), actor=coordinator)
        stdout.write(f"Plan {FIRST_YEAR} loaded from {FIRST_PLAN.name}.\n")
    for year in range(FIRST_YEAR + 1, today.year + 1):
        if not PlanYear.objects.filter(year=year).exists():
            source = PlanYear.objects.filter(year__lt=year).order_by("-year").first()
            plan_year_copy(actor=coordinator, source_year=source.year, target_year=year)
            stdout.write(f"Plan {source.year} copied into {year}.\n")
    for plan_year in PlanYear.objects.filter(year__gte=FIRST_YEAR, year__lte=today.year).order_by("year"):
        indicators = Indicator.objects.for_year(plan_year.year)
        if not (ActivityRecord.objects.filter(indicator__in=indicators).exists()
                or Attestation.objects.filter(indicator__in=indicators).exists()):
            with transaction.atomic():  # one commit for the year's entries, not one per record
                created = _seed_year_entries(plan_year, coordinator, today)
            stdout.write(f"Plan {plan_year.year}: {created} demo activity records and attestations.\n")
        if not ComputationRun.objects.filter(plan_year=plan_year, failed=False, finished_at__isnull=False).exists():
            indicators_compute(year=plan_year.year, trigger=ComputationRun.Trigger.COMMAND)
    stdout.write("Plan demo ready.\n")


def _seed_year_entries(plan_year, actor, today):
    last_day = min(today, plan_year.last_day)
    created = 0
    indicators = Indicator.objects.for_year(plan_year.year).with_tree().order_by("pk")
    for position, indicator in enumerate(indicators):
        rng = random.Random(f"plan-demo-{plan_year.year}-{position}")
        if indicator.source == Indicator.Source.ACTIVITY:
            for date, quantity in _activity_entries(rng, indicator, plan_year, last_day):
                activity_record_create(actor=actor, origin=SYSTEM, indicator=indicator, date=date, quantity=quantity,
                                       description=DESCRIPTIONS[indicator.unit])
                created += 1
        elif indicator.source == Indicator.Source.ATTESTATION and rng.random() < (0.9 if last_day == plan_year.last_day else 0.6):
            date = min(last_day, plan_year.first_day + datetime.timedelta(days=rng.randint(30, 200)))
            attestation_record(actor=actor, origin=SYSTEM, indicator=indicator, date=date, answer=rng.random() < 0.85,
                               evidence=f"Rapport d'activités / activiteitenverslag {plan_year.year} (démo)")
            created += 1
    return created


def _activity_entries(rng, indicator, plan_year, last_day):
    """(date, quantity) pairs for the months that have begun: around the target, sometimes
    above and sometimes below, so that the demo shows every status."""
    months = range(1, last_day.month + 1) if last_day.year == plan_year.year else range(1, 13)
    months = [m for m in months if datetime.date(plan_year.year, m, 1) <= last_day]
    if indicator.target_period == Indicator.Period.DAY:
        for month in months:
            days = calendar.monthrange(plan_year.year, month)[1]
            day = min(days, 28) if datetime.date(plan_year.year, month, min(days, 28)) <= last_day else last_day.day
            yield datetime.date(plan_year.year, month, day), Decimal(round(days * rng.uniform(2.4, 3.6) * 2) / 2)
        return
    effort = rng.uniform(0.55, 1.35)
    yearly = max(1, round(float(indicator.target_value) * effort))
    if len(months) < 12:
        yearly = max(1, round(yearly * len(months) / 12))
    chosen = sorted(rng.sample(months, k=min(len(months), yearly)))
    base, extra = divmod(yearly, len(chosen))
    for index, month in enumerate(chosen):
        day = rng.randint(1, calendar.monthrange(plan_year.year, month)[1])
        date = min(datetime.date(plan_year.year, month, day), last_day)
        yield date, Decimal(base + (1 if index < extra else 0))
