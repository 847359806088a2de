"""Walking the audit log's lanes and the signed checkpoints: what ``verify_audit`` and the
nightly task run.

Each lane (docs/decisions/0014) is walked in position order in batches (keyset on
(lane, position), so memory stays constant and each batch is one index range scan); every
hash is recomputed and the walk checks:

- positions are gap-free (a gap: events were deleted);
- each event's stored hash matches its content (otherwise it was edited; if it matches under
  another position, events were renumbered: inserted before it, deleted before it, or
  reordered); an event hashed in the former encoding must still be in lane 1 at the position
  equal to its ``seq``;
- each event names its predecessor's stored hash (otherwise one of the two was rewritten and
  re-hashed, or the predecessor was inserted);
- the lane ends where its ChainHead says it does, nothing lies beyond it, and no event is in a
  lane that has no head;
- every signed checkpoint (audit.checkpoints) is genuine and each lane still holds the event
  the checkpoint names with its hash (this catches a tail cut off together with its head).

Problems name events by lane and position, "#3.57" for the 57th event of lane 3.

Link checks use the predecessor's *stored* hash, so one edited event is reported once, not
as a cascade through every later event; consecutive renumbered events are reported as one
range.
"""

import collections
import dataclasses
import datetime

from django.conf import settings
from django.db.models import Count, Min, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import checkpoints as checkpoint_files
from audit.hashing import FORMAT, GENESIS_HASH, HASHED_FIELDS, event_hash
from audit.models import AuditEvent, ChainHead
from audit.selectors import lane_heads

BATCH_SIZE = 5000
MAX_PROBLEMS = 100
# How far from its position a renumbered event's original position is searched (besides the
# position its predecessor's hash points to).
RENUMBER_SEARCH = 10
_FIELDS = tuple(HASHED_FIELDS) + ("hash",)


@dataclasses.dataclass
class Problem:
    """One thing that does not verify. ``kind`` is a stable keyword (printed as is, stored in
    the AUDIT_VERIFY event); ``position`` is where in ``lane`` (None for a problem of a
    checkpoint file); ``message()`` explains it in the active language."""

    kind: str
    position: int | None
    params: dict = dataclasses.field(default_factory=dict)
    lane: int | None = None

    # Parameters that are positions in the problem's lane, shown as "lane.position".
    POSITIONS = ("first", "last", "moved_first", "moved_last", "previous", "other", "head")

    @property
    def label(self) -> str | None:
        return None if self.position is None else _label(self.lane, self.position)

    def message(self) -> str:
        p = {**self.params, "seq": self.label}
        if "first" in p:
            p["events"] = _span(self.lane, p["first"], p["last"])
        if "moved_first" in p:
            p["moved"] = _span(self.lane, p["moved_first"], p["moved_last"])
        for key in self.POSITIONS:
            if isinstance(p.get(key), int):
                p[key] = _label(self.lane, p[key])
        template = _messages().get(self.kind)
        return template % p if template else self.kind


def _label(lane, position) -> str:
    return f"{lane}.{position}"


def _span(lane, first, last):
    if first == last:
        return f"#{_label(lane, first)}"
    return _("#%(first)s to #%(last)s") % {"first": _label(lane, first), "last": _label(lane, last)}


def _messages():
    # Built at call time so that each message is translated into the active language.
    return {
        "missing": _("%(events)s: deleted (the sequence has a gap)"),
        "edited": _("#%(seq)s: its content does not match its hash (edited, or forged)"),
        "inserted": _("%(events)s: inserted (the events after them were renumbered, now %(moved)s)"),
        "renumbered": _("%(events)s: deleted, and the later events renumbered (now %(moved)s)"),
        "reordered": _("#%(seq)s and #%(other)s: swapped (reordered)"),
        "relinked": _("#%(seq)s: does not link to #%(previous)s (one of them was rewritten and re-hashed, "
                      "or #%(previous)s was inserted)"),
        "head": _("the chain ends at #%(last)s but its head records #%(head)s (the newest events were "
                  "deleted, or the head was altered)"),
        "beyond_head": _("#%(seq)s: lies beyond the chain head #%(head)s (added outside the audit service)"),
        "truncated": _("checkpoint %(file)s vouches for #%(seq)s but the chain ends at #%(last)s (its tail "
                       "was cut off)"),
        "checkpoint_mismatch": _("checkpoint %(file)s vouches for another #%(seq)s (the chain was rewritten "
                                 "up to there)"),
        "checkpoint_missing_event": _("checkpoint %(file)s vouches for #%(seq)s, which is missing"),
        "checkpoint_signature": _("checkpoint %(file)s: invalid signature (forged or altered)"),
        "checkpoint_unknown_key": _("checkpoint %(file)s: signed with an unknown key"),
        "checkpoint_unreadable": _("checkpoint %(file)s: unreadable"),
    }


