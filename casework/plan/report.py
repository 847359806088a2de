"""The year's figures as the coordinator sees them: target, value, progress, status, the
monthly series after suppression, and the trend chart. One builder for the page, the printable
report and the exports, so that they can never disagree (or suppress differently)."""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.plan import selectors
from casework.plan.models import Indicator
from casework.plan.suppression import HIDDEN, SMALL, suppress_months, unsuppressed

MET, ON_TRACK, BEHIND, PENDING = "met", "on_track", "behind", "pending"


def status_label(status):
    return {
        MET: _("met"),
        ON_TRACK: _("on track"),
        BEHIND: _("behind"),
        PENDING: _("not yet known"),
    }.get(status, "")


def month_label(month):
    return [_("Jan"), _("Feb"), _("Mar"), _("Apr"), pgettext("month", "May"), _("Jun"),
            _("Jul"), _("Aug"), _("Sep"), _("Oct"), _("Nov"), _("Dec")][month - 1]


def fmt(value):
    """A figure without a useless ".0" (hours may have a half)."""
    if value is None:
        return ""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 1
    return number_format(value.quantize(Decimal(1) if places == 0 else Decimal("0.1"), rounding=ROUND_HALF_UP), places)


def target_text(indicator):
    if indicator.is_yes_no:
        return _("yes")
    value = fmt(indicator.target_value)
    texts = {
        (Indicator.Unit.NUMBER, Indicator.Period.YEAR): _("≥ %(value)s per year"),
        (Indicator.Unit.NUMBER, Indicator.Period.DAY): _("≥ %(value)s per day"),
        (Indicator.Unit.PEOPLE, Indicator.Period.YEAR): _("≥ %(value)s people per year"),
        (Indicator.Unit.PEOPLE, Indicator.Period.DAY): _("≥ %(value)s people per day"),
        (Indicator.Unit.HOURS, Indicator.Period.YEAR): _("≥ %(value)s hours per year"),
        (Indicator.Unit.HOURS, Indicator.Period.DAY): _("≥ %(value)s hours per day"),
    }
    return texts[(indicator.unit, indicator.target_period)] % {"value": value}


def source_text(indicator):
    if indicator.source == Indicator.Source.CASEWORK:
        kinds = ", ".join(kind.name for kind in indicator.session_kinds.all())
        if indicator.rule == Indicator.Rule.DISTINCT_CASES:
            return _("Counted from case files: number of distinct cases with at least one session of kind: %(kinds)s") % {"kinds": kinds}
        return _("Counted from case files: number of sessions of kind: %(kinds)s") % {"kinds": kinds}
    if indicator.source == Indicator.Source.ACTIVITY:
        return _("Sum of the activity records entered by the coordination and team leads")
    return _("Yes/no attestation with its date and evidence")


@dataclasses.dataclass
class MonthCell:
    month: int
    label: str
    state: str  # shown, small, hidden
    value: Decimal | None

    @property
    def text(self):
        if self.state == SMALL:
            return f"< {settings.INDICATOR_SUPPRESSION_K}"
        if self.state == HIDDEN:
            return "×"
        return fmt(self.value)


@dataclasses.dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    title: str
    state: str
    label_x: float
    label_y: float


@dataclasses.dataclass
class Chart:
    width: int
    height: int
    baseline: float
    bars: list
    axis: list  # (x, label)
    axis_y: int
    description: str


@dataclasses.dataclass
class IndicatorFigures:
    indicator: Indicator
    target: str
    source: str
    value: Decimal | None = None
    target_for_year: Decimal | None = None
    percent: int = 0
    status: str = ""
    daily_average: Decimal | None = None
    months: list = dataclasses.field(default_factory=list)
    chart: Chart | None = None
    attestation: object = None
    suppressed: bool = False

    @property
    def status_label(self):
        return status_label(self.status)

    @property
    def value_text(self):
        return fmt(self.value)

    @property
    def daily_average_text(self):
        return fmt(self.daily_average)

    @property
    def month_values(self):
        """The 12 columns of a table: a cell per month that has begun, None after."""
        by_month = {cell.month: cell for cell in self.months}
        return [by_month.get(m) for m in range(1, 13)]


CHART_W, CHART_H, PAD_TOP, PAD_BOTTOM, PAD_X = 360, 130, 16, 20, 6


