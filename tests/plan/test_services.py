"""indicators_compute against counts made independently, in Python, over the Session rows."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import SYSTEM
from casework.models import Session, SessionKind
from casework.plan.models import ComputationRun, Indicator, IndicatorValue, PlanYear
from casework.plan.services import activity_record_create, indicators_compute
from casework.services.cases import session_record, session_update
from tests.plan.conftest import CONTROLLED_YEAR, load_controlled_plan, open_rad_case, record_sessions

pytestmark = pytest.mark.django_db

MAPPED = {
    # indicator's Dutch label in the 2023 plan → (team, session kind, rule)
    "Aantal uitgevoerde begeleidingen": ("SCAPI", "psychosocial_support", "sessions"),
    "Aantal follow-ups gericht op professionele reïntegratie": ("SCAPI", "reintegration_followup", "distinct_cases"),
    "Aantal uitgevoerde sociale follow-ups": ("MEDLOC-SCAV", "social_followup", "sessions"),
    "Aantal uitgevoerde psychologische follow-ups": ("MEDLOC-SCAV", "psychological_followup", "sessions"),
    "Aantal individuele raadplegingen": ("RAD", "individual_consultation", "sessions"),
}


def expected_counts(team, kind, rule, year):
    """Year and month counts computed row by row in Python: deliberately not the service's way."""
    rows = [(s.held_on, s.case_id) for s in Session.objects.filter(kind__team__code=team, kind__code=kind)
            if s.held_on.year == year]
    if rule == "sessions":
        months = Counter(held_on.month for held_on, _ in rows)
        return len(rows), dict(months)
    cases_by_month = defaultdict(set)
    for held_on, case_id in rows:
        cases_by_month[held_on.month].add(case_id)
    return len({case_id for _, case_id in rows}), {m: len(c) for m, c in cases_by_month.items()}


def stored(indicator):
    values = {v.month: v.value for v in IndicatorValue.objects.filter(indicator=indicator)}
    return values.pop(None), {m: int(v) for m, v in values.items() if v}


@pytest.mark.parametrize("year", [2023, 2024, 2025, timezone.localdate().year])
def test_computed_values_equal_the_seeded_sessions_per_year_and_month_for_each_rule(year):
    indicators_compute(year=year)
    rules_seen = set()
    for label, (team, kind, rule) in MAPPED.items():
        indicator = Indicator.objects.for_year(year).get(name_nl=label)
        assert indicator.rule == rule
        assert list(indicator.session_kinds.values_list("team__code", "code")) == [(team, kind)]
        year_total, months = expected_counts(team, kind, rule, year)
        assert stored(indicator) == (year_total, months), label
        rules_seen.add(rule)
    assert rules_seen == {"sessions", "distinct_cases"}
    assert sum(expected_counts(*MAPPED["Aantal uitgevoerde begeleidingen"], year)[1].values()) > 0, "the demo has sessions to count"


def test_a_distinct_cases_year_total_counts_a_person_seen_in_several_months_once(personas):
    load_controlled_plan()
    case = open_rad_case(personas, datetime.date(CONTROLLED_YEAR, 1, 1))
    other = open_rad_case(personas, datetime.date(CONTROLLED_YEAR, 1, 1))
    record_sessions(personas, case, {1: 3, 2: 1, 5: 2})
    record_sessions(personas, other, {2: 2})
    indicators_compute(year=CONTROLLED_YEAR)
    sessions = Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="Consultations held")
    people = Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="People consulted")
    assert stored(sessions) == (8, {1: 3, 2: 3, 5: 2})
    assert stored(people) == (2, {1: 1, 2: 2, 5: 1})


def test_recording_editing_and_deleting_a_session_change_the_counts_at_the_next_computation(personas):
    year = timezone.localdate().year
    indicator = Indicator.objects.for_year(year).get(name_nl="Aantal individuele raadplegingen")
    indicators_compute(year=year)
    before, months_before = stored(indicator)
    case = open_rad_case(personas, timezone.localdate())
    kind = SessionKind.objects.get(team__code="RAD", code="individual_consultation")
    session = session_record(actor=personas["worker.rad"], origin=SYSTEM, case=case, kind=kind,
                             held_on=timezone.localdate(), duration_minutes=30)
    assert stored(indicator)[0] == before, "nothing changes before the next computation"
    indicators_compute(year=year)
    after, months_after = stored(indicator)
    month = timezone.localdate().month
    assert after == before + 1
    assert months_after.get(month, 0) == months_before.get(month, 0) + 1

    other_kind = SessionKind.objects.get(team__code="RAD", code="family_support")
    session_update(actor=personas["worker.rad"], origin=SYSTEM, session=session, expected_version=session.version,
                   kind=other_kind, held_on=session.held_on, duration_minutes=30, notes="")
    indicators_compute(year=year)
    assert stored(indicator) == (before, months_before)

    session_update(actor=personas["worker.rad"], origin=SYSTEM, session=Session.objects.get(pk=session.pk),
                   expected_version=2, kind=kind, held_on=session.held_on, duration_minutes=30, notes="")
    indicators_compute(year=year)
    assert stored(indicator)[0] == before + 1
    Session.objects.filter(pk=session.pk).delete()
    indicators_compute(year=year)
    assert stored(indicator) == (before, months_before)


