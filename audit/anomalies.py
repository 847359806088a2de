"""Anomaly rules: aggregate queries over the audit log that flag what an auditor should look at.

Days are calendar days in settings.TIME_ZONE (Europe/Brussels). The rules:

- ``many_cases``: a user read (CASE_VIEW, CASE_EXPORT) more distinct cases in a day than
  max(MANY_CASES_FLOOR, MANY_CASES_FACTOR × their usual day), their usual day being the median
  over the previous BASELINE_DAYS days *on which they read at least one case*. Days off do not
  count: a part-time worker's usual day is one they worked. The floor keeps a newcomer (no
  history, median 0) or a quiet worker from being flagged for an ordinary busy day.
- ``off_hours``: case work (reading, changing, assigning, sessions, emergency access) done
  through the web (events with a client address) before WORKDAY_START_HOUR, from
  WORKDAY_END_HOUR, or on a Saturday or Sunday. Commands and tasks run by operators (demo
  seeding, imports) carry no client address and are not anyone's working hours. Public
  holidays are not known to the product and are not flagged.
- ``foreign_team``: refused access to a case of a team the user is neither a worker nor a lead
  of (membership as it is now: a revoked member's later attempts are foreign).
- ``repeated_refusals``: REPEATED_REFUSALS_MIN or more refused accesses in a day.
- ``break_glass``: every emergency access, one finding per event.
- ``role_then_reads``: a role was granted to (activated for) an account and the same account
  read a case within ROLE_READS_HOURS after it (separation of duties: a grant followed at once
  by reads is what self-granted access looks like). One finding per grant event.

Each setting can be overridden in Django settings under the same name prefixed ``AUDIT_``
(for instance ``AUDIT_WORKDAY_END_HOUR = 21``). Findings carry counts, codes and sequence
numbers only: the evidence is the audit events themselves.
"""

import dataclasses
import datetime
import statistics

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from audit.actions import Action
from audit.models import Anomaly, AuditEvent
from casework.models import Role

WORKDAY_START_HOUR = 7
WORKDAY_END_HOUR = 20
WEEKEND_ISO_DAYS = (6, 7)
MANY_CASES_FLOOR = 20
MANY_CASES_FACTOR = 3
BASELINE_DAYS = 30
REPEATED_REFUSALS_MIN = 5
ROLE_READS_HOURS = 24
# How many event seqs a finding keeps as evidence (its count says how many there were).
EVIDENCE_MAX = 50

READ_ACTIONS = (Action.CASE_VIEW, Action.CASE_EXPORT)
CASE_WORK_ACTIONS = (
    Action.CASE_LIST, Action.CASE_VIEW, Action.CASE_EXPORT, Action.CASE_CREATE, Action.CASE_UPDATE,
    Action.CASE_CLOSE, Action.CASE_REOPEN, Action.CASE_ASSIGN, Action.CASE_UNASSIGN,
    Action.CASE_DUPLICATE_CHECK, Action.SESSION_CREATE, Action.SESSION_UPDATE, Action.BREAK_GLASS,
)


def rule_setting(name):
    return getattr(settings, f"AUDIT_{name}", globals()[name])


@dataclasses.dataclass
class Finding:
    kind: str
    actor_id: int
    actor_username: str
    day: datetime.date
    key: str
    count: int
    detail: dict
    event_seqs: list


def _bounds(first_day, last_day):
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min), tz)
    return start, end


def _events(first_day, last_day):
    start, end = _bounds(first_day, last_day)
    # .order_by() drops the model's default ordering, which would otherwise join GROUP BY.
    return AuditEvent.objects.filter(at__gte=start, at__lt=end, actor__isnull=False).order_by()


def _by_day(queryset):
    return queryset.annotate(day=TruncDate("at", tzinfo=timezone.get_default_timezone()))


def _evidence(queryset, actor_id, day):
    start, end = _bounds(day, day)
    return list(queryset.filter(actor_id=actor_id, at__gte=start, at__lt=end)
                .order_by("seq").values_list("seq", flat=True)[:EVIDENCE_MAX])


