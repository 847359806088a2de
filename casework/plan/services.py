"""State changes of the plan: loading and copying plan years, computing the indicators, and
the activity records and attestations that coordinators and team leads enter.

Each is a ``noun_verb`` function with keyword-only arguments and an explicit actor, runs in one
transaction and writes its audit event in it. ``indicators_compute`` is the only code of the
coordination side that reads ``casework.Session`` (and through it the case ids): it turns them
into counts and stores nothing else.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ProtectedError, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import SYSTEM, Origin, audit_record
from casework.models import Session, SessionKind, Team
from casework.plan import disclosure
from casework.plan.counters import available_counters
from casework.plan.models import (
    DESCRIPTION_MAX,
    EVIDENCE_MAX,
    QUANTITY_MAX,
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

PLAN_FORMAT = "casework.plan/1"
LANGS = ("fr", "nl", "en")


class PlanError(Exception):
    """A plan file or a copy request that cannot be applied; the message says why."""


# ---------------------------------------------------------------------------------------------
# Loading and copying plans


def _names(node, key, where, *, required=True):
    value = node.get(key)
    if value is None and not required:
        return {f"{key}_{lang}": "" for lang in LANGS}
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGS):
        raise PlanError(f"{where}: '{key}' needs non-empty 'fr', 'nl' and 'en' texts")
    return {f"{key}_{lang}": value[lang].strip() for lang in LANGS}


def _as_name(fields, key):
    """Map the fixture's ``domain``/``note`` keys onto the models' ``name_*``/``note_*`` columns."""
    return {field.replace(key, "name", 1): value for field, value in fields.items()}


def _indicator_fields(node, where, kinds_by_code):
    kind, source = node.get("kind"), node.get("source")
    fields = {**_names(node, "name", where), "kind": kind, "source": source, "rule": node.get("rule") or "", "counter": "",
              "rationale": node.get("rationale", ""), "target_value": None,
              "target_period": Indicator.Period.YEAR, "unit": Indicator.Unit.NUMBER}
    if kind == Indicator.Kind.YES_NO:
        if source != Indicator.Source.ATTESTATION:
            raise PlanError(f"{where}: a yes/no indicator comes from attestations")
        return fields, []
    if kind != Indicator.Kind.COUNT or source not in (Indicator.Source.CASEWORK, Indicator.Source.ACTIVITY, Indicator.Source.RECORDS):
        raise PlanError(f"{where}: kind must be 'count' (source 'casework', 'activity' or 'records') or 'yes_no'")
    target = node.get("target") or {}
    if target.get("comparator") != ">=":
        raise PlanError(f"{where}: only '>=' targets are supported")
    try:
        value = Decimal(str(target["value"]))
    except (KeyError, ArithmeticError, ValueError):
        raise PlanError(f"{where}: target value must be a number") from None
    if value < 0:
        raise PlanError(f"{where}: target value must not be negative")
    if target.get("per", "year") not in Indicator.Period.values:
        raise PlanError(f"{where}: target 'per' must be one of {Indicator.Period.values}")
    if target.get("unit", "number") not in Indicator.Unit.values:
        raise PlanError(f"{where}: target 'unit' must be one of {Indicator.Unit.values}")
    fields.update(target_value=value, target_period=target.get("per", "year"), unit=target.get("unit", "number"))
    kinds = []
    if source == Indicator.Source.CASEWORK:
        if fields["rule"] not in Indicator.Rule.values:
            raise PlanError(f"{where}: rule must be one of {Indicator.Rule.values}")
        codes = node.get("session_kinds") or []
        if not codes:
            raise PlanError(f"{where}: a casework indicator names at least one session kind")
        for code in codes:
            if code not in kinds_by_code:
                raise PlanError(f"{where}: unknown session kind '{code}' (expected TEAM/kind, e.g. SCAPI/psychosocial_support)")
            kinds.append(kinds_by_code[code])
    elif fields["rule"]:
        raise PlanError(f"{where}: only casework indicators have a counting rule")
    if source == Indicator.Source.RECORDS:
        counter = node.get("counter") or ""
        if counter not in available_counters():
            raise PlanError(f"{where}: unknown counter '{counter}' (expected one of {sorted(available_counters())})")
        fields["counter"] = counter
    elif node.get("counter"):
        raise PlanError(f"{where}: only 'records' indicators name a counter")
    return fields, kinds


def _sync(model, parent_field, parent, rows):
    """Create or update ``rows`` (position → fields) under ``parent``; delete the others.

    Deleting an indicator that already has activity records or attestations is refused
    (PROTECT) rather than losing them."""
    kept = []
    for position, fields in rows:
        obj, _ = model.objects.update_or_create(**{parent_field: parent, "position": position}, defaults=fields)
        kept.append(obj.pk)
    try:
        model.objects.filter(**{parent_field: parent}).exclude(pk__in=kept).delete()
    except ProtectedError:
        raise PlanError(f"{model.__name__}: the new plan drops items that already have activity records or attestations") from None
    return model.objects.filter(pk__in=kept).order_by("position")


def plan_load(*, data: dict, actor=None, origin: Origin = SYSTEM) -> PlanYear:
    """Load a plan year from its JSON description (casework/plan/fixtures/plan-2023.json).

    Idempotent: every node is matched on its parent and position, so loading the same file
    again changes nothing, and a corrected file updates the texts in place."""
    if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
        raise PlanError(f"not a plan file (expected \"format\": \"{PLAN_FORMAT}\")")
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise PlanError("'year' must be a year between 2000 and 2100")
    teams = {team.code: team for team in Team.objects.all()}
    kinds_by_code = {f"{kind.team.code}/{kind.code}": kind for kind in SessionKind.objects.select_related("team")}
    with transaction.atomic():
        title = _names(data, "title", "plan")
        plan_year, _ = PlanYear.objects.update_or_create(year=year, defaults={**title, "source_note": data.get("source", "")})
        sectors = data.get("sectors")
        if not isinstance(sectors, list) or not sectors:
            raise PlanError("'sectors' must be a non-empty list")
        counts = defaultdict(int)
        sector_rows = [(p, {"number": s.get("number", p + 1), **_names(s, "name", f"sector {p + 1}")}) for p, s in enumerate(sectors)]
        for sector, s_node in zip(_sync(Sector, "plan_year", plan_year, sector_rows), sectors):
            counts["sectors"] += 1
            g_nodes = s_node.get("general_objectives") or []
            g_rows = []
            for p, g in enumerate(g_nodes):
                where = f"sector {sector.number} general objective {p + 1}"
                g_rows.append((p, {"number": g.get("number", p + 1), **_names(g, "name", where),
                                   **_names(g, "note", where, required=False)}))
            for general, g_node in zip(_sync(GeneralObjective, "sector", sector, g_rows), g_nodes):
                counts["general_objectives"] += 1
                st_nodes = g_node.get("strategic_objectives") or []
                st_rows = []
                for p, st in enumerate(st_nodes):
                    where = f"sector {sector.number}.{general.number} strategic objective {p + 1}"
                    team_code = st.get("team")
                    if team_code and team_code not in teams:
                        raise PlanError(f"{where}: unknown team '{team_code}'")
                    st_rows.append((p, {"number": st.get("number", p + 1), **_as_name(_names(st, "domain", where), "domain"),
                                        "unit": st.get("unit", ""), "team": teams.get(team_code) if team_code else None}))
                for strategic, st_node in zip(_sync(StrategicObjective, "general_objective", general, st_rows), st_nodes):
                    counts["strategic_objectives"] += 1
                    _load_operational(strategic, st_node, kinds_by_code, counts)
        audit_record(actor=actor, action=Action.PLAN_CHANGE, origin=origin, target_type="plan_year", target_id=year,
                     detail={"op": "load", **counts})
        transaction.on_commit(lambda: _plan_changed(year))
    return plan_year


def _plan_changed(year):
    """The plan's texts changed: pages cached from the old texts must not be served again."""
    from django.core.cache import cache

    from casework.plan.selectors import PLAN_VERSION_KEY

    cache.set(PLAN_VERSION_KEY.format(year=year), timezone.now().isoformat(), None)