def test_computing_twice_gives_the_same_rows_and_records_each_run():
    first = indicators_compute(year=2024)
    rows_first = sorted(IndicatorValue.objects.filter(indicator__in=Indicator.objects.for_year(2024)).values_list("indicator_id", "month", "value"), key=str)
    second = indicators_compute(year=2024)
    rows_second = sorted(IndicatorValue.objects.filter(indicator__in=Indicator.objects.for_year(2024)).values_list("indicator_id", "month", "value"), key=str)
    assert rows_first == rows_second
    counted = Indicator.objects.for_year(2024).counted().count()
    assert len(rows_second) == counted * 13  # the year and its twelve months
    assert first.values_written == second.values_written == len(rows_second)
    assert second.finished_at >= second.started_at and not second.failed
    assert ComputationRun.objects.filter(plan_year__year=2024, pk__in=[first.pk, second.pk]).count() == 2
    event = AuditEvent.objects.filter(action=Action.INDICATORS_COMPUTE, target_id="2024").order_by("-seq").first()
    assert event.detail["values"] == len(rows_second)


def test_the_current_year_stores_only_the_months_that_have_begun():
    today = timezone.localdate()
    indicators_compute(year=today.year)
    indicator = Indicator.objects.for_year(today.year).counted().first()
    months = set(IndicatorValue.objects.filter(indicator=indicator, month__isnull=False).values_list("month", flat=True))
    assert months == set(range(1, today.month + 1))


def test_a_future_plan_year_computes_zero_and_no_month():
    from casework.plan.services import plan_year_copy

    future = timezone.localdate().year + 3
    plan_year_copy(actor=None, source_year=2023, target_year=future)
    run = indicators_compute(year=future)
    assert IndicatorValue.objects.filter(indicator__in=Indicator.objects.for_year(future), month__isnull=False).count() == 0
    assert set(IndicatorValue.objects.filter(indicator__in=Indicator.objects.for_year(future)).values_list("value", flat=True)) == {Decimal(0)}
    assert run.values_written == Indicator.objects.for_year(future).counted().count()


def test_activity_indicators_sum_the_quantities_of_their_records_per_month(personas):
    load_controlled_plan()
    indicator = Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="Trainings given")
    for day, quantity in [(datetime.date(CONTROLLED_YEAR, 3, 2), "1"), (datetime.date(CONTROLLED_YEAR, 3, 20), "2"),
                          (datetime.date(CONTROLLED_YEAR, 11, 5), "4")]:
        activity_record_create(actor=personas["coordinator"], origin=SYSTEM, indicator=indicator, date=day, quantity=Decimal(quantity))
    indicators_compute(year=CONTROLLED_YEAR)
    values = {v.month: v.value for v in IndicatorValue.objects.filter(indicator=indicator)}
    # (Trainings are counted in whole numbers; only hours take a decimal: test_entry.py.)
    assert values[None] == Decimal("7") and values[3] == Decimal("3") and values[11] == Decimal("4") and values[6] == 0


def test_the_computation_reads_sessions_with_a_few_aggregate_queries_not_row_by_row():
    with CaptureQueriesContext(connection) as queries:
        indicators_compute(year=2025)
    session_queries = [q["sql"] for q in queries.captured_queries if '"casework_session"' in q["sql"]]
    assert session_queries and all("GROUP BY" in sql or "COUNT(DISTINCT" in sql for sql in session_queries)
    # One scan for the sessions rule, two per distinct-cases indicator: independent of the rows.
    distinct = Indicator.objects.for_year(2025).filter(rule="distinct_cases").count()
    assert len(session_queries) == 1 + 2 * distinct
    assert not any("casework_session" in q["sql"] and "notes" in q["sql"] for q in queries.captured_queries)


def test_an_unknown_year_raises_does_not_exist():
    with pytest.raises(PlanYear.DoesNotExist):
        indicators_compute(year=1999)
