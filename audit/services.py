"""The audit app's state changes.

``audit_record`` is the one way to append to the chain; every other function here appends
through it: the auditor's own reads and exports, chain verification, anomaly detection and
anomaly reviews. Checkpoints (files, not rows) are written here too."""

import dataclasses
import datetime
import functools
import ipaddress
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import checkpoints, hashing
from audit.actions import KNOWN_ACTIONS, Action
from audit.anomalies import findings_between
from audit.models import Anomaly, AuditEvent, ChainHead
from audit.selectors import lane_heads
from audit.verification import BATCH_SIZE, verify_chain
from casework.extensions import app_hooks

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
USER_AGENT_MAX = 300
JUSTIFICATION_MAX = 2000


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a request came from: what the audit log keeps about the client."""

    client_ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request):
        if request is None:
            return cls()
        return cls(client_ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))


def _address(value):
    """An IP address as text, or None. A zone index ("fe80::1%eth0") says nothing about the
    client and no database type takes it."""
    try:
        return str(ipaddress.ip_address(value.strip().split("%", 1)[0])) if value else None
    except ValueError:
        return None


def _trusted(address):
    from django.conf import settings

    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(net, strict=False) for net in getattr(settings, "TRUSTED_PROXIES", ()))


def client_ip(request):
    """The client's address: the direct peer, unless that peer is one of TRUSTED_PROXIES; then
    X-Forwarded-For is read from the right (each trusted proxy appends the address it saw) up
    to the first address that is not a trusted proxy. A client can put anything at the left of
    the header, so nothing left of that address is believed. Used for audit events and, via
    AXES_CLIENT_IP_CALLABLE, for the lock-out."""
    address = _address(request.META.get("REMOTE_ADDR"))
    if not _trusted(address):
        return address
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _address(hop)
        if hop is None:
            break  # malformed: keep the last address a trusted proxy vouched for
        address = hop
        if not _trusted(hop):
            break
    return address


SYSTEM = Origin()


def clean_text(value: str, limit: int | None) -> str:
    """User-supplied text: no line breaks or control characters (they could forge lines in
    logs and CSV exports; PostgreSQL refuses NUL in text and jsonb), bounded length."""
    return _CONTROL.sub(" ", value or "")[:limit]


def _column(value, name):
    """A target field as stored: cleaned, stripped, cut to the column's size (an overlong or
    NUL-bearing URL part must not turn a refusal into a 500 that records nothing)."""
    return clean_text(str(value or ""), AuditEvent._meta.get_field(name).max_length).strip()


def clean_detail(value):
    """Every string of an event's details (keys included, at any depth) cleaned."""
    if isinstance(value, str):
        return clean_text(value, None)
    if isinstance(value, dict):
        return {clean_text(str(key), None): clean_detail(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_detail(item) for item in value]
    return value


def _stored_ip(address):
    """The address exactly as the database will give it back (Django rewrites some IPv6 forms,
    such as IPv4-mapped ones, before storing them), so that the hash computed now matches the
    row read back by the verification."""
    if not address:
        return None
    return AuditEvent._meta.get_field("client_ip").get_prep_value(address)


def audit_record(*, actor, action: Action, origin: Origin = SYSTEM, target_type="", target_id="",
                 target_ref="", team="", justification="", detail=None, actor_username=None) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    ``actor`` may be None for system actions and failed logins (then pass ``actor_username``,
    the name that was typed, which is kept cleaned but not trusted)."""
    if action not in KNOWN_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    # No savepoint of its own: an event that cannot be written fails the caller's action, and
    # the two round trips a savepoint costs are a third of an append's.
    with transaction.atomic(savepoint=False):
        lane, position, previous_hash, seq = _lane_head_locked()
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            seq=seq,
            lane=lane,
            position=position + 1,
            format=hashing.FORMAT,
            at=timezone.now(),
            actor=actor if authenticated else None,
            actor_username=clean_text(actor.get_username() if authenticated else (actor_username or ""), 150),
            action=str(action),
            target_type=_column(target_type, "target_type"),
            target_id=_column(target_id, "target_id"),
            target_ref=_column(target_ref, "target_ref"),
            team=_column(team, "team"),
            client_ip=_stored_ip(origin.client_ip),
            user_agent=clean_text(origin.user_agent, USER_AGENT_MAX),
            justification=clean_text(justification, JUSTIFICATION_MAX),
            detail=clean_detail(detail or {}),
            prev_hash=previous_hash,
        )
        event.hash = hashing.event_hash({**event.hashed_fields(), "actor_id": event.actor_id})
        _append(event)
        # Apps that react to events (notifications) hear of it once it is committed, never of
        # an event rolled back (audit_event_committed hook, casework/extensions.py).
        transaction.on_commit(lambda: _announce_committed(event))
    return event


# One statement each on PostgreSQL: an append is these two round trips inside the caller's
# transaction (bench/audit.py measures it against a plain INSERT).
_LOCK_FREE_LANE = """
    SELECT id, position, hash, nextval(pg_get_serial_sequence('audit_auditevent', 'seq'))
    FROM audit_chainhead ORDER BY id = %s DESC, random() LIMIT 1 FOR UPDATE SKIP LOCKED"""
_LOCK_LANE = "SELECT id, position, hash FROM audit_chainhead WHERE id = %s FOR UPDATE"
_NEXT_SEQ = "SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'seq'))"
_APPEND = """
    WITH appended AS (INSERT INTO audit_auditevent ({columns}) VALUES ({values}) RETURNING lane, position, hash)
    UPDATE audit_chainhead SET position = appended.position, hash = appended.hash
    FROM appended WHERE audit_chainhead.id = appended.lane"""


def _lane_head_locked() -> tuple[int, int, str, int]:
    """Lock the head of a lane for this transaction; return (lane, position, hash, next seq).

    On PostgreSQL, any lane no one else holds (``SKIP LOCKED``), preferring the one this
    connection used last: a transaction that records several events keeps its lane (it already
    holds it, so it never waits on a second one: no deadlock), and each app process tends to
    keep one lane, so processes rarely meet. Only when every lane is held does the writer wait,
    for its preferred one. ``seq`` comes from the table's sequence (a number a rolled-back
    action took is not reused: gaps are expected). Elsewhere (SQLite: one writer at a time
    anyway) always lane 1, and ``seq`` one more than the newest event's."""
    connection = connections[router.db_for_write(ChainHead)]
    if not connection.features.has_select_for_update_skip_locked:
        head = ChainHead.objects.select_for_update().get(pk=1)
        newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        return head.pk, head.position, head.hash, (newest or 0) + 1
    preferred = getattr(connection, "audit_lane", None) or _random_lane()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_FREE_LANE, [preferred])
        row = cursor.fetchone()
        if row is None:  # every lane is held: queue for ours
            cursor.execute(_LOCK_LANE, [preferred])
            row = cursor.fetchone()
            cursor.execute(_NEXT_SEQ)
            row = (*row, cursor.fetchone()[0])
    connection.audit_lane = row[0]
    return row


