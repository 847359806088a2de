"""Reads of case data for the views: permission-filtered querysets with a constant number of
queries per page (annotations and one prefetch, whatever the page size)."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from casework.access import roles_of
from casework.models import Assignment, Role, Session
from casework.teams import details_model_for


def annotate_for_list(cases):
    """Per-case session count and last session date as correlated subqueries rather than a
    GROUP BY over a join: the database then computes them for the page's rows only, after
    ORDER BY … LIMIT, instead of for every case of the team."""
    per_case = Session.objects.filter(case=OuterRef("pk")).order_by().values("case")
    return (
        cases.select_related("team")
        .annotate(
            session_count=Coalesce(Subquery(per_case.annotate(n=Count("pk")).values("n")[:1]), 0),
            last_session_on=Subquery(per_case.annotate(last=Max("held_on")).values("last")[:1]),
        )
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("worker").order_by("worker__username")))
    )


def filter_cases(cases, *, status=None, kind=None, opened_from=None, opened_to=None):
    if status:
        cases = cases.filter(status=status)
    if kind is not None:
        cases = cases.filter(Exists(Session.objects.filter(case=OuterRef("pk"), kind=kind)))
    if opened_from:
        cases = cases.filter(opened_on__gte=opened_from)
    if opened_to:
        cases = cases.filter(opened_on__lte=opened_to)
    return cases


# Bookkeeping columns that change with every save and mean nothing to a reader.
INTERNAL_FIELDS = {"version", "name_index", "national_number_index"}


def sessions_of(case):
    return case.sessions.select_related("kind", "worker").order_by("-held_on", "-created_at")


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
