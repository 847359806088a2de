"""The yearly Security & Society plan as data, and the anonymised figures computed for it.

Tree (each level ordered by ``position``, the order of the plan document):

    PlanYear → Sector → GeneralObjective → StrategicObjective → OperationalObjective
             → ExpectedResult → Indicator

Where an indicator's value comes from (``Indicator.source``):

- ``casework``: counted from the sessions of the named session kinds, as a number of sessions
  or a number of distinct cases (``rule``). Only ``casework.plan.services.indicators_compute``
  reads the case tables; it stores counts in ``IndicatorValue`` and nothing else.
- ``activity``: the sum of the quantities of ``ActivityRecord`` rows (meetings, people
  trained, hours of presence...), non-personal figures entered by coordinators and team leads.
- ``attestation``: a yes/no statement with a date and an evidence note (``Attestation``).

A target is ``comparator value [unit] per period``: "≥ 15 per year", "≥ 5 people per year",
"≥ 3 hours per day". A per-day target is compared with the year's total through
``target_for_year`` (value × days of the year): see docs/decisions/0004-indicators.md.
"""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.i18n import localized
from casework.models import ChoiceLabels

QUANTITY_MAX = Decimal("10000")
DESCRIPTION_MAX = 200
EVIDENCE_MAX = 500


