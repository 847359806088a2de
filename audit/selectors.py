"""Reading the audit log for the auditor's workspace.

Paging is keyset on ``seq`` ("older than #N"), never OFFSET: with an index on
(filtered column, -seq) every page, the millionth as the first, is one short index range scan.
Nothing here joins to the case tables: events carry the case's reference and team, which is
all an auditor may see about a case.
"""

import dataclasses
import datetime

from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from audit import checkpoints
from audit.actions import Action
from audit.models import Anomaly, AuditEvent, ChainHead

PAGE_SIZE = 50
EXPORT_BATCH = 2000
SUMMARY_ROWS = 100
# A user's summary of cases covers this many days unless a period is chosen: it aggregates
# every matching event, which for a busy account over years would be slow.
USER_SUMMARY_DEFAULT_DAYS = 90


@dataclasses.dataclass(frozen=True)
class EventFilters:
    username: str = ""
    reference: str = ""
    team: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    actor_id: int | None = None

    def as_detail(self) -> dict:
        """The filters as recorded in the auditor's own AUDIT_VIEW / AUDIT_EXPORT event."""
        values = dataclasses.asdict(self)
        return {name: value.isoformat() if isinstance(value, datetime.date) else value
                for name, value in values.items() if value not in ("", None)}


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def events_filtered(filters: EventFilters):
    events = AuditEvent.objects.all()
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.username:
        events = events.filter(actor_username=filters.username)
    if filters.reference:
        events = events.filter(target_ref=filters.reference)
    if filters.team:
        events = events.filter(team=filters.team)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    return events


def events_for_export(filters: EventFilters, *, up_to_seq: int, batch: int = EXPORT_BATCH):
    """The filtered events up to ``up_to_seq``, oldest first, read in keyset batches so that
    an export of millions of rows streams in constant memory."""
    queryset = events_filtered(filters).filter(seq__lte=up_to_seq)
    last = 0
    while True:
        rows = list(queryset.filter(seq__gt=last).order_by("seq")[:batch])
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1].seq


def users_of_case(reference: str, filters: EventFilters):
    """Who touched the case with this reference: one row per account, busiest last seen first."""
    return (events_filtered(dataclasses.replace(filters, reference=reference)).order_by()
            .values("actor_id", "actor_username")
            .annotate(events=Count("seq"), first_at=Min("at"), last_at=Max("at"))
            .order_by("-last_at")[:SUMMARY_ROWS])


def cases_of_user(actor_id: int, filters: EventFilters):
    """Which cases (by reference) an account touched, most recent first."""
    if not filters.date_from and not filters.date_to:
        filters = dataclasses.replace(
            filters, date_from=timezone.localdate() - datetime.timedelta(days=USER_SUMMARY_DEFAULT_DAYS))
    return (events_filtered(dataclasses.replace(filters, actor_id=actor_id)).exclude(target_ref="").order_by()
            .values("target_ref", "team")
            .annotate(events=Count("seq"), last_at=Max("at"))
            .order_by("-last_at")[:SUMMARY_ROWS])


@dataclasses.dataclass(frozen=True)
class ChainStatus:
    events: int  # what the lanes' heads record (the sum of their positions)
    newest_seq: int | None
    last_verification: AuditEvent | None
    newest_checkpoint: "checkpoints.Checkpoint | checkpoints.BadCheckpoint | None"

    @property
    def verification_ok(self):
        return self.last_verification is not None and self.last_verification.detail.get("result") == "ok"

    @property
    def checkpoint_valid(self):
        return isinstance(self.newest_checkpoint, checkpoints.Checkpoint)

    @property
    def checkpoint_lag(self):
        """Events appended since the newest valid checkpoint."""
        return self.events - self.newest_checkpoint.seq if self.checkpoint_valid else None


def lane_heads() -> dict[int, tuple[int, str]]:
    """Every lane's head, {lane: (position, hash)}, read in one statement."""
    return {lane: (position, hash_) for lane, position, hash_ in
            ChainHead.objects.order_by("pk").values_list("pk", "position", "hash")}


def chain_status() -> ChainStatus:
    return ChainStatus(
        events=ChainHead.objects.aggregate(events=Sum("position"))["events"] or 0,
        newest_seq=AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first(),
        last_verification=AuditEvent.objects.filter(action=Action.AUDIT_VERIFY).order_by("-seq").first(),
        newest_checkpoint=checkpoints.checkpoint_newest(),
    )


def anomalies_queue(*, reviewed: bool, before: int | None = None, size: int = PAGE_SIZE):
    """Findings to review (or reviewed), newest first, keyset-paged on id."""
    queryset = Anomaly.objects.reviewed() if reviewed else Anomaly.objects.unreviewed()
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset.order_by("-id")[:size + 1])
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def anomalies_unreviewed_count() -> int:
    return Anomaly.objects.unreviewed().count()


def events_by_seq(seqs):
    return AuditEvent.objects.filter(seq__in=list(seqs)).order_by("seq")
