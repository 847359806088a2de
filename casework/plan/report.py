"""The year's figures as the coordinator sees them: target, value, progress, status, the
monthly series as released, and the trend chart. One builder for the page, the printable
report and the exports, so that they can never disagree (or suppress differently).

Figures about people come only from the frozen monthly releases (casework/plan/disclosure.py,
docs/decisions/0008-disclosure-control.md): never from the live counts."""

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.plan import selectors
from casework.plan.models import Indicator
from casework.plan.counters import available_counters
from casework.plan.disclosure import published_total

SHOWN, HIDDEN = "shown", "hidden"

MET, ON_TRACK, BEHIND, PENDING = "met", "on_track", "behind", "pending"
STATUSES = (MET, ON_TRACK, BEHIND, PENDING)


def status_label(status):
    return {
        MET: _("met"),
        ON_TRACK: _("on track"),
        BEHIND: _("behind"),
        PENDING: _("not yet known"),
    }.get(status, "")


def month_label(month):
    return month_labels()[month - 1]


def month_labels():
    return [_("Jan"), _("Feb"), _("Mar"), _("Apr"), pgettext("month", "May"), _("Jun"),
            _("Jul"), _("Aug"), _("Sep"), _("Oct"), _("Nov"), _("Dec")]


def fmt(value):
    """A figure without a useless ".0" (hours may have a half)."""
    if value is None:
        return ""
    if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value()):
        if -1000 < value < 1000:
            return str(int(value))  # what number_format gives below a thousand, without its lookups
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
    if indicator.source == Indicator.Source.RECORDS:
        return _("Counted from the services' records")
    return _("Yes/no attestation with its date and evidence")


class Labels:
    """The translated words of one rendering, looked up once instead of once per cell."""

    def __init__(self):
        self.months = month_labels()
        self.suppressed = pgettext("suppressed cell", "×")
        self.suppressed_title = _("suppressed to protect small counts")
        self.status = {status: status_label(status) for status in STATUSES}
        self.progress = _("Progress towards the target")


@dataclasses.dataclass
class MonthCell:
    month: int
    label: str
    state: str  # shown or hidden (one label for every suppressed cell)
    value: Decimal | None
    suppressed_text: str = "×"

    @property
    def text(self):
        if self.state != SHOWN:
            return self.suppressed_text
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

    def svg(self):
        """The chart as inline SVG, built here rather than by a template loop: a year page
        draws 31 of them and template rendering was most of its time (issue 14)."""
        description = escape(self.description)
        parts = [f'<svg class="trend" viewBox="0 0 {self.width} {self.height}" width="{self.width}" height="{self.height}" '
                 f'role="img" aria-label="{description}"><title>{description}</title>'
                 f'<line class="axis" x1="0" y1="{self.baseline}" x2="{self.width}" y2="{self.baseline}"></line>']
        for bar in self.bars:
            parts.append(f'<g class="bar {bar.state}"><title>{escape(bar.title)}</title>'
                         f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}"></rect>'
                         f'<text class="value" x="{bar.label_x}" y="{bar.label_y}">{escape(bar.label)}</text></g>')
        for x, label in self.axis:
            parts.append(f'<text class="month" x="{x}" y="{self.axis_y}">{escape(label)}</text>')
        parts.append("</svg>")
        return mark_safe("".join(parts))


