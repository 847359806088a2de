"""Indicators of source 'records': an app's counter (the indicator_counters hook) feeds the
plan's computation without the plan importing the app."""

import datetime

import pytest
from django.apps import apps

from casework.plan.counters import Counter
from casework.plan.models import Indicator, IndicatorValue
from casework.plan.services import PlanError, indicators_compute, plan_load
from tests.plan.conftest import CONTROLLED_YEAR, controlled_plan, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts_counter(monkeypatch):
    """The contacts app offers one counter, as a capability app does through its AppConfig."""
    calls = []

    def count(first_day, last_day):
        calls.append((first_day, last_day))
        return {1: 3, 2: 4, None: 7}

    config = apps.get_app_config("contacts")
    monkeypatch.setattr(config, "indicator_counters", lambda: {"contacts.test": Counter("test", count)}, raising=False)
    return calls


def plan_with_counter(counter):
    data = controlled_plan()
    indicators = data["sectors"][0]["general_objectives"][0]["strategic_objectives"][0]["operational_objectives"][0]["expected_results"][0]["indicators"]
    indicators.append({"name": names("Drop-in contacts"), "kind": "count", "source": "records", "counter": counter,
                       "target": {"comparator": ">=", "value": 5, "per": "year", "unit": "number"}})
    return data


def test_a_records_indicator_takes_its_figures_from_the_app_counter(contacts_counter):
    plan_load(data=plan_with_counter("contacts.test"))
    indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR, 12, 31))
    indicator = Indicator.objects.for_year(CONTROLLED_YEAR).get(source=Indicator.Source.RECORDS)
    values = dict(IndicatorValue.objects.filter(indicator=indicator).values_list("month", "value"))
    assert values[None] == 7 and values[1] == 3 and values[2] == 4 and values[3] == 0
    assert contacts_counter == [(datetime.date(CONTROLLED_YEAR, 1, 1), datetime.date(CONTROLLED_YEAR, 12, 31))]


def test_a_plan_naming_an_unknown_counter_is_refused(contacts_counter):
    with pytest.raises(PlanError, match="unknown counter"):
        plan_load(data=plan_with_counter("contacts.nonexistent"))