def _off_hours_filter():
    return (Q(local_hour__lt=rule_setting("WORKDAY_START_HOUR")) | Q(local_hour__gte=rule_setting("WORKDAY_END_HOUR"))
            | Q(local_weekday__in=rule_setting("WEEKEND_ISO_DAYS")))


def _case_reads(first_day, last_day):
    return _events(first_day, last_day).filter(action__in=READ_ACTIONS, target_type="case").exclude(target_id="")


def many_cases(first_day, last_day) -> list[Finding]:
    floor, factor, baseline_days = rule_setting("MANY_CASES_FLOOR"), rule_setting("MANY_CASES_FACTOR"), rule_setting("BASELINE_DAYS")
    reads = _case_reads
    daily = (_by_day(reads(first_day, last_day)).values("actor_id", "day")
             .annotate(cases=Count("target_id", distinct=True), username=Max("actor_username")))
    candidates = [row for row in daily if row["cases"] > floor]
    if not candidates:
        return []
    # One query for every candidate's history rather than one per candidate and day.
    history = {}
    past = (_by_day(reads(first_day - datetime.timedelta(days=baseline_days), last_day))
            .filter(actor_id__in={row["actor_id"] for row in candidates})
            .values("actor_id", "day").annotate(cases=Count("target_id", distinct=True)))
    for row in past:
        history[(row["actor_id"], row["day"])] = row["cases"]
    findings = []
    for row in candidates:
        usual_days = [history.get((row["actor_id"], row["day"] - datetime.timedelta(days=n)), 0)
                      for n in range(1, baseline_days + 1)]
        usual_days = [cases for cases in usual_days if cases]
        median = statistics.median(usual_days) if usual_days else 0
        threshold = max(floor, factor * median)
        if row["cases"] > threshold:
            findings.append(Finding(
                kind=Anomaly.Kind.MANY_CASES, actor_id=row["actor_id"], actor_username=row["username"], day=row["day"],
                key="", count=row["cases"],
                detail={"distinct_cases": row["cases"], "median": median, "threshold": threshold, "baseline_days": len(usual_days)},
                event_seqs=_evidence(reads(first_day, last_day), row["actor_id"], row["day"]),
            ))
    return findings


def off_hours(first_day, last_day) -> list[Finding]:
    tz = timezone.get_default_timezone()
    work = (_events(first_day, last_day).filter(action__in=CASE_WORK_ACTIONS, client_ip__isnull=False)
            .annotate(local_hour=ExtractHour("at", tzinfo=tz), local_weekday=ExtractIsoWeekDay("at", tzinfo=tz))
            .filter(_off_hours_filter()))
    rows = _by_day(work).values("actor_id", "day").annotate(events=Count("seq"), username=Max("actor_username"))
    start_hour, end_hour = rule_setting("WORKDAY_START_HOUR"), rule_setting("WORKDAY_END_HOUR")
    return [
        Finding(
            kind=Anomaly.Kind.OFF_HOURS, actor_id=row["actor_id"], actor_username=row["username"], day=row["day"], key="",
            count=row["events"],
            detail={"events": row["events"], "weekend": row["day"].isoweekday() in rule_setting("WEEKEND_ISO_DAYS"),
                    "working_hours": f"{start_hour:02d}:00-{end_hour:02d}:00"},
            event_seqs=_evidence(work, row["actor_id"], row["day"]),
        )
        for row in rows
    ]