class _Named(models.Model):
    """A French, Dutch and English label; ``name`` is the one of the active language."""

    name_fr = models.TextField(_("name (French)"))
    name_nl = models.TextField(_("name (Dutch)"))
    name_en = models.TextField(_("name (English)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True

    @property
    def name(self):
        return localized(self, "name")

    def __str__(self):
        return self.name


class PlanYear(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    source_note = models.TextField(_("source"), blank=True, help_text=_("Where the plan was transcribed from."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")

    def __str__(self):
        return str(self.year)

    @property
    def title(self):
        return localized(self, "title")

    @property
    def first_day(self):
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self):
        return datetime.date(self.year, 12, 31)

    @property
    def days(self):
        return 366 if calendar.isleap(self.year) else 365


class Sector(_Named):
    """An activity sector ("Activiteitssector 1: Bijdrage aan de werking van de politiezones")."""

    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="sectors")
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        ordering = ["plan_year", "position"]
        constraints = [models.UniqueConstraint(fields=["plan_year", "position"], name="plan_sector_position")]


class GeneralObjective(_Named):
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="general_objectives")
    number = models.PositiveSmallIntegerField(_("number"))
    # "(Vraagstuk behandeld op het niveau van de politiezone)": said of the objectives whose
    # money goes to the police zone, and which therefore have no operational objectives here.
    note_fr = models.TextField(blank=True)
    note_nl = models.TextField(blank=True)
    note_en = models.TextField(blank=True)

    class Meta:
        ordering = ["sector", "position"]
        constraints = [models.UniqueConstraint(fields=["sector", "position"], name="plan_general_position")]

    @property
    def note(self):
        return localized(self, "note")


class StrategicObjective(_Named):
    """A strategic objective: ``name`` is its domain. ``unit`` is the service carrying it as the
    plan writes it ("GDP/ Vredesbewaarders", "SCAPI"); ``team`` links it to a casework team
    when there is one (peacekeepers have none: they keep no case files).

    The plan's strategic objective 3 of sector 2 is carried by two services, each with its own
    table (SCAPI, MEDLOC-SCAV-HOTEL SOCIAL): it is stored as two rows with the same ``number``."""

    general_objective = models.ForeignKey(GeneralObjective, on_delete=models.CASCADE, related_name="strategic_objectives")
    number = models.PositiveSmallIntegerField(_("number"))
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    team = models.ForeignKey("casework.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team"))

    class Meta:
        ordering = ["general_objective", "position"]
        constraints = [models.UniqueConstraint(fields=["general_objective", "position"], name="plan_strategic_position")]


class OperationalObjective(_Named):
    strategic_objective = models.ForeignKey(StrategicObjective, on_delete=models.CASCADE, related_name="operational_objectives")
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        ordering = ["strategic_objective", "position"]
        constraints = [models.UniqueConstraint(fields=["strategic_objective", "position"], name="plan_operational_position")]


class ExpectedResult(_Named):
    operational_objective = models.ForeignKey(OperationalObjective, on_delete=models.CASCADE, related_name="expected_results")

    class Meta:
        ordering = ["operational_objective", "position"]
        constraints = [models.UniqueConstraint(fields=["operational_objective", "position"], name="plan_result_position")]


class IndicatorQuerySet(models.QuerySet):
    def for_year(self, year):
        return self.filter(expected_result__operational_objective__strategic_objective__general_objective__sector__plan_year__year=year)

    def counted(self):
        return self.filter(kind=Indicator.Kind.COUNT)

    def from_casework(self):
        return self.filter(source=Indicator.Source.CASEWORK)

    def from_activity(self):
        return self.filter(source=Indicator.Source.ACTIVITY)

    def from_attestation(self):
        return self.filter(source=Indicator.Source.ATTESTATION)

    def with_tree(self):
        return self.select_related(
            "expected_result__operational_objective__strategic_objective__general_objective__sector__plan_year",
            "expected_result__operational_objective__strategic_objective__team",
        )

    def enterable_by(self, roles):
        """Indicators whose activity records and attestations ``roles`` may enter: every one for
        a coordinator, the ones of their teams for a team lead."""
        if roles.coordinator:
            return self
        return self.filter(expected_result__operational_objective__strategic_objective__team__in=roles.lead_teams)


class Indicator(ChoiceLabels, _Named):
    class Kind(models.TextChoices):
        COUNT = "count", _("count")
        YES_NO = "yes_no", _("yes/no")

    class Source(models.TextChoices):
        CASEWORK = "casework", _("counted from case files")
        ACTIVITY = "activity", _("activity records")
        ATTESTATION = "attestation", _("attestation")
        # Counted by an app's counter (anonymous contacts, collective activities, referrals, …),
        # named in ``counter``; see casework/plan/counters.py.
        RECORDS = "records", _("counted from the services' records")

    class Rule(models.TextChoices):
        SESSIONS = "sessions", _("number of sessions")
        DISTINCT_CASES = "distinct_cases", _("number of distinct cases with at least one such session")

    class Comparator(models.TextChoices):
        GTE = "gte", "≥"

    class Period(models.TextChoices):
        YEAR = "year", _("per year")
        DAY = "day", _("per day")

    class Unit(models.TextChoices):
        NUMBER = "number", _("number")
        PEOPLE = "people", _("people")
        HOURS = "hours", _("hours")

    expected_result = models.ForeignKey(ExpectedResult, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    rule = models.CharField(_("counting rule"), max_length=16, choices=Rule.choices, blank=True)
    counter = models.CharField(_("counter"), max_length=80, blank=True,
                               help_text="source 'records' only: the code of the app counter that computes it")
    session_kinds = models.ManyToManyField("casework.SessionKind", blank=True, related_name="plan_indicators", verbose_name=_("session kinds"))
    target_comparator = models.CharField(max_length=4, choices=Comparator.choices, default=Comparator.GTE)
    target_value = models.DecimalField(_("target"), max_digits=9, decimal_places=1, null=True, blank=True)
    target_period = models.CharField(_("period"), max_length=4, choices=Period.choices, default=Period.YEAR)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.NUMBER)
    # Why this source and rule were chosen (the fixture's justification), for the coordinator.
    rationale = models.TextField(blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["expected_result", "position"]
        constraints = [
            models.UniqueConstraint(fields=["expected_result", "position"], name="plan_indicator_position"),
            models.CheckConstraint(
                condition=Q(kind="yes_no", source="attestation", target_value__isnull=True)
                | Q(kind="count", source__in=["casework", "activity", "records"], target_value__isnull=False),
                name="plan_indicator_kind_source",
            ),
            models.CheckConstraint(
                condition=Q(source="casework", rule__in=["sessions", "distinct_cases"]) | Q(~Q(source="casework"), rule=""),
                name="plan_indicator_rule_for_casework",
            ),
            models.CheckConstraint(
                condition=Q(source="records") & ~Q(counter="") | Q(~Q(source="records"), counter=""),
                name="plan_indicator_counter_for_records",
            ),
        ]

    @property
    def is_yes_no(self):
        return self.kind == self.Kind.YES_NO

    @property
    def suppressed_by_design(self):
        """Figures about people (sessions, distinct people, an app counter that says
        ``about_people``) reach coordination only through frozen monthly releases
        (casework/plan/disclosure.py, docs/decisions/0008-disclosure-control.md); activity
        figures about the services' own work are shown as they are."""
        if self.source == self.Source.CASEWORK:
            return True
        if self.source == self.Source.RECORDS:
            from casework.plan.counters import available_counters

            counter = available_counters().get(self.counter)
            return counter is None or counter.about_people
        return False

    def target_for_year(self, plan_year):
        if self.target_value is None:
            return None
        if self.target_period == self.Period.DAY:
            return self.target_value * plan_year.days
        return self.target_value


class ActivityRecord(models.Model):
    """A non-personal figure about the services' own activity: "3 consultation meetings",
    "14 professionals trained", "62 hours of presence". Never a name or a case."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="activity_records")
    date = models.DateField(_("date"))
    quantity = models.DecimalField(_("quantity"), max_digits=7, decimal_places=1,
                                   validators=[MinValueValidator(0), MaxValueValidator(QUANTITY_MAX)])
    description = models.CharField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("activity record")
        verbose_name_plural = _("activity records")
        indexes = [models.Index(fields=["indicator", "date"], name="plan_activity_indicator_date")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0, quantity__lte=QUANTITY_MAX), name="plan_activity_quantity_range"),
        ]


class Attestation(models.Model):
    """A yes/no indicator's statement ("a listening space exists: yes, since 14/03"). The most
    recent one of the year is the indicator's answer; older ones stay as its history."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="attestations")
    date = models.DateField(_("date"))
    answer = models.BooleanField(_("answer"))
    evidence = models.CharField(_("evidence"), max_length=EVIDENCE_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")


class ComputationRun(ChoiceLabels, models.Model):
    """One computation of a year's figures: when it started and finished, and who asked (None:
    the nightly schedule or a command)."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("nightly schedule")
        REQUEST = "request", _("asked by a coordinator")
        COMMAND = "command", _("command line")

    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The day the figures describe: the year's progress is judged against it.
    as_of = models.DateField()
    values_written = models.PositiveIntegerField(default=0)
    failed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["plan_year", "-finished_at"], name="plan_run_year_finished")]


class IndicatorValue(models.Model):
    """A stored count: the indicator's value for its plan year (``month`` NULL) or for one month.
    The only thing coordination reads about casework."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    month = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)])
    value = models.DecimalField(max_digits=12, decimal_places=1)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "month"], condition=Q(month__isnull=False), name="plan_value_month_unique"),
            models.UniqueConstraint(fields=["indicator"], condition=Q(month__isnull=True), name="plan_value_year_unique"),
            models.CheckConstraint(condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="plan_value_month_range"),
        ]