def build_chart(cells, k, name):
    slot = (CHART_W - 2 * PAD_X) / 12
    baseline = CHART_H - PAD_BOTTOM
    # Frames of suppressed months reach k at most half-way up, so they never look like a peak.
    top = max([cell.value for cell in cells if cell.state == "shown"] + ([2 * k] if any(c.state != "shown" for c in cells) else []) + [1])
    scale = (baseline - PAD_TOP) / float(top)
    bars = []
    for cell in cells:
        x = PAD_X + (cell.month - 1) * slot + slot * 0.15
        width = slot * 0.7
        if cell.state == "shown":
            height = float(cell.value) * scale
            title = f"{cell.label}: {cell.text}"
        elif cell.state == SMALL:
            # Drawn as an empty frame up to k: says "fewer than k", never the value.
            height = k * scale
            title = f"{cell.label}: {cell.text}"
        else:
            height = k * scale
            title = f"{cell.label}: " + _("hidden so that the yearly total does not reveal a small month")
        y = baseline - height
        bars.append(Bar(x=round(x, 1), y=round(y, 1), width=round(width, 1), height=round(height, 1),
                        label=cell.text, title=title, state=cell.state,
                        label_x=round(x + width / 2, 1), label_y=round(max(y - 3, 10), 1)))
    axis = [(round(PAD_X + (m - 1) * slot + slot / 2, 1), month_label(m)[:1]) for m in range(1, 13)]
    description = _("Monthly values of %(name)s") % {"name": name}
    return Chart(width=CHART_W, height=CHART_H, baseline=baseline, bars=bars, axis=axis, axis_y=CHART_H - 5,
                 description=description)


def indicator_figures(indicator, plan_year, values, attestations, as_of):
    figures = IndicatorFigures(indicator=indicator, target=target_text(indicator), source=source_text(indicator))
    if indicator.is_yes_no:
        figures.attestation = attestations.get(indicator.pk)
        if figures.attestation is None:
            figures.status = PENDING
        else:
            figures.status = MET if figures.attestation.answer else BEHIND
            figures.percent = 100 if figures.attestation.answer else 0
        return figures
    stored = values.get(indicator.pk)
    if not stored or as_of is None:
        return figures  # never computed: no value, no status
    k = settings.INDICATOR_SUPPRESSION_K
    figures.value = stored.get(None, Decimal(0))
    monthly = {m: v for m, v in stored.items() if m is not None}
    figures.suppressed = indicator.suppressed_by_design
    raw_cells = suppress_months(monthly, k) if figures.suppressed else unsuppressed(monthly)
    figures.months = [MonthCell(c.month, month_label(c.month), c.state, c.value) for c in raw_cells]
    figures.chart = build_chart(figures.months, k, indicator.name)
    target = indicator.target_for_year(plan_year)
    figures.target_for_year = target
    elapsed_days = max(0, (as_of - plan_year.first_day).days + 1)
    if indicator.target_period == Indicator.Period.DAY and elapsed_days:
        figures.daily_average = figures.value / elapsed_days
    fraction = Decimal(min(elapsed_days, plan_year.days)) / Decimal(plan_year.days)
    if not target:
        figures.status, figures.percent = MET, 100
    else:
        figures.percent = int(min(Decimal(100), figures.value * 100 / target))
        if figures.value >= target:
            figures.status = MET
        elif figures.value >= target * fraction:
            figures.status = ON_TRACK
        else:
            figures.status = BEHIND
    return figures


def year_report(plan_year):
    """The plan tree of the year with the figures attached to each indicator node
    (``node.figures``), the last computation and a summary of statuses."""
    tree = selectors.plan_tree(plan_year)
    run = selectors.last_run(plan_year)
    values = selectors.stored_values(plan_year)
    attestations = selectors.latest_attestations(plan_year)
    as_of = run.as_of if run else None
    summary = {MET: 0, ON_TRACK: 0, BEHIND: 0, PENDING: 0}
    for indicator_node in iter_indicator_nodes(tree):
        indicator_node.figures = indicator_figures(indicator_node.obj, plan_year, values, attestations, as_of)
        if indicator_node.figures.status in summary:
            summary[indicator_node.figures.status] += 1
    return {"tree": tree, "run": run, "summary": [(s, status_label(s), n) for s, n in summary.items()]}


def iter_indicator_nodes(tree):
    for sector in tree:
        for general in sector.children:
            for strategic in general.children:
                for operational in strategic.children:
                    for result in operational.children:
                        yield from result.children


def iter_indicator_rows(tree):
    """(sector, general, strategic, operational, result, indicator node) for every indicator."""
    for sector in tree:
        for general in sector.children:
            for strategic in general.children:
                for operational in strategic.children:
                    for result in operational.children:
                        for indicator in result.children:
                            yield sector.obj, general.obj, strategic.obj, operational.obj, result.obj, indicator