@dataclasses.dataclass
class IndicatorFigures:
    indicator: Indicator
    target: str
    source: str
    value: Decimal | None = None
    # The published year-to-date interval of a figure about people when it is not exact
    # (value_high None: "at least value_low").
    value_low: Decimal | None = None
    value_high: Decimal | None = None
    is_range: bool = False
    released_through: int = 0  # last released month of a figure about people
    target_for_year: Decimal | None = None
    percent: int = 0
    status: str = ""
    status_text: str = ""
    daily_average: Decimal | None = None
    months: list = dataclasses.field(default_factory=list)
    chart: Chart | None = None
    attestation: object = None
    suppressed: bool = False
    progress_label: str = ""

    @property
    def status_label(self):
        return self.status_text or status_label(self.status)

    @property
    def value_text(self):
        if self.is_range:
            if self.value_high is None:
                return _("at least %(low)s") % {"low": fmt(self.value_low)}
            return _("between %(low)s and %(high)s") % {"low": fmt(self.value_low), "high": fmt(self.value_high)}
        return fmt(self.value)

    @property
    def daily_average_text(self):
        return fmt(self.daily_average)

    def months_table(self):
        """The monthly figures (month abbreviations over one cell per month), built here for
        the same reason as ``Chart.svg``."""
        cells = self.month_values
        labels = month_labels()
        # Two tables of six months, side by side on a laptop and one above the other on a
        # phone, rather than twelve columns scrolling sideways. Every column is named, months
        # not published yet included (an unnamed column leaves a screen reader's user guessing).
        halves = []
        for first in (0, 6):
            head = "".join(f'<th scope="col">{escape(label)}</th>' for label in labels[first:first + 6])
            body = "".join(f'<td class="{c.state}">{escape(c.text)}</td>' if c else '<td><span class="muted">–</span></td>'
                           for c in cells[first:first + 6])
            halves.append(f"<table><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody></table>")
        return mark_safe(f'<div class="months">{"".join(halves)}</div>')

    @property
    def chart_svg(self):
        return self.chart.svg() if self.chart else ""

    @property
    def months_html(self):
        return self.months_table()

    @property
    def progress_html(self):
        label = self.progress_label
        return mark_safe(
            f'<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{self.percent}" '
            f'aria-label="{escape(label)}"><svg viewBox="0 0 100 10" preserveAspectRatio="none" width="100%" height="100%" '
            f'aria-hidden="true"><rect class="progress-fill {self.status}" x="0" y="0" width="{self.percent}" height="10"></rect></svg></div>')

    @property
    def month_values(self):
        """The 12 columns of a table: a cell per month published (or begun), None after."""
        by_month = {cell.month: cell for cell in self.months}
        return [by_month.get(m) for m in range(1, 13)]


CHART_W, CHART_H, PAD_TOP, PAD_BOTTOM, PAD_X = 372, 150, 20, 22, 6


def build_chart(cells, k, name, labels):
    slot = (CHART_W - 2 * PAD_X) / 12
    baseline = CHART_H - PAD_BOTTOM
    # Frames of suppressed months reach k at most half-way up, so they never look like a peak.
    top = max([cell.value for cell in cells if cell.state == SHOWN] + ([2 * k] if any(c.state != SHOWN for c in cells) else []) + [1])
    scale = (baseline - PAD_TOP) / float(top)
    bars = []
    for cell in cells:
        x = PAD_X + (cell.month - 1) * slot + slot * 0.12
        width = slot * 0.76
        if cell.state == SHOWN:
            height = float(cell.value) * scale
            title = f"{cell.label}: {cell.text}"
        else:
            # The same empty frame for every suppressed month, whatever its value or reason.
            height = k * scale
            title = f"{cell.label}: {labels.suppressed_title}"
        y = baseline - height
        bars.append(Bar(x=round(x, 1), y=round(y, 1), width=round(width, 1), height=round(height, 1),
                        label=cell.text, title=title, state=cell.state,
                        label_x=round(x + width / 2, 1), label_y=round(max(y - 3, 13), 1)))
    axis = [(round(PAD_X + (m - 1) * slot + slot / 2, 1), labels.months[m - 1]) for m in range(1, 13)]
    description = _("Monthly values of %(name)s") % {"name": name}
    return Chart(width=CHART_W, height=CHART_H, baseline=baseline, bars=bars, axis=axis, axis_y=CHART_H - 6,
                 description=description)


def _status(value, target, fraction):
    if not target:
        return MET, 100
    percent = int(min(Decimal(100), value * 100 / target))
    if value >= target:
        return MET, percent
    if value >= target * fraction:
        return ON_TRACK, percent
    return BEHIND, percent