@functools.cache
def _lanes() -> tuple[int, ...]:
    """The lane numbers (fixed by migrations), read once per process."""
    return tuple(ChainHead.objects.order_by("pk").values_list("pk", flat=True))


def _random_lane() -> int:
    return secrets.choice(_lanes())


def _append(event: AuditEvent) -> None:
    """Write the event and move its lane's head (whose lock the transaction holds)."""
    connection = connections[router.db_for_write(AuditEvent)]
    if connection.vendor != "postgresql":
        event.save()
        ChainHead.objects.filter(pk=event.lane).update(position=event.position, hash=event.hash)
        return
    fields = AuditEvent._meta.concrete_fields
    sql = _APPEND.format(columns=", ".join(connection.ops.quote_name(field.column) for field in fields),
                         values=", ".join(["%s"] * len(fields)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields])
    event._state.adding = False
    event._state.db = connection.alias


def _announce_committed(event):
    for _config, hook in app_hooks("audit_event_committed"):
        hook(event)


# --- Reading the log: each look is itself an event ------------------------------------------

def audit_view_record(*, actor, origin: Origin, page: str, filters: dict | None = None, target_type="",
                      target_id="") -> AuditEvent:
    """An auditor looked at the log (a list, a case's or a user's page, the anomalies).

    The case reference of a per-case page goes into ``detail``, not ``target_ref``: the case's
    own trail lists who touched the case, not who read its trail."""
    return audit_record(actor=actor, action=Action.AUDIT_VIEW, origin=origin, target_type=target_type,
                        target_id=target_id, detail={"page": page, "filters": filters or {}})


