"""Reads for the home pages, the agendas and "who saw my file". Each returns in a constant
number of queries whatever the number of rows (annotations, select_related, one pass in Python
over one query's rows)."""

import dataclasses
import datetime

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from casework.agenda.models import DEFAULT_FOLLOW_UP_DAYS, Appointment, CaseFollowUp, TeamFollowUp
from casework.models import Assignment, Case, Session

RELEASE_HORIZON_DAYS = 60
# The readings and changes of a file that its workers see in "who saw my file".
FILE_ACTIONS = (
    Action.CASE_VIEW, Action.CASE_EXPORT, Action.CASE_UPDATE, Action.CASE_CLOSE, Action.CASE_REOPEN,
    Action.CASE_CREATE, Action.CASE_ASSIGN, Action.CASE_UNASSIGN, Action.SESSION_CREATE, Action.SESSION_UPDATE,
    Action.BREAK_GLASS, Action.APPOINTMENT_PLAN, Action.APPOINTMENT_CANCEL, Action.FOLLOW_UP_SET,
)
EXPORT_ACTIONS = (Action.CASE_EXPORT,)
READ_ACTIONS = (Action.CASE_VIEW, Action.BREAK_GLASS)


def day_bounds(first_day, days=1):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min), tz)
    return start, start + datetime.timedelta(days=days)


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


def appointments_between(start, end, *, worker=None, teams=None):
    rows = Appointment.objects.filter(status=Appointment.Status.PLANNED, starts_at__gte=start, starts_at__lt=end)
    if worker is not None:
        rows = rows.filter(worker=worker)
    if teams is not None:
        rows = rows.filter(case__team__in=teams)
    return rows.select_related("case__team", "kind", "worker").order_by("starts_at")


def overdue_appointments(*, worker, before):
    """Planned appointments already past, with no session recorded: still to record or cancel."""
    return (Appointment.objects.filter(status=Appointment.Status.PLANNED, worker=worker, starts_at__lt=before)
            .select_related("case__team", "kind").order_by("starts_at"))


@dataclasses.dataclass
class FollowUp:
    case_id: object
    reference: str
    team_code: str
    last_session_on: datetime.date | None
    interval_days: int
    due_on: datetime.date
    next_appointment_at: datetime.datetime | None

    @property
    def overdue(self):
        return self.due_on < timezone.localdate()


