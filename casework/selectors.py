"""Reads of case data for the views: permission-filtered querysets with a constant number of
queries per page (annotations and one prefetch, whatever the page size)."""

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from casework.models import Assignment, Session


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
    from casework.teams import details_model_for

    entries = []

    def collect(records, label):
        records = list(records)
        for index, record in enumerate(records):
            previous = records[index + 1] if index + 1 < len(records) and records[index + 1].pk_value == record.pk_value else None
            if record.history_type == "~" and previous is not None:
                changed = [change.field for change in record.diff_against(previous).changes if change.field not in INTERNAL_FIELDS]
            else:
                changed = []
            entries.append({
                "when": record.history_date, "who": record.history_user, "type": record.history_type,
                "object": label, "fields": [_verbose(record, name) for name in changed],
            })

    history_case = case.history.select_related("history_user").order_by("-history_date", "-history_id")
    collect(_with_pk(history_case, "id"), "case")
    details_history = details_model_for(case.team).history.filter(case_id=case.pk).select_related("history_user").order_by("-history_date", "-history_id")
    collect(_with_pk(details_history, "case_id"), "details")
    session_history = Session.history.filter(case_id=case.pk).select_related("history_user", "kind").order_by("id", "-history_date", "-history_id")
    collect(_with_pk(session_history, "id"), "session")
    assignment_history = Assignment.history.filter(case_id=case.pk).select_related("history_user", "worker").order_by("id", "-history_date", "-history_id")
    for record in assignment_history:
        entries.append({"when": record.history_date, "who": record.history_user, "type": record.history_type,
                        "object": "assignment", "fields": [], "worker": record.worker})
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries


def _with_pk(records, attname):
    for record in records:
        record.pk_value = getattr(record, attname)
        yield record


def _verbose(record, name):
    try:
        return str(record.instance_type._meta.get_field(name).verbose_name)
    except Exception:
        return name