def audit_export_record(*, actor, origin: Origin, filters: dict) -> int:
    """Record an export of the log and return the last seq it may contain.

    The export streams after this returns; bounding it by the newest event committed when the
    export was recorded keeps the export's own event (numbered later) out of it. An event of
    another lane still being written at that moment may carry a lower number and commit just
    after: a second export with the same bound can then hold one more row."""
    with transaction.atomic():
        up_to = AuditEvent.objects.aggregate(newest=Max("seq"))["newest"] or 0
        audit_record(actor=actor, action=Action.AUDIT_EXPORT, origin=origin, target_type="audit_log",
                     detail={"filters": filters, "up_to_seq": up_to})
    return up_to


# --- Integrity: checkpoints and verification ------------------------------------------------

def checkpoint_write(*, where=None):
    """Sign every lane's head and store the checkpoint outside the database (audit.checkpoints).

    Writes nothing when the newest checkpoint already vouches for the same heads (quiet nights
    would otherwise add identical files every ten minutes) or when the log is still empty.
    Not itself audited: the checkpoint files are the record, and an event would move the heads
    it has just signed."""
    checkpoint = checkpoints.checkpoint_sign(heads=lane_heads(), at=timezone.now())
    if not checkpoint.heads:
        return None
    newest = checkpoints.checkpoint_newest(where)
    if isinstance(newest, checkpoints.Checkpoint) and newest.heads == checkpoint.heads:
        return newest
    path = checkpoints.checkpoint_store(checkpoint, where)
    return dataclasses.replace(checkpoint, name=path.name)


def chain_verify_record(*, actor=None, origin: Origin = SYSTEM, where=None, batch_size: int = BATCH_SIZE):
    """Verify the chain and its checkpoints and record the result as an AUDIT_VERIFY event.

    The walk reads outside any transaction (it may take minutes on a large log); only the
    result is appended."""
    result = verify_chain(checkpoint_dir=where, batch_size=batch_size)
    audit_record(
        actor=actor, action=Action.AUDIT_VERIFY, origin=origin, target_type="audit_log",
        detail={
            "result": "ok" if result.ok else "failed",
            "checked": result.checked,
            "last_seq": result.last_seq,
            "first_bad_seq": result.first_bad_seq,
            "problems": len(result.problems),
            "kinds": sorted({problem.kind for problem in result.problems}),
            "checkpoints": result.checkpoints,
            "unsigned_overdue": result.unsigned_overdue,
        },
    )
    return result


# --- Anomalies ------------------------------------------------------------------------------

# A detection run never looks further back than this, however long ago the last run was.
DETECTION_MAX_DAYS = 31


@dataclasses.dataclass(frozen=True)
class DetectionSummary:
    first_day: datetime.date
    last_day: datetime.date
    found: int
    created: int
    updated: int
    reopened: int


def _detection_start(today):
    """The day after which nothing has been examined yet: the last run's last day (it may
    have run before that day ended), or yesterday on the first run."""
    last_run = (AuditEvent.objects.filter(action=Action.ANOMALY_DETECT).order_by("-seq")
                .values_list("detail", flat=True).first())
    start = today - datetime.timedelta(days=1)
    if last_run and last_run.get("to"):
        try:
            start = min(start, datetime.date.fromisoformat(last_run["to"]))
        except (TypeError, ValueError):
            pass
    return max(start, today - datetime.timedelta(days=DETECTION_MAX_DAYS))