def follow_ups_due(cases, *, today=None, within_days=0):
    """Open cases of ``cases`` due a follow-up by ``today + within_days``: no session for longer
    than the case's interval (its own, else its team's, else DEFAULT_FOLLOW_UP_DAYS), counting
    from the opening date when there is no session. Each carries its next planned appointment,
    if any (the page says so instead of offering to plan). One query; the dates are compared in
    Python (portable across SQLite and PostgreSQL)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    rows = (
        cases.filter(status=Case.Status.OPEN).order_by()
        .annotate(
            last_on=Subquery(Session.objects.filter(case=OuterRef("pk")).order_by().values("case")
                             .annotate(last=Max("held_on")).values("last")[:1]),
            case_days=Subquery(CaseFollowUp.objects.filter(case=OuterRef("pk")).values("days")[:1]),
            team_days=Subquery(TeamFollowUp.objects.filter(team=OuterRef("team")).values("days")[:1]),
        )
        .values("pk", "reference", "team__code", "opened_on", "last_on", "case_days", "team_days", "next_appointment_at")
    )
    due = []
    for row in rows:
        days = row["case_days"] or row["team_days"] or DEFAULT_FOLLOW_UP_DAYS
        due_on = (row["last_on"] or row["opened_on"]) + datetime.timedelta(days=days)
        if due_on > horizon:
            continue
        due.append(FollowUp(row["pk"], row["reference"], row["team__code"], row["last_on"], days, due_on,
                            row["next_appointment_at"]))
    due.sort(key=lambda f: (f.due_on, f.reference))
    return due


def assignment_changes_since(user, since):
    """Cases assigned to or taken from ``user`` since ``since`` (the previous visit), newest
    first: from the assignment history, so an assignment undone meanwhile still shows."""
    if since is None:
        since = timezone.now() - datetime.timedelta(days=7)
    rows = list(Assignment.history.filter(worker_id=user.pk, history_date__gt=since)
                .order_by("-history_date").values("case_id", "history_type", "history_date", "history_user__username")[:50])
    references = dict(Case.objects.filter(pk__in={r["case_id"] for r in rows}).values_list("pk", "reference"))
    return [{"case_id": r["case_id"], "reference": references.get(r["case_id"], "–"), "when": r["history_date"],
             "assigned": r["history_type"] == "+", "by": r["history_user__username"],
             "open": r["history_type"] == "+" and r["case_id"] in references} for r in rows]


def releases_soon(cases, *, today=None):
    """SCAPI cases of ``cases`` (the worker's own caseload only) whose expected release falls in
    the next RELEASE_HORIZON_DAYS. The date is encrypted: decrypted here, in memory, for these
    rows only, never filtered in SQL. Two queries."""
    from django.apps import apps

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=RELEASE_HORIZON_DAYS)
    details_model = apps.get_model("detainees", "DetentionDetails")
    rows = details_model.objects.filter(case__in=cases.filter(team__code="SCAPI", status=Case.Status.OPEN)).select_related("case")
    soon = [(row.expected_release, row.case) for row in rows
            if row.expected_release is not None and today <= row.expected_release <= horizon]
    return sorted(soon, key=lambda pair: (pair[0], pair[1].reference))


def team_workload(teams, follow_ups):
    """Per worker of the led teams: open caseload and overdue follow-ups. Two queries."""
    overdue_ids = {f.case_id for f in follow_ups if f.overdue}
    rows = (Assignment.objects.filter(case__team__in=teams, case__status=Case.Status.OPEN)
            .values("worker_id", "worker__username", "worker__first_name", "worker__last_name", "case_id"))
    per_worker = {}
    for row in rows:
        entry = per_worker.setdefault(row["worker_id"], {
            "worker_id": row["worker_id"], "username": row["worker__username"],
            "name": f'{row["worker__first_name"]} {row["worker__last_name"]}'.strip() or row["worker__username"],
            "caseload": 0, "overdue": 0})
        entry["caseload"] += 1
        entry["overdue"] += row["case_id"] in overdue_ids
    return sorted(per_worker.values(), key=lambda e: e["username"])


def unassigned_cases(teams):
    return (Case.objects.filter(team__in=teams, status=Case.Status.OPEN)
            .exclude(Exists(Assignment.objects.filter(case=OuterRef("pk"))))
            .select_related("team").order_by("opened_on", "reference"))


def team_emergency_accesses(team_codes, *, days=14):
    since = timezone.now() - datetime.timedelta(days=days)
    return (AuditEvent.objects.filter(action=Action.BREAK_GLASS, team__in=team_codes, at__gte=since)
            .order_by("-seq").values("seq", "at", "actor_username", "target_id", "target_ref")[:50])


def file_readers(case):
    """Every read, change and export of the case file from the audit chain, newest first, as a
    queryset (the view paginates): who, when, which part, emergency or not. The events of a
    case all carry its reference (index audit_ref_seq)."""
    return (AuditEvent.objects.filter(target_ref=case.reference, action__in=FILE_ACTIONS)
            .order_by("-seq").only("seq", "at", "actor_username", "action", "target_type", "detail", "justification"))


def describe_reading(event):
    detail = event.detail or {}
    return {
        "seq": event.seq, "at": event.at, "who": event.actor_username or "–",
        "action": event.action_label, "part": detail.get("part") or detail.get("format") or event.target_type,
        "emergency": event.action == Action.BREAK_GLASS or bool(detail.get("emergency")),
        "export": event.action in EXPORT_ACTIONS,
    }