def _load_operational(strategic, st_node, kinds_by_code, counts):
    o_nodes = st_node.get("operational_objectives") or []
    prefix = f"strategic objective '{strategic.name_en[:40]}'"
    o_rows = [(p, {"number": o.get("number", p + 1), **_names(o, "name", f"{prefix} operational objective {p + 1}")})
              for p, o in enumerate(o_nodes)]
    for operational, o_node in zip(_sync(OperationalObjective, "strategic_objective", strategic, o_rows), o_nodes):
        counts["operational_objectives"] += 1
        r_nodes = o_node.get("expected_results") or []
        where = f"{prefix} operational objective {operational.number}"
        r_rows = [(p, _names(r, "name", f"{where} expected result {p + 1}")) for p, r in enumerate(r_nodes)]
        for result, r_node in zip(_sync(ExpectedResult, "operational_objective", operational, r_rows), r_nodes):
            counts["expected_results"] += 1
            i_nodes = r_node.get("indicators") or []
            parsed = [_indicator_fields(i, f"{where} indicator {p + 1}", kinds_by_code) for p, i in enumerate(i_nodes)]
            indicators = _sync(Indicator, "expected_result", result, [(p, fields) for p, (fields, _kinds) in enumerate(parsed)])
            for indicator, (_fields, kinds) in zip(indicators, parsed):
                counts["indicators"] += 1
                indicator.session_kinds.set(kinds)


