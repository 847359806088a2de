"""Reads of case data for the views: permission-filtered querysets with a constant number of
queries per page (one prefetch, whatever the page size). Filters, sorts and paging of the lists
are in casework.case_lists."""

import collections

from django.core.exceptions import FieldDoesNotExist

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from casework.access import roles_of
from casework.models import Assignment, Role, Session
from casework.teams import details_model_for


def list_rows(cases):
    """What a list row shows beyond the case's own columns: its team and assigned workers, for
    the rows of the page only (one prefetch, whatever the page size). Session count and last
    contact are columns of the case (kept by the session services)."""
    return cases.select_related("team").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("worker").order_by("worker__username")))


def caseloads(team_ids, *, dormant_after_days, today):
    """Per social worker of the teams: open files and dormant open files (no session for more
    than ``dormant_after_days``), in one grouped query; and the open unassigned files."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from casework.models import Case, Role

    cutoff = today - datetime.timedelta(days=dormant_after_days)
    dormant = Q(assignments__case__last_contact_on__lt=cutoff) | Q(
        assignments__case__last_contact_on__isnull=True, assignments__case__opened_on__lt=cutoff)
    open_cases = Q(assignments__case__status=Case.Status.OPEN, assignments__case__team__in=team_ids)
    workers = (get_user_model().objects
               .filter(Exists(Role.objects.filter(user=OuterRef("pk"), kind=Role.Kind.WORKER, team__in=team_ids)), is_active=True)
               .annotate(open_count=Count("assignments", filter=open_cases, distinct=True),
                         dormant_count=Count("assignments", filter=open_cases & dormant, distinct=True))
               .order_by("last_name", "first_name", "username"))
    unassigned = (Case.objects.filter(team__in=team_ids, status=Case.Status.OPEN)
                  .filter(~Exists(Assignment.objects.filter(case=OuterRef("pk")))).count())
    return list(workers), unassigned


# How many of the team's latest sessions decide the suggested kind and its usual duration.
SUGGESTION_SAMPLE = 200


def session_suggestion(team):
    """The kind most frequent among the team's latest SUGGESTION_SAMPLE sessions (active kinds
    only), and the most frequent duration among that kind's latest SUGGESTION_SAMPLE sessions.

    The cost does not grow with the years or the volume: per active kind of the team (a
    handful), one backward scan of the (kind, held_on) index reading at most SUGGESTION_SAMPLE
    dates (index only); then the durations of the chosen kind's latest sessions. Counting a year
    of the team's sessions instead read 200,000 index entries per form at 1,000,000 sessions,
    and reading every kind's durations 1,600 table rows (bench.pages)."""
    from casework.models import SessionKind

    kinds = {kind.pk: kind for kind in SessionKind.objects.filter(team=team, active=True)}
    latest_dates = {
        kind_id: list(Session.objects.filter(kind_id=kind_id).order_by("-held_on")
                      .values_list("held_on", flat=True)[:SUGGESTION_SAMPLE])
        for kind_id in sorted(kinds)
    }
    recent = sorted(((held_on, kind_id) for kind_id, dates in latest_dates.items() for held_on in dates),
                    key=lambda pair: (-pair[0].toordinal(), pair[1]))[:SUGGESTION_SAMPLE]
    if not recent:
        return None
    counts = collections.Counter(kind_id for _, kind_id in recent)
    kind_id = max(counts.items(), key=lambda item: (item[1], -item[0]))[0]
    durations = collections.Counter(Session.objects.filter(kind_id=kind_id).order_by("-held_on", "-pk")
                                    .values_list("duration_minutes", flat=True)[:SUGGESTION_SAMPLE])
    minutes = max(durations.items(), key=lambda item: (item[1], -item[0]))[0]
    return {"kind": kinds[kind_id], "minutes": minutes}


# Bookkeeping columns that change with every save and mean nothing to a reader.
INTERNAL_FIELDS = {"version", "name_index", "national_number_index"}


def sessions_of(case):
    return case.sessions.select_related("kind", "worker").order_by("-held_on", "-created_at")


# How many sessions the case page shows (the latest); all of them are on the case's sessions
# page. A case followed weekly for years has hundreds, and the case page must not grow with it.
RECENT_SESSIONS = 20


def recent_sessions(case) -> list:
    """The case's latest RECENT_SESSIONS sessions, read (and decrypted) once per case instance:
    the case page and its panels (the documents' upload form) show the same list."""
    if "_casework_sessions" not in case.__dict__:
        case.__dict__["_casework_sessions"] = list(sessions_of(case)[:RECENT_SESSIONS])
    return case.__dict__["_casework_sessions"]


def case_timeline(case):
    """The change history of a case, its details, sessions and assignments: who, when, which
    fields. Values are never shown, only the names of the fields that changed."""
    entries = []

    def collect(records, label, row):
        """``records`` newest first within each row; ``row`` names the original row's id."""
        records = list(records)
        for record, older in zip(records, records[1:] + [None]):
            same_row = older is not None and getattr(older, row) == getattr(record, row)
            changed = []
            if record.history_type == "~" and same_row:
                changed = [change.field for change in record.diff_against(older).changes if change.field not in INTERNAL_FIELDS]
            entries.append({
                "when": record.history_date, "who": record.history_user, "type": record.history_type,
                "object": label, "fields": [_verbose(record, name) for name in changed],
            })

    collect(case.history.select_related("history_user").order_by("-history_date", "-history_id"), "case", "id")
    details_history = details_model_for(case.team).history.filter(case_id=case.pk).select_related("history_user")
    collect(details_history.order_by("-history_date", "-history_id"), "details", "case_id")
    session_history = Session.history.filter(case_id=case.pk).select_related("history_user", "kind")
    collect(session_history.order_by("id", "-history_date", "-history_id"), "session", "id")
    assignment_history = Assignment.history.filter(case_id=case.pk).select_related("history_user", "worker")
    for record in assignment_history:
        entries.append({"when": record.history_date, "who": record.history_user, "type": record.history_type,
                        "object": "assignment", "fields": [], "worker": record.worker})
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries


def _verbose(record, name):
    try:
        return str(record.instance_type._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def role_requests_awaiting(user):
    """The pending role requests ``user`` may approve or refuse (separation of duties,
    docs/decisions/0005-role-approval.md): worker roles of the teams they lead, and, for an
    administrator, lead roles. Never a request about themselves or one they made. Two queries
    at most, whatever the number of requests."""
    roles = roles_of(user)
    wanted = Q(kind=Role.Kind.WORKER, team__in=roles.lead_teams)
    if roles.administrator:
        wanted |= Q(kind=Role.Kind.LEAD)
    if not roles.lead_teams and not roles.administrator:
        return Role.all_objects.none()
    return (Role.all_objects.filter(wanted, status=Role.Status.PENDING)
            .exclude(user=user).exclude(requested_by=user)
            .select_related("user", "team", "requested_by").order_by("requested_at", "pk"))
