"""Reads of the coordination side. None of them touches a case or session table: the figures
come from ``IndicatorValue`` (counts written by ``services.indicators_compute``)."""

import dataclasses
from collections import defaultdict

from django.db.models import Count, Max, Q

from casework.plan.models import (
    ActivityRecord,
    Attestation,
    ComputationRun,
    ExpectedResult,
    GeneralObjective,
    Indicator,
    IndicatorValue,
    MonthRelease,
    OperationalObjective,
    PlanYear,
    Sector,
    StrategicObjective,
)


@dataclasses.dataclass
class Node:
    """A plan item and its children, in the plan's order."""

    obj: object
    children: list = dataclasses.field(default_factory=list)


def plan_years():
    """Every plan year, newest first, with the time its figures were last computed."""
    return PlanYear.objects.annotate(
        last_computed=Max("runs__finished_at", filter=Q(runs__failed=False)),
        indicator_count=Count("sectors__general_objectives__strategic_objectives__operational_objectives__expected_results__indicators", distinct=True),
    ).order_by("-year")


def plan_year_get(year):
    return PlanYear.objects.filter(year=year).first()


def last_run(plan_year):
    return ComputationRun.objects.filter(plan_year=plan_year, finished_at__isnull=False, failed=False).order_by("-finished_at").first()


PLAN_VERSION_KEY = "plan-version:{year}"


def figures_fingerprint(plan_year):
    """What the year's figures are built from besides the last computation, in one query: the
    last release and the last attestation of the year, and the version of the plan's texts
    (bumped by the services that change them)."""
    from django.core.cache import cache
    from django.db.models import OuterRef, Subquery

    indicators = Indicator.objects.for_year(plan_year.year)
    row = (PlanYear.objects.filter(pk=plan_year.pk).annotate(
        release=Subquery(MonthRelease.objects.filter(indicator__in=indicators).order_by("-pk").values("pk")[:1]),
        attestation=Subquery(Attestation.objects.filter(indicator__in=indicators).order_by("-pk").values("pk")[:1]),
    ).values_list("release", "attestation").first()) or (None, None)
    return (*row, cache.get(PLAN_VERSION_KEY.format(year=plan_year.year), 0))


def last_run_started_after(plan_year, moment):
    """The most recent computation of the year that started at or after ``moment`` and has
    ended (finished or failed), or None while none has."""
    return (ComputationRun.objects.filter(plan_year=plan_year, started_at__gte=moment, finished_at__isnull=False)
            .order_by("-finished_at").first())


def plan_tree(plan_year) -> list[Node]:
    """The whole plan of a year as nested nodes: six small queries, whatever its size."""
    sectors = list(Sector.objects.filter(plan_year=plan_year).order_by("position"))
    generals = GeneralObjective.objects.filter(sector__plan_year=plan_year).order_by("position")
    strategics = StrategicObjective.objects.filter(general_objective__sector__plan_year=plan_year).select_related("team").order_by("position")
    operationals = OperationalObjective.objects.filter(strategic_objective__general_objective__sector__plan_year=plan_year).order_by("position")
    results = ExpectedResult.objects.filter(
        operational_objective__strategic_objective__general_objective__sector__plan_year=plan_year).order_by("position")
    indicators = Indicator.objects.for_year(plan_year.year).prefetch_related("session_kinds").order_by("position")

    def group(rows, parent_attr):
        grouped = defaultdict(list)
        for row in rows:
            grouped[getattr(row, parent_attr)].append(row)
        return grouped

    by_general = group(generals, "sector_id")
    by_strategic = group(strategics, "general_objective_id")
    by_operational = group(operationals, "strategic_objective_id")
    by_result = group(results, "operational_objective_id")
    by_indicator = group(indicators, "expected_result_id")
    return [
        Node(s, [
            Node(g, [
                Node(st, [
                    Node(o, [Node(r, [Node(i) for i in by_indicator[r.pk]]) for r in by_result[o.pk]])
                    for o in by_operational[st.pk]
                ]) for st in by_strategic[g.pk]
            ]) for g in by_general[s.pk]
        ]) for s in sectors
    ]


def stored_values(plan_year) -> dict[int, dict]:
    """{indicator id: {None: year total, month: value}} as last computed."""
    values = defaultdict(dict)
    rows = IndicatorValue.objects.filter(indicator__in=Indicator.objects.for_year(plan_year.year)).values_list("indicator_id", "month", "value")
    for indicator_id, month, value in rows:
        values[indicator_id][month] = value
    return values


def stored_values_not_about_people(plan_year) -> dict[int, dict]:
    """Like ``stored_values``, for the indicators whose figures are not about people (activity
    records, counters of the services' own work). The counts about people reach coordination
    only through ``published_releases``."""
    people = {i.pk for i in Indicator.objects.for_year(plan_year.year).counted() if i.suppressed_by_design}
    return {pk: months for pk, months in stored_values(plan_year).items() if pk not in people}


def published_releases(plan_year):
    """{indicator id: [Published, …]} in month order: the frozen monthly releases of the
    indicators about people, read without the internal ``true_total`` column."""
    from casework.plan.disclosure import Published

    releases = defaultdict(list)
    rows = (MonthRelease.objects.filter(indicator__in=Indicator.objects.for_year(plan_year.year)).order_by("indicator_id", "month")
            .values_list("indicator_id", "month", "value", "total_low", "total_high"))
    for indicator_id, month, value, low, high in rows:
        releases[indicator_id].append(Published(month, value, low, high))
    return releases


def latest_attestations(plan_year) -> dict[int, Attestation]:
    """The most recent attestation of each yes/no indicator of the year (its current answer)."""
    latest = {}
    rows = Attestation.objects.filter(indicator__in=Indicator.objects.for_year(plan_year.year)).order_by("indicator_id", "-date", "-id")
    for attestation in rows:
        latest.setdefault(attestation.indicator_id, attestation)
    return latest


def entry_indicators(plan_year, roles):
    """Indicators whose records or attestations ``roles`` may enter, with their tree for labels."""
    return (Indicator.objects.for_year(plan_year.year).enterable_by(roles)
            .filter(source__in=[Indicator.Source.ACTIVITY, Indicator.Source.ATTESTATION])
            .with_tree().order_by(
                "expected_result__operational_objective__strategic_objective__general_objective__sector__position",
                "expected_result__operational_objective__strategic_objective__general_objective__position",
                "expected_result__operational_objective__strategic_objective__position",
                "expected_result__operational_objective__position", "expected_result__position", "position"))


def activity_records_for(indicators):
    grouped = defaultdict(list)
    for record in ActivityRecord.objects.filter(indicator__in=indicators).order_by("-date", "-id"):
        grouped[record.indicator_id].append(record)
    return grouped


def attestations_for(indicators):
    grouped = defaultdict(list)
    for attestation in Attestation.objects.filter(indicator__in=indicators).order_by("-date", "-id"):
        grouped[attestation.indicator_id].append(attestation)
    return grouped