def _month_end(year, month):
    return datetime.date(year, 12, 31) if month == 12 else datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def indicator_figures(indicator, plan_year, values, attestations, as_of, releases=None, labels=None, about_people=None):
    labels = labels or Labels()
    figures = IndicatorFigures(indicator=indicator, target=target_text(indicator), source=source_text(indicator),
                               progress_label=labels.progress)
    if indicator.is_yes_no:
        figures.attestation = attestations.get(indicator.pk)
        if figures.attestation is None:
            figures.status = PENDING
        else:
            figures.status = MET if figures.attestation.answer else BEHIND
            figures.percent = 100 if figures.attestation.answer else 0
        figures.status_text = labels.status[figures.status]
        return figures
    k = settings.INDICATOR_SUPPRESSION_K
    target = indicator.target_for_year(plan_year)
    figures.suppressed = indicator.suppressed_by_design if about_people is None else about_people
    if figures.suppressed:
        # Everything shown comes from the frozen releases (disclosure.py): the cells, the total
        # derived from them, and a status judged on the lowest value the total may have.
        published = (releases or {}).get(indicator.pk) or []
        if not published:
            return figures  # no month released yet: no value, no status
        low, high = published_total(published)
        figures.released_through = published[-1].month
        figures.value_low, figures.value_high = Decimal(low), (None if high is None else Decimal(high))
        figures.is_range = high != low
        figures.value = Decimal(low) if not figures.is_range else None
        figures.months = [MonthCell(p.month, labels.months[p.month - 1], SHOWN if p.shown else HIDDEN,
                                    Decimal(p.value) if p.shown else None, labels.suppressed) for p in published]
        judged, until = Decimal(low), _month_end(plan_year.year, figures.released_through)
    else:
        stored = values.get(indicator.pk)
        if not stored or as_of is None:
            return figures  # never computed: no value, no status
        figures.value = stored.get(None, Decimal(0))
        monthly = {m: v for m, v in stored.items() if m is not None}
        figures.months = [MonthCell(m, labels.months[m - 1], SHOWN, monthly[m]) for m in sorted(monthly)]
        judged, until = figures.value, as_of
    figures.chart = build_chart(figures.months, k, indicator.name, labels)
    figures.target_for_year = target
    elapsed_days = max(0, (until - plan_year.first_day).days + 1)
    if indicator.target_period == Indicator.Period.DAY and elapsed_days:
        figures.daily_average = judged / elapsed_days
    fraction = Decimal(min(elapsed_days, plan_year.days)) / Decimal(plan_year.days)
    figures.status, figures.percent = _status(judged, target, fraction)
    figures.status_text = labels.status[figures.status]
    return figures


def year_report(plan_year):
    """The plan tree of the year with the figures attached to each indicator node
    (``node.figures``), the last computation and a summary of statuses. The one function every
    output (page, chart, report, CSV/JSON export, ``export_indicators``) goes through."""
    tree = selectors.plan_tree(plan_year)
    run = selectors.last_run(plan_year)
    values = selectors.stored_values_not_about_people(plan_year)
    releases = selectors.published_releases(plan_year)
    attestations = selectors.latest_attestations(plan_year)
    as_of = run.as_of if run else None
    labels = Labels()
    counters = available_counters()
    summary = {MET: 0, ON_TRACK: 0, BEHIND: 0, PENDING: 0}
    released_through = 0
    for indicator_node in iter_indicator_nodes(tree):
        indicator = indicator_node.obj
        about_people = _about_people(indicator, counters)
        indicator_node.figures = indicator_figures(indicator, plan_year, values, attestations, as_of, releases, labels, about_people)
        released_through = max(released_through, indicator_node.figures.released_through)
        if indicator_node.figures.status in summary:
            summary[indicator_node.figures.status] += 1
    return {"tree": tree, "run": run, "summary": [(s, labels.status[s], n) for s, n in summary.items()],
            "released_through": released_through,
            "released_label": _month_end(plan_year.year, released_through) if released_through else None}


def table_of_contents(tree):
    """[(sector node, [(service, [strategic objective nodes])])]: the page's contents by sector
    and by the team or service carrying each strategic objective, in the plan's order."""
    contents = []
    for sector in tree:
        by_unit = {}
        for general in sector.children:
            for strategic in general.children:
                unit = strategic.obj.unit or (strategic.obj.team.code if strategic.obj.team_id else "")
                by_unit.setdefault(unit, []).append(strategic)
        contents.append((sector, list(by_unit.items())))
    return contents


def filter_tree(tree, status):
    """The tree keeping only the indicators whose status is ``status`` and the branches that
    lead to one (the status badges filter the page)."""
    def keep(node, depth):
        if depth == 5:
            return node if node.figures.status == status else None
        children = [kept for child in node.children if (kept := keep(child, depth + 1)) is not None]
        return dataclasses.replace(node, children=children) if children else None

    return [kept for sector in tree if (kept := keep(sector, 0)) is not None]


def _about_people(indicator, counters):
    if indicator.source == Indicator.Source.CASEWORK:
        return True
    if indicator.source == Indicator.Source.RECORDS:
        counter = counters.get(indicator.counter)
        return counter is None or counter.about_people
    return False


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
