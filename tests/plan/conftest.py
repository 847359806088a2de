"""Helpers that build a small, fully controlled plan year with its own sessions, on top of the
seeded demo (whose seed_demo already ran seed_plan_demo; calling it again is harmless)."""

import datetime
import os

import pytest

from audit.services import SYSTEM
from casework.models import SessionKind, Team
from casework.plan.demo import seed_plan_demo
from casework.plan.services import plan_load
from casework.services.cases import case_open, session_record

# A year before the demo's first year: no seeded session falls in it.
CONTROLLED_YEAR = 2022


@pytest.fixture(scope="session", autouse=True)
def plan_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_plan_demo(open(os.devnull, "w"))


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """The year page keeps its rendered figures in the cache; ids restart between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def names(text):
    return {"fr": f"{text} (fr)", "nl": f"{text} (nl)", "en": text}


def controlled_plan(year=CONTROLLED_YEAR):
    """One strategic objective of RAD with a sessions-rule, a distinct-cases-rule, an activity
    and a yes/no indicator."""
    def count(name, source, value, **extra):
        return {"name": names(name), "kind": "count", "source": source,
                "target": {"comparator": ">=", "value": value, "per": "year", "unit": "number"}, **extra}

    return {
        "format": "casework.plan/1", "year": year, "title": names(f"Test plan {year}"),
        "sectors": [{"number": 1, "name": names("Sector"), "general_objectives": [{
            "number": 1, "name": names("General"), "strategic_objectives": [{
                "number": 1, "domain": names("Domain"), "unit": "POLE RADICALISME", "team": "RAD",
                "operational_objectives": [{"number": 1, "name": names("Operational"), "expected_results": [{
                    "name": names("Result"), "indicators": [
                        count("Consultations held", "casework", 20, session_kinds=["RAD/individual_consultation"], rule="sessions"),
                        count("People consulted", "casework", 4, session_kinds=["RAD/individual_consultation"], rule="distinct_cases"),
                        count("Trainings given", "activity", 2),
                        {"name": names("Network exists"), "kind": "yes_no", "source": "attestation"},
                    ]}]}]}]}]}],
    }


def load_controlled_plan(year=CONTROLLED_YEAR):
    return plan_load(data=controlled_plan(year))


def open_rad_case(personas, opened_on):
    return case_open(
        actor=personas["lead.rad"], origin=SYSTEM, team=Team.objects.get(code="RAD"), opened_on=opened_on,
        identity={"given_names": "Zoltan", "family_name": "Controlled-Testperson"},
        details={"requester": "family", "concern": "other", "discussed_in_csilr": False, "csilr_date": None},
        workers=[personas["worker.rad"]],
    )


def record_sessions(personas, case, per_month, *, year=CONTROLLED_YEAR, kind_code="individual_consultation"):
    """``per_month``: {month: number of sessions}, recorded through the casework service."""
    kind = SessionKind.objects.get(team__code="RAD", code=kind_code)
    for month, count in per_month.items():
        for n in range(count):
            session_record(actor=personas["worker.rad"], origin=SYSTEM, case=case, kind=kind,
                           held_on=datetime.date(year, month, 1 + n % 28), duration_minutes=45)