def anomalies_detect(*, actor=None, origin: Origin = SYSTEM, first_day=None, last_day=None) -> DetectionSummary:
    """Run every anomaly rule over first_day..last_day (default: since the last run) and store
    the findings. Idempotent: a finding already stored is updated, not duplicated; a reviewed
    finding that has grown since (more events that day) goes back to the review queue, its
    earlier review staying in the audit log."""
    today = timezone.localdate()
    last_day = last_day or today
    first_day = first_day or _detection_start(today)
    if first_day > last_day:
        raise ValueError("first_day is after last_day")
    found = findings_between(first_day, last_day)
    created = updated = reopened = 0
    with transaction.atomic():
        now = timezone.now()
        for finding in found:
            anomaly, was_created = Anomaly.objects.select_for_update().get_or_create(
                kind=finding.kind, actor_id=finding.actor_id, day=finding.day, key=finding.key,
                defaults={"actor_username": finding.actor_username, "count": finding.count, "detail": finding.detail,
                          "event_seqs": finding.event_seqs, "detected_at": now, "updated_at": now},
            )
            if was_created:
                created += 1
                continue
            # The seqs of earlier reviews of a reopened finding stay with it.
            earlier_reviews = anomaly.detail.get("earlier_review_seqs", [])
            detail = {**finding.detail, **({"earlier_review_seqs": earlier_reviews} if earlier_reviews else {})}
            if (finding.count, detail, finding.event_seqs) == (anomaly.count, anomaly.detail, anomaly.event_seqs):
                continue
            if anomaly.is_reviewed:
                if finding.count <= anomaly.count:
                    continue  # reviewed and not grown: leave the review as it was
                detail["earlier_review_seqs"] = [*earlier_reviews, anomaly.review_seq]
                anomaly.reviewed_by, anomaly.reviewed_at, anomaly.review_comment, anomaly.review_seq = None, None, "", None
                reopened += 1
            anomaly.detail = detail
            anomaly.count, anomaly.event_seqs, anomaly.updated_at = finding.count, finding.event_seqs, now
            anomaly.save()
            updated += 1
        audit_record(
            actor=actor, action=Action.ANOMALY_DETECT, origin=origin, target_type="anomalies",
            detail={"from": first_day.isoformat(), "to": last_day.isoformat(), "found": len(found),
                    "created": created, "updated": updated, "reopened": reopened},
        )
    return DetectionSummary(first_day, last_day, len(found), created, updated, reopened)


def anomaly_break_glass_flag(*, event):
    """Put an emergency access in the auditor's queue at once, in the transaction that records
    it. The same finding as the nightly ``break_glass`` rule (same key), so that run finds it
    stored and adds nothing."""
    day = timezone.localtime(event.at).date()
    anomaly, _created = Anomaly.objects.get_or_create(
        kind=Anomaly.Kind.BREAK_GLASS, actor_id=event.actor_id, day=day, key=str(event.seq),
        defaults={"actor_username": event.actor_username, "count": 1,
                  "detail": {"team": event.team, "reference": event.target_ref}, "event_seqs": [event.seq],
                  "detected_at": event.at, "updated_at": event.at},
    )
    return anomaly


REVIEW_COMMENT_MAX = 2000


def anomaly_review(*, actor, origin: Origin, anomaly, comment: str, outcome: str):
    """Mark a finding reviewed with the auditor's outcome (justified, breach, escalated) and
    comment; the review is an audit event."""
    if outcome not in Anomaly.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the review.")})
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("A comment is required to mark this item reviewed.")})
    if len(comment) > REVIEW_COMMENT_MAX:
        raise ValidationError({"comment": _("The comment is too long.")})
    with transaction.atomic():
        current = Anomaly.objects.select_for_update().get(pk=anomaly.pk)
        if current.is_reviewed:
            raise ValidationError(_("This item has already been reviewed."))
        if current.actor_id == actor.pk:
            # Separation of duties: a finding about an auditor is reviewed by another auditor.
            raise ValidationError(_("A finding about yourself is reviewed by another auditor."))
        event = audit_record(
            actor=actor, action=Action.ANOMALY_REVIEW, origin=origin, target_type="anomaly", target_id=current.pk,
            team=current.detail.get("team", ""), justification=comment,
            detail={"kind": current.kind, "user": current.actor_username, "day": current.day.isoformat(),
                    "count": current.count, "outcome": outcome},
        )
        current.reviewed_by, current.reviewed_at = actor, event.at
        current.review_comment, current.review_seq, current.review_outcome = comment, event.seq, outcome
        current.save(update_fields=["reviewed_by", "reviewed_at", "review_comment", "review_seq", "review_outcome"])
    return current
