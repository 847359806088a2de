"""The contacts app's figures for the plan (the ``indicator_counters`` hook,
casework/plan/counters.py): aggregate queries only, never a row.

A collective activity counts once it is confirmed by the lead. Activities are the services'
own work (not about people): not suppressed. Anonymous contacts are about people: suppressed
below k like casework figures."""

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from casework.contacts.models import AnonymousContact, CollectiveActivity
from casework.extensions import IndicatorCounter

A = CollectiveActivity.Kind


def _by_month(queryset, aggregate):
    rows = (queryset.order_by().values(month=ExtractMonth("date")).annotate(n=aggregate).values_list("month", "n"))
    counts = {month: n or 0 for month, n in rows}
    counts[None] = queryset.order_by().aggregate(n=aggregate)["n"] or 0
    return counts


def activities(team_code, kinds, *, measure="number"):
    def count(first_day, last_day):
        rows = CollectiveActivity.objects.confirmed().filter(team__code=team_code, kind__in=kinds,
                                                             date__gte=first_day, date__lte=last_day)
        return _by_month(rows, Sum("participants") if measure == "participants" else Count("id"))
    return count


def contacts(team_code, kinds=None):
    def count(first_day, last_day):
        rows = AnonymousContact.objects.filter(team__code=team_code, date__gte=first_day, date__lte=last_day)
        if kinds:
            rows = rows.filter(kind__in=kinds)
        return _by_month(rows, Count("id"))
    return count


def counters():
    Counter = IndicatorCounter

    C = AnonymousContact.Kind
    return {
        # Pôle Radicalisme, operational objectives 2 to 4 of the 2023 plan.
        "contacts.rad_awareness_sessions": Counter(_("RAD: training and awareness sessions given (confirmed)"),
                                                   activities("RAD", [A.AWARENESS, A.TRAINING]), about_people=False),
        "contacts.rad_people_trained": Counter(_("RAD: people trained or made aware (participants, confirmed)"),
                                               activities("RAD", [A.AWARENESS, A.TRAINING], measure="participants"),
                                               about_people=False),
        "contacts.rad_courses_followed": Counter(_("RAD: colloquia, courses and study days followed (confirmed)"),
                                                 activities("RAD", [A.COURSE_FOLLOWED]), about_people=False),
        "contacts.rad_authorities_workgroups": Counter(_("RAD: working groups of higher authorities (confirmed)"),
                                                       activities("RAD", [A.AUTHORITIES_WORKGROUP]), about_people=False),
        "contacts.rad_csil": Counter(_("RAD: CSIL meetings (confirmed)"), activities("RAD", [A.CSIL]), about_people=False),
        "contacts.rad_police_cell": Counter(_("RAD: contacts with the police radicalisation cell (confirmed)"),
                                            activities("RAD", [A.POLICE_CELL]), about_people=False),
        "contacts.rad_projects": Counter(_("RAD: collective projects (confirmed)"),
                                         activities("RAD", [A.COLLECTIVE_PROJECT]), about_people=False),
        # Offered for plans that count them (the 2023 plan has no such indicator).
        "contacts.scapi_listening_space_contacts": Counter(_("SCAPI: anonymous listening-space contacts"),
                                                           contacts("SCAPI", [C.LISTENING_SPACE])),
        "contacts.scav_dropin_contacts": Counter(_("MEDLOC-SCAV: anonymous drop-in contacts"),
                                                 contacts("MEDLOC-SCAV", [C.DROP_IN])),
        "contacts.rad_advice_contacts": Counter(_("RAD: anonymous advice to families and professionals"),
                                                contacts("RAD", [C.ADVICE_FAMILY, C.ADVICE_PROFESSIONAL])),
        "contacts.scav_collective_projects": Counter(_("MEDLOC-SCAV: collective projects (confirmed)"),
                                                     activities("MEDLOC-SCAV", [A.COLLECTIVE_PROJECT]), about_people=False),
    }
