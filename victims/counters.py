"""The victims app's figures for the plan (the ``indicator_counters`` hook): nights and stays
of the social hotel, and the measured share of victims whose feeling of safety and coping rose
between intake and closing. Plain dates and scores only: nothing is decrypted."""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from casework.extensions import IndicatorCounter
from casework.models import Case
from victims.models import HotelStay, SelfAssessment

TEAM_CODE = "MEDLOC-SCAV"
# A change of at least 2 points out of 20 (both scales together) counts as an improvement: a
# one-point move is within what the same person answers on two ordinary days.
IMPROVEMENT_POINTS = 2


def _month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def nights_by_month(first_day, last_day, *, today=None):
    """{month: nights, None: total} of the stays' nights between first_day and last_day (a night
    belongs to the day it begins; an open stay runs to today)."""
    today = today or last_day
    counts = {None: 0}
    stays = HotelStay.objects.overlapping(first_day, last_day).values_list("check_in", "check_out")
    for check_in, check_out in stays:
        start = max(check_in, first_day)
        end = min(check_out or (today + datetime.timedelta(days=1)), last_day + datetime.timedelta(days=1))
        day = start
        while day < end:
            stop = min(end, _month_end(day) + datetime.timedelta(days=1))
            counts[day.month] = counts.get(day.month, 0) + (stop - day).days
            counts[None] += (stop - day).days
            day = stop
    return counts


def count_nights(first_day, last_day):
    return nights_by_month(first_day, last_day)


def count_stays(first_day, last_day):
    rows = HotelStay.objects.filter(check_in__gte=first_day, check_in__lte=last_day).order_by()
    counts = dict(rows.values(month=ExtractMonth("check_in")).annotate(n=Count("id")).values_list("month", "n"))
    counts[None] = rows.count()
    return counts


def improvement_share(first_day, last_day):
    """Per month, the share (%) of MEDLOC-SCAV cases closed from first_day to that month's end
    (year to date) whose self-assessment rose by IMPROVEMENT_POINTS or more; None: the period's.
    A share of fewer than k assessed victims is not given (0), like any small cell."""
    k = settings.INDICATOR_SUPPRESSION_K
    closed = Case.objects.filter(team__code=TEAM_CODE, status=Case.Status.CLOSED,
                                 closed_on__gte=first_day, closed_on__lte=last_day)
    scores = {}
    for case_id, moment, safety, coping in SelfAssessment.objects.filter(case__in=closed).values_list(
            "case_id", "moment", "safety", "coping"):
        scores.setdefault(case_id, {})[moment] = safety + coping
    closed_on = dict(closed.filter(pk__in=scores.keys()).values_list("pk", "closed_on"))
    outcomes = sorted((closed_on[c], s["closing"] - s["intake"] >= IMPROVEMENT_POINTS)
                      for c, s in scores.items() if "intake" in s and "closing" in s)

    def share(until):
        rows = [improved for day, improved in outcomes if day <= until]
        if len(rows) < k:
            return Decimal(0)
        return (Decimal(sum(rows)) * 100 / len(rows)).quantize(Decimal("0.1"))

    counts = {}
    month = first_day.replace(day=1)
    while month <= last_day:
        counts[month.month] = share(min(_month_end(month), last_day))
        month = _month_end(month) + datetime.timedelta(days=1)
    counts[None] = share(last_day)
    return counts


def counters():
    return {
        "victims.hotel_nights": IndicatorCounter(_("MEDLOC-SCAV: nights spent in the social hotel"), count_nights),
        "victims.hotel_stays": IndicatorCounter(_("MEDLOC-SCAV: social hotel stays begun"), count_stays),
        # A share, not a count of people: small denominators are withheld by the counter itself.
        "victims.victimisation_reduced_share": IndicatorCounter(
            _("MEDLOC-SCAV: share (%) of followed victims whose feeling of safety and coping rose"),
            improvement_share, about_people=False),
    }