@dataclasses.dataclass
class VerificationResult:
    checked: int = 0
    last_seq: int = 0  # the highest ``seq`` walked
    head_seq: int = 0  # how many events the heads record (the sum of their positions)
    lanes: int = 0
    checkpoints: int = 0
    newest_checkpoint_seq: int | None = None
    problems: list = dataclasses.field(default_factory=list)
    truncated_report: bool = False  # more problems existed than MAX_PROBLEMS
    # Events older than AUDIT_CHECKPOINT_MAX_AGE_MINUTES that no signed checkpoint covers yet:
    # the checkpoint writer has stopped, and a tail cut off now would go unnoticed.
    unsigned_overdue: int = 0
    unsigned_overdue_first_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> str | None:
        """The first event that does not verify, in lane order, as "lane.position"."""
        placed = [p for p in self.problems if p.position is not None]
        if not placed:
            return None
        return min(placed, key=lambda p: (p.lane, p.position)).label


class _Problems:
    """The problems found so far, capped, with consecutive renumberings merged."""

    def __init__(self, result, max_problems):
        self.result = result
        self.max_problems = max_problems

    def add(self, problem):
        problems = self.result.problems
        last = problems[-1] if problems else None
        # After one insertion or deletion every later event of the lane is renumbered by the
        # same offset: that is one problem, whose range of renumbered events grows.
        if (last is not None and problem.kind in ("inserted", "renumbered") and last.kind == problem.kind
                and last.lane == problem.lane and last.params["offset"] == problem.params["offset"]
                and last.params["moved_last"] + 1 == problem.params["moved_first"]):
            last.params["moved_last"] = problem.params["moved_last"]
            return
        if len(problems) >= self.max_problems:
            self.result.truncated_report = True
            return
        problems.append(problem)


class _LaneWalk:
    def __init__(self, result, problems, lane):
        self.result = result
        self.problems = problems
        self.lane = lane
        self.expected = 1
        self.previous_hash = GENESIS_HASH
        self.previous_ok = True
        self.last_position = 0
        self.reported_swaps = set()

    def add(self, kind, position, params=None):
        self.problems.add(Problem(kind, position, params or {}, lane=self.lane))

    def visit(self, row):
        position = row["position"]
        link_checkable = self.previous_ok
        if position != self.expected:
            self.add("missing", self.expected, {"first": self.expected, "last": position - 1})
            link_checkable = False  # the gap already explains a broken link
        row_ok = hash_verifies(row)
        if not row_ok:
            self._classify_mismatch(row)
        elif link_checkable and row["prev_hash"] != self.previous_hash:
            self.add("relinked", position, {"previous": position - 1})
            row_ok = False
        self.previous_hash = row["hash"]
        self.previous_ok = row_ok
        self.expected = position + 1
        self.last_position = position
        self.result.checked += 1
        self.result.last_seq = max(self.result.last_seq, row["seq"])

    def _classify_mismatch(self, row):
        position = row["position"]
        original = original_position(row)
        if original is None:
            self.add("edited", position)
            return
        if position in self.reported_swaps:
            return
        moved = {"moved_first": position, "moved_last": position, "offset": original - position}
        if _original_position_at(self.lane, original) == position:
            self.reported_swaps.update({position, original})
            self.add("reordered", min(position, original), {"other": max(position, original)})
        elif original < position:
            # It moved up: the positions original..position-1 now hold inserted events.
            self.add("inserted", original, {"first": original, "last": position - 1, **moved})
        else:
            # It moved down: the events once at position..original-1 are gone.
            self.add("renumbered", position, {"first": position, "last": original - 1, **moved})


def hash_verifies(row) -> bool:
    """The stored hash matches the event's content, and an event in the former encoding is
    where the migration put it (lane 1, at the position equal to its hashed ``seq``)."""
    if row["format"] != FORMAT and (row["lane"] != 1 or row["position"] != row["seq"]):
        return False
    return event_hash(row) == row["hash"]


def _at_position(row, position):
    """``row`` as it would be at another position of its lane (a former-encoding event's
    position is its ``seq``, which is what its hash covers)."""
    if row["format"] != FORMAT:
        return {**row, "position": position, "seq": position}
    return {**row, "position": position}


def original_position(row) -> int | None:
    """The position under which ``row``'s stored hash was computed, if it differs from the
    current one only by its position (a renumbered, not an edited, event)."""
    candidates = []
    if row["prev_hash"] == GENESIS_HASH:
        candidates.append(1)
    else:
        predecessor = (AuditEvent.objects.filter(hash=row["prev_hash"], lane=row["lane"])
                       .values_list("position", flat=True).first())
        if predecessor is not None:
            candidates.append(predecessor + 1)
    position = row["position"]
    for distance in range(1, RENUMBER_SEARCH + 1):
        candidates += [position - distance, position + distance]
    for candidate in candidates:
        if candidate >= 1 and candidate != position and hash_verifies(_at_position(row, candidate)):
            return candidate
    return None