def plan_year_copy(*, actor, origin: Origin = SYSTEM, source_year: int, target_year: int) -> PlanYear:
    """Copy a plan year's whole tree (texts, targets, rules, session kinds) into a new year, as
    the starting point of next year's plan. Figures, activity records and attestations stay
    with their year."""
    if target_year == source_year:
        raise PlanError(_("A plan year cannot be copied onto itself."))
    if not 2000 <= target_year <= 2100:
        raise PlanError(_("Choose a year between 2000 and 2100."))
    with transaction.atomic():
        source = PlanYear.objects.filter(year=source_year).first()
        if source is None:
            raise PlanError(_("There is no plan for %(year)s.") % {"year": source_year})
        if PlanYear.objects.filter(year=target_year).exists():
            raise PlanError(_("A plan for %(year)s already exists.") % {"year": target_year})
        target = PlanYear.objects.create(
            year=target_year, source_note=_copy_note(source),
            **{f"title_{lang}": getattr(source, f"title_{lang}").replace(str(source_year), str(target_year)) for lang in LANGS},
        )
        counts = defaultdict(int)
        for sector in source.sectors.all():
            new_sector = _clone(sector, plan_year=target)
            for general in sector.general_objectives.all():
                new_general = _clone(general, sector=new_sector)
                for strategic in general.strategic_objectives.all():
                    new_strategic = _clone(strategic, general_objective=new_general)
                    for operational in strategic.operational_objectives.all():
                        new_operational = _clone(operational, strategic_objective=new_strategic)
                        for result in operational.expected_results.all():
                            new_result = _clone(result, operational_objective=new_operational)
                            for indicator in result.indicators.prefetch_related("session_kinds"):
                                kinds = list(indicator.session_kinds.all())
                                _clone(indicator, expected_result=new_result).session_kinds.set(kinds)
                                counts["indicators"] += 1
        audit_record(actor=actor, action=Action.PLAN_CHANGE, origin=origin, target_type="plan_year", target_id=target_year,
                     detail={"op": "copy", "from": source_year, **counts})
    return target


def _copy_note(source):
    return f"Copied from the {source.year} plan on {timezone.localdate().isoformat()}."


def _clone(obj, **parent):
    """A saved copy of ``obj`` under a new parent; ``obj`` itself is left as it was, so its
    children can still be read after it was copied."""
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    copy = type(obj)(**values)
    for field, value in parent.items():
        setattr(copy, field, value)
    copy.save()
    return copy


# ---------------------------------------------------------------------------------------------
# Computing


def _months_through(plan_year, as_of):
    """The months of the year that have started by ``as_of`` (none for a future year)."""
    if as_of < plan_year.first_day:
        return []
    return list(range(1, (12 if as_of >= plan_year.last_day else as_of.month) + 1))