class MonthRelease(models.Model):
    """The publication of one closed month of an indicator about people, frozen once written
    (docs/decisions/0008-disclosure-control.md). ``value`` is the month's cell when shown (None
    when suppressed: one label whatever the reason); ``total_low``/``total_high`` the
    year-to-date total as published (equal when exact, both None when not published).

    ``true_total`` is the year-to-date count the release was computed from: the next release's
    cell is the growth since it (so a late-entered session counts in a later release, never in a
    published month). It is internal to the computation and never rendered."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="releases")
    month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    value = models.PositiveIntegerField(null=True, blank=True)
    total_low = models.PositiveIntegerField(null=True, blank=True)
    total_high = models.PositiveIntegerField(null=True, blank=True)
    true_total = models.PositiveIntegerField()
    k = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField()
    run = models.ForeignKey(ComputationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="releases")

    class Meta:
        ordering = ["indicator", "month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "month"], name="plan_release_month_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_release_month_range"),
            models.CheckConstraint(condition=Q(total_low__isnull=True, total_high__isnull=True)
                                   | Q(total_low__isnull=False, total_high__isnull=False, total_low__lte=models.F("total_high")),
                                   name="plan_release_total_interval"),
        ]

    def published(self):
        from casework.plan.disclosure import Published

        return Published(self.month, self.value, self.total_low, self.total_high)