def _original_position_at(lane, position):
    row = AuditEvent.objects.filter(lane=lane, position=position).values(*_FIELDS).first()
    if row is None or hash_verifies(row):
        return None
    return original_position(row)


def _checkpointed_positions(valid, lane):
    """What the checkpoints say about ``lane``, oldest first, as (position, hash, file); a
    lane that did not move between two checkpoints is listed once."""
    entries = []
    for checkpoint in valid:
        head = checkpoint.heads.get(lane)
        if head is not None and (not entries or entries[-1][:2] != head):
            entries.append((*head, checkpoint.name))
    entries.sort(key=lambda entry: entry[0])
    return collections.deque(entries)


def verify_chain(*, batch_size: int = BATCH_SIZE, checkpoint_dir=None, max_problems: int = MAX_PROBLEMS) -> VerificationResult:
    """Verify every lane and the checkpoints. Reads only; safe while writers append."""
    result = VerificationResult()
    problems = _Problems(result, max_problems)
    # Checkpoints first, then the heads: every checkpoint then precedes the heads we read, so
    # a checkpoint beyond a head can only mean the lane was cut.
    valid, bad = checkpoint_files.checkpoints_load(checkpoint_dir)
    heads = lane_heads()
    result.head_seq = sum(position for position, _hash in heads.values())
    result.lanes = len(heads)
    result.checkpoints = len(valid)
    result.newest_checkpoint_seq = valid[-1].seq if valid else None

    for lane, (head_position, head_hash) in heads.items():
        _verify_lane(result, problems, lane, head_position, head_hash, _checkpointed_positions(valid, lane), batch_size)
    for lane in sorted({lane for checkpoint in valid for lane in checkpoint.heads} - set(heads)):
        position, _hash, name = _checkpointed_positions(valid, lane)[-1]
        problems.add(Problem("truncated", position, {"file": name, "last": 0}, lane=lane))
    stray = AuditEvent.objects.exclude(lane__in=list(heads)).order_by("seq").values("lane", "position").first()
    if stray is not None:
        problems.add(Problem("beyond_head", stray["position"], {"head": 0}, lane=stray["lane"]))
    for item in bad:
        problems.add(Problem(f"checkpoint_{item.reason}", None, {"file": item.name}))
    _overdue(result, valid[-1] if valid else None, heads)
    return result


def _verify_lane(result, problems, lane, head_position, head_hash, pending, batch_size):
    walk = _LaneWalk(result, problems, lane)
    # Everything up to the head we read is committed (an event and its head move commit
    # together), so concurrent writers cannot make this walk see a gap.
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(lane=lane, position__gt=last, position__lte=head_position)
                     .order_by("position").values(*_FIELDS)[:batch_size])
        if not batch:
            break
        for row in batch:
            walk.visit(row)
            while pending and pending[0][0] <= row["position"]:
                position, hash_, name = pending.popleft()
                if position == row["position"]:
                    if hash_ != row["hash"]:
                        walk.add("checkpoint_mismatch", position, {"file": name})
                else:
                    walk.add("checkpoint_missing_event", position, {"file": name})
        last = batch[-1]["position"]

    if walk.last_position != head_position:
        walk.add("head", walk.last_position + 1, {"last": walk.last_position, "head": head_position})
    elif head_position and head_hash != walk.previous_hash:
        walk.add("head", head_position, {"last": walk.last_position, "head": head_position})
    # One statement, so a writer committing meanwhile (event and head together) is seen
    # consistently: only rows beyond the head *as of this statement* are reported.
    beyond = (AuditEvent.objects.filter(lane=lane, position__gt=Subquery(ChainHead.objects.filter(pk=lane).values("position")))
              .order_by("position").values_list("position", flat=True).first())
    if beyond is not None:
        walk.add("beyond_head", beyond, {"head": head_position})
    for position, _hash, name in pending:
        if position > walk.last_position:
            walk.add("truncated", position, {"file": name, "last": walk.last_position})


def _overdue(result, newest, heads):
    """Count the events older than the allowed age that the newest checkpoint does not cover."""
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES)
    covered = newest.heads if newest is not None else {}
    uncovered = Q()
    for lane, (head_position, _hash) in heads.items():
        signed = covered.get(lane, (0, ""))[0]
        if head_position > signed:
            uncovered |= Q(lane=lane, position__gt=signed, position__lte=head_position)
    if not uncovered:
        result.unsigned_overdue, result.unsigned_overdue_first_seq = 0, None
        return
    figures = AuditEvent.objects.filter(uncovered, at__lt=cutoff).aggregate(count=Count("seq"), first=Min("seq"))
    result.unsigned_overdue, result.unsigned_overdue_first_seq = figures["count"], figures["first"]