def _casework_counts(indicators, kinds_of, first_day, last_day):
    """{indicator id: {month or None: count}} from the sessions of the period, by aggregate queries."""
    sessions = Session.objects.filter(held_on__gte=first_day, held_on__lte=last_day).order_by()
    counts = {indicator.pk: defaultdict(int) for indicator in indicators}
    by_sessions = [i for i in indicators if i.rule == Indicator.Rule.SESSIONS]
    if by_sessions:
        # One scan for every "number of sessions" indicator: sessions per kind and month. A
        # session has one kind, so an indicator's count is the sum over its kinds.
        wanted = set().union(*(kinds_of[i.pk] for i in by_sessions))
        per_kind = defaultdict(dict)
        rows = (sessions.filter(kind_id__in=wanted).values("kind_id", month=ExtractMonth("held_on"))
                .annotate(n=Count("pk")).values_list("kind_id", "month", "n"))
        for kind_id, month, n in rows:
            per_kind[kind_id][month] = n
        for indicator in by_sessions:
            for kind_id in kinds_of[indicator.pk]:
                for month, n in per_kind[kind_id].items():
                    counts[indicator.pk][month] += n
                    counts[indicator.pk][None] += n
    for indicator in indicators:
        if indicator.rule != Indicator.Rule.DISTINCT_CASES:
            continue
        # Distinct counts do not add up over months (a person seen in March and May counts once
        # in the year), so the year total is its own query.
        mapped = sessions.filter(kind_id__in=kinds_of[indicator.pk])
        for month, n in (mapped.values(month=ExtractMonth("held_on")).annotate(n=Count("case_id", distinct=True))
                         .values_list("month", "n")):
            counts[indicator.pk][month] = n
        counts[indicator.pk][None] = mapped.aggregate(n=Count("case_id", distinct=True))["n"]
    return counts


def _activity_counts(indicators, first_day, last_day):
    counts = {indicator.pk: defaultdict(Decimal) for indicator in indicators}
    rows = (ActivityRecord.objects.filter(indicator__in=indicators, date__gte=first_day, date__lte=last_day).order_by()
            .values("indicator_id", month=ExtractMonth("date")).annotate(total=Sum("quantity"))
            .values_list("indicator_id", "month", "total"))
    for indicator_id, month, total in rows:
        counts[indicator_id][month] += total
        counts[indicator_id][None] += total
    return counts


def _records_counts(indicators, first_day, last_day):
    """{indicator id: {month or None: count}} from the apps' counters (casework/plan/counters.py).
    Each counter runs once however many indicators (of one year) name it."""
    counters = available_counters()
    by_code = {}
    for indicator in indicators:
        counter = counters.get(indicator.counter)
        if counter is None:
            continue  # its app is no longer installed: the figure stays 0
        if indicator.counter not in by_code:
            by_code[indicator.counter] = counter.count(first_day, last_day)
    return {indicator.pk: by_code.get(indicator.counter, {}) for indicator in indicators}


def _closed_months(plan_year, today):
    """The months of the plan year that have ended before ``today``: only they are released."""
    if today > plan_year.last_day:
        return 12
    if today.year == plan_year.year:
        return today.month - 1
    return 0


def _month_end(year, month):
    return datetime.date(year, 12, 31) if month == 12 else datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def _cumulative_counts(indicator, plan_year, month, counts, kinds_of):
    """The year-to-date count of ``indicator`` from 1 January to the end of ``month``, as the
    data stand now (aggregate queries only).

    When the months of the computation add up to its total, the prefix sum is exact: for a
    count of sessions always, and for a count of distinct people it means nobody appears in two
    months (the sum of the monthly distinct counts exceeds the total as soon as someone does).
    Otherwise the distinct count up to the month's end is asked for."""
    values = counts.get(indicator.pk, {})
    monthly = {m: n for m, n in values.items() if m is not None}
    if sum(monthly.values()) == values.get(None, 0):
        return int(sum(n for m, n in monthly.items() if m <= month))
    end = _month_end(plan_year.year, month)
    if indicator.source == Indicator.Source.CASEWORK:
        return (Session.objects.filter(held_on__gte=plan_year.first_day, held_on__lte=end, kind_id__in=kinds_of[indicator.pk])
                .aggregate(n=Count("case_id", distinct=True))["n"])
    counter = available_counters().get(indicator.counter)
    if counter is None:
        return 0
    return int(counter.count(plan_year.first_day, end).get(None, 0) or 0)