def foreign_team(first_day, last_day) -> list[Finding]:
    member = Role.objects.filter(user=OuterRef("actor_id"), team__code=OuterRef("team"), kind__in=Role.TEAM_KINDS)
    attempts = _events(first_day, last_day).filter(action=Action.ACCESS_REFUSED).exclude(team="").filter(~Exists(member))
    rows = _by_day(attempts).values("actor_id", "day", "team").annotate(events=Count("seq"), username=Max("actor_username"))
    return [
        Finding(
            kind=Anomaly.Kind.FOREIGN_TEAM, actor_id=row["actor_id"], actor_username=row["username"], day=row["day"],
            key=row["team"], count=row["events"], detail={"team": row["team"], "events": row["events"]},
            event_seqs=_evidence(attempts.filter(team=row["team"]), row["actor_id"], row["day"]),
        )
        for row in rows
    ]


def repeated_refusals(first_day, last_day) -> list[Finding]:
    refusals = _events(first_day, last_day).filter(action=Action.ACCESS_REFUSED)
    minimum = rule_setting("REPEATED_REFUSALS_MIN")
    rows = (_by_day(refusals).values("actor_id", "day").annotate(events=Count("seq"), username=Max("actor_username"))
            .filter(events__gte=minimum))
    return [
        Finding(
            kind=Anomaly.Kind.REPEATED_REFUSALS, actor_id=row["actor_id"], actor_username=row["username"], day=row["day"],
            key="", count=row["events"], detail={"events": row["events"], "minimum": minimum},
            event_seqs=_evidence(refusals, row["actor_id"], row["day"]),
        )
        for row in rows
    ]


def break_glass(first_day, last_day) -> list[Finding]:
    tz = timezone.get_default_timezone()
    rows = (_events(first_day, last_day).filter(action=Action.BREAK_GLASS)
            .values("seq", "actor_id", "actor_username", "at", "team", "target_ref"))
    return [
        Finding(
            kind=Anomaly.Kind.BREAK_GLASS, actor_id=row["actor_id"], actor_username=row["actor_username"],
            day=row["at"].astimezone(tz).date(), key=str(row["seq"]), count=1,
            detail={"team": row["team"], "reference": row["target_ref"]}, event_seqs=[row["seq"]],
        )
        for row in rows
    ]


def role_then_reads(first_day, last_day) -> list[Finding]:
    """Case reads by the grantee within ROLE_READS_HOURS of each role grant (ROLE_GRANT events,
    whose target is the account that received the role). The finding is the grantee's, on the
    day of the grant; grants of the days first_day..last_day are examined (the reads may fall
    on the next day)."""
    tz = timezone.get_default_timezone()
    hours = rule_setting("ROLE_READS_HOURS")
    start, end = _bounds(first_day, last_day)
    grants = (AuditEvent.objects.filter(action=Action.ROLE_GRANT, target_type="user", at__gte=start, at__lt=end)
              .order_by("seq").values("seq", "at", "target_id", "team", "detail"))
    findings = []
    for grant in grants:
        if not str(grant["target_id"]).isdigit():
            continue
        reads = (AuditEvent.objects.filter(actor_id=int(grant["target_id"]), action__in=READ_ACTIONS, target_type="case",
                                           at__gte=grant["at"], at__lt=grant["at"] + datetime.timedelta(hours=hours))
                 .order_by("seq"))
        seqs = list(reads.values_list("seq", flat=True)[:EVIDENCE_MAX])
        if not seqs:
            continue
        count = reads.count()
        username = (grant["detail"] or {}).get("username", "")
        findings.append(Finding(
            kind=Anomaly.Kind.ROLE_THEN_READS, actor_id=int(grant["target_id"]), actor_username=username,
            day=grant["at"].astimezone(tz).date(), key=str(grant["seq"]), count=count,
            detail={"role": (grant["detail"] or {}).get("role", ""), "team": grant["team"], "reads": count, "hours": hours},
            event_seqs=[grant["seq"], *seqs],
        ))
    return findings


RULES = (many_cases, off_hours, foreign_team, repeated_refusals, break_glass, role_then_reads)


def findings_between(first_day: datetime.date, last_day: datetime.date) -> list[Finding]:
    """Every rule's findings for the days first_day..last_day (inclusive)."""
    return [finding for rule in RULES for finding in rule(first_day, last_day)]