def _publish_releases(indicators, plan_year, today, run, counts, kinds_of, now):
    """Write the missing monthly releases of the closed months, in month order, each decided by
    casework.plan.disclosure.release against every release published before it. Published
    releases are never changed: growth found later (a late-entered session) goes into the next
    release's cell. Returns the number of releases written."""
    closed = _closed_months(plan_year, today)
    if not closed:
        return 0
    k = settings.INDICATOR_SUPPRESSION_K
    existing = defaultdict(list)
    for row in MonthRelease.objects.filter(indicator__in=indicators).order_by("indicator_id", "month"):
        existing[row.indicator_id].append(row)
    written = []
    for indicator in indicators:
        rows = existing[indicator.pk]
        published = [row.published() for row in rows]
        true_total = rows[-1].true_total if rows else 0
        for month in range(len(rows) + 1, closed + 1):
            cumulative = _cumulative_counts(indicator, plan_year, month, counts, kinds_of)
            cell = max(0, cumulative - true_total)
            true_total += cell
            decided = disclosure.release(published, month, cell, true_total, k)
            published.append(decided)
            written.append(MonthRelease(indicator=indicator, month=month, value=decided.value, total_low=decided.total_low,
                                        total_high=decided.total_high, true_total=true_total, k=k, published_at=now, run=run))
    MonthRelease.objects.bulk_create(written)
    return len(written)


def indicators_compute(*, year: int, actor=None, origin: Origin = SYSTEM,
                       trigger: str = ComputationRun.Trigger.COMMAND, today: datetime.date | None = None) -> ComputationRun:
    """Compute every count indicator of ``year`` for the year and for each month that has begun,
    and replace the stored values in one transaction (running it twice gives the same rows).

    Raises PlanYear.DoesNotExist for a year without a plan."""
    plan_year = PlanYear.objects.get(year=year)
    today = today or timezone.localdate()
    as_of = min(today, plan_year.last_day)
    run = ComputationRun.objects.create(plan_year=plan_year, trigger=trigger, started_at=timezone.now(), as_of=as_of,
                                        requested_by=actor if getattr(actor, "is_authenticated", False) else None)
    try:
        with transaction.atomic():
            # Two workers computing the same year wait for each other instead of interleaving
            # their delete-and-insert.
            PlanYear.objects.select_for_update().get(pk=plan_year.pk)
            indicators = list(Indicator.objects.for_year(year).counted())
            casework = [i for i in indicators if i.source == Indicator.Source.CASEWORK]
            activity = [i for i in indicators if i.source == Indicator.Source.ACTIVITY]
            records = [i for i in indicators if i.source == Indicator.Source.RECORDS]
            kinds_of = defaultdict(set)
            for indicator_id, kind_id in Indicator.session_kinds.through.objects.filter(
                    indicator__in=casework).values_list("indicator_id", "sessionkind_id"):
                kinds_of[indicator_id].add(kind_id)
            months = _months_through(plan_year, as_of)
            counts = {}
            if months:
                counts.update(_casework_counts(casework, kinds_of, plan_year.first_day, as_of))
                counts.update(_activity_counts(activity, plan_year.first_day, as_of))
                counts.update(_records_counts(records, plan_year.first_day, as_of))
            now = timezone.now()
            rows = []
            for indicator in indicators:
                values = counts.get(indicator.pk, {})
                rows.append(IndicatorValue(indicator=indicator, month=None, value=values.get(None, 0), computed_at=now))
                rows.extend(IndicatorValue(indicator=indicator, month=m, value=values.get(m, 0), computed_at=now) for m in months)
            IndicatorValue.objects.filter(indicator__in=indicators).delete()
            IndicatorValue.objects.bulk_create(rows)
            about_people = [i for i in indicators if i.suppressed_by_design]
            released = _publish_releases(about_people, plan_year, today, run, counts, kinds_of, now)
            run.finished_at, run.values_written = timezone.now(), len(rows)
            run.save(update_fields=["finished_at", "values_written"])
            audit_record(actor=actor, action=Action.INDICATORS_COMPUTE, origin=origin, target_type="plan_year",
                         target_id=year, detail={"trigger": trigger, "values": len(rows), "releases": released,
                                                 "as_of": as_of.isoformat()})
    except BaseException:
        ComputationRun.objects.filter(pk=run.pk).update(failed=True, finished_at=timezone.now())
        raise
    return run


# ---------------------------------------------------------------------------------------------
# Activity records and attestations


def _check_entry_date(indicator, date):
    plan_year = indicator.expected_result.operational_objective.strategic_objective.general_objective.sector.plan_year
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if date.year != plan_year.year:
        raise ValidationError({"date": _("The date must fall in the plan year %(year)s.") % {"year": plan_year.year}})


def _check_activity(indicator, date, quantity, description):
    if indicator.source != Indicator.Source.ACTIVITY:
        raise ValidationError(_("This indicator is not counted from activity records."))
    _check_entry_date(indicator, date)
    if quantity is None or quantity < 0:
        raise ValidationError({"quantity": _("The quantity cannot be negative.")})
    if indicator.unit != Indicator.Unit.HOURS and Decimal(quantity) != Decimal(quantity).to_integral_value():
        raise ValidationError({"quantity": _("Enter a whole number: only hours may have a decimal.")})
    if quantity > QUANTITY_MAX:
        raise ValidationError({"quantity": _("The quantity cannot exceed %(max)s; split it over several records.") % {"max": QUANTITY_MAX}})
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": _("Keep the description under %(max)s characters.") % {"max": DESCRIPTION_MAX}})


def _entry_audit(actor, origin, op, obj, indicator):
    audit_record(actor=actor, action=Action.INDICATOR_ENTRY, origin=origin, target_type=type(obj).__name__.lower(),
                 target_id=obj.pk, detail={"op": op, "indicator": indicator.pk})


def activity_record_create(*, actor, origin: Origin, indicator: Indicator, date, quantity, description="") -> ActivityRecord:
    description = (description or "").strip()
    _check_activity(indicator, date, quantity, description)
    with transaction.atomic():
        record = ActivityRecord(indicator=indicator, date=date, quantity=quantity, description=description)
        record.full_clean()
        record.save()
        _entry_audit(actor, origin, "create", record, indicator)
    return record


def activity_record_update(*, actor, origin: Origin, record: ActivityRecord, date, quantity, description="") -> ActivityRecord:
    description = (description or "").strip()
    with transaction.atomic():
        current = ActivityRecord.objects.select_for_update().select_related("indicator").get(pk=record.pk)
        _check_activity(current.indicator, date, quantity, description)
        current.date, current.quantity, current.description = date, quantity, description
        current.full_clean()
        current.save()
        _entry_audit(actor, origin, "update", current, current.indicator)
    return current


def activity_record_delete(*, actor, origin: Origin, record: ActivityRecord) -> None:
    with transaction.atomic():
        current = ActivityRecord.objects.select_for_update().select_related("indicator").get(pk=record.pk)
        _entry_audit(actor, origin, "delete", current, current.indicator)
        current.delete()


def attestation_record(*, actor, origin: Origin, indicator: Indicator, date, answer: bool, evidence="") -> Attestation:
    evidence = (evidence or "").strip()
    if indicator.kind != Indicator.Kind.YES_NO:
        raise ValidationError(_("Only yes/no indicators are attested."))
    _check_entry_date(indicator, date)
    if len(evidence) > EVIDENCE_MAX:
        raise ValidationError({"evidence": _("Keep the evidence note under %(max)s characters.") % {"max": EVIDENCE_MAX}})
    with transaction.atomic():
        attestation = Attestation(indicator=indicator, date=date, answer=answer, evidence=evidence)
        attestation.full_clean()
        attestation.save()
        _entry_audit(actor, origin, "attest", attestation, indicator)
    return attestation
