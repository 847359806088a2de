"""Walking the audit chain and the signed checkpoints: what ``verify_audit`` and the nightly
task run.

The walk reads the events in sequence order in batches (keyset on ``seq``, so memory stays
constant and each batch is one index range scan), recomputes every hash and checks:

- the sequence is gap-free (a gap: events were deleted);
- each event's stored hash matches its content (otherwise it was edited; if it matches under
  another sequence number, events were renumbered: inserted before it, deleted before it,
  or reordered);
- each event names its predecessor's stored hash (otherwise one of the two was rewritten and
  re-hashed, or the predecessor was inserted);
- the chain ends where ChainHead says it does, and nothing lies beyond the head;
- every signed checkpoint (audit.checkpoints) is genuine and the chain still holds its event
  with its hash (this catches a tail cut off together with ChainHead).

Link checks use the predecessor's *stored* hash, so one edited event is reported once, not
as a cascade through every later event; consecutive renumbered events are reported as one
range.
"""

import collections
import dataclasses
import datetime

from django.conf import settings
from django.db.models import Count, Min, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import checkpoints as checkpoint_files
from audit.hashing import GENESIS_HASH, HASHED_FIELDS, event_hash
from audit.models import AuditEvent, ChainHead

BATCH_SIZE = 5000
MAX_PROBLEMS = 100
# How far from its position a renumbered event's original sequence number is searched
# (besides the position its predecessor's hash points to).
RENUMBER_SEARCH = 10
_FIELDS = tuple(HASHED_FIELDS) + ("hash",)


@dataclasses.dataclass
class Problem:
    """One thing that does not verify. ``kind`` is a stable keyword (printed as is, stored in
    the AUDIT_VERIFY event); ``message()`` explains it in the active language."""

    kind: str
    seq: int | None
    params: dict = dataclasses.field(default_factory=dict)

    def message(self) -> str:
        p = {**self.params, "seq": self.seq}
        if "first" in p:
            p["events"] = _span(p["first"], p["last"])
        if "moved_first" in p:
            p["moved"] = _span(p["moved_first"], p["moved_last"])
        template = _messages().get(self.kind)
        return template % p if template else self.kind


def _span(first, last):
    return f"#{first}" if first == last else _("#%(first)s to #%(last)s") % {"first": first, "last": last}


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
    last_seq: int = 0
    head_seq: int = 0
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
    def first_bad_seq(self) -> int | None:
        """The first event that does not verify, in chain order."""
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None


class _Walk:
    def __init__(self, result, max_problems):
        self.result = result
        self.max_problems = max_problems
        self.expected = 1
        self.previous_hash = GENESIS_HASH
        self.previous_ok = True
        self.reported_swaps = set()

    def add(self, problem):
        problems = self.result.problems
        last = problems[-1] if problems else None
        # After one insertion or deletion every later event is renumbered by the same offset:
        # that is one problem, whose range of renumbered events grows.
        if (last is not None and problem.kind in ("inserted", "renumbered") and last.kind == problem.kind
                and last.params["offset"] == problem.params["offset"]
                and last.params["moved_last"] + 1 == problem.params["moved_first"]):
            last.params["moved_last"] = problem.params["moved_last"]
            return
        if len(problems) >= self.max_problems:
            self.result.truncated_report = True
            return
        problems.append(problem)

    def visit(self, row):
        seq = row["seq"]
        link_checkable = self.previous_ok
        if seq != self.expected:
            self.add(Problem("missing", self.expected, {"first": self.expected, "last": seq - 1}))
            link_checkable = False  # the gap already explains a broken link
        row_ok = event_hash(row) == row["hash"]
        if not row_ok:
            self._classify_mismatch(row)
        elif link_checkable and row["prev_hash"] != self.previous_hash:
            self.add(Problem("relinked", seq, {"previous": seq - 1}))
            row_ok = False
        self.previous_hash = row["hash"]
        self.previous_ok = row_ok
        self.expected = seq + 1
        self.result.checked += 1
        self.result.last_seq = seq

    def _classify_mismatch(self, row):
        seq = row["seq"]
        original = original_seq(row)
        if original is None:
            self.add(Problem("edited", seq))
            return
        if seq in self.reported_swaps:
            return
        moved = {"moved_first": seq, "moved_last": seq, "offset": original - seq}
        if _original_seq_at(original) == seq:
            self.reported_swaps.update({seq, original})
            self.add(Problem("reordered", min(seq, original), {"other": max(seq, original)}))
        elif original < seq:
            # It moved up: the positions original..seq-1 now hold inserted events.
            self.add(Problem("inserted", original, {"first": original, "last": seq - 1, **moved}))
        else:
            # It moved down: the events once numbered seq..original-1 are gone.
            self.add(Problem("renumbered", seq, {"first": seq, "last": original - 1, **moved}))


def original_seq(row) -> int | None:
    """The sequence number under which ``row``'s stored hash was computed, if it differs from
    the current one only by its number (a renumbered, not an edited, event)."""
    candidates = []
    if row["prev_hash"] == GENESIS_HASH:
        candidates.append(1)
    else:
        predecessor = AuditEvent.objects.filter(hash=row["prev_hash"]).values_list("seq", flat=True).first()
        if predecessor is not None:
            candidates.append(predecessor + 1)
    seq = row["seq"]
    for distance in range(1, RENUMBER_SEARCH + 1):
        candidates += [seq - distance, seq + distance]
    for candidate in candidates:
        if candidate >= 1 and candidate != seq and event_hash({**row, "seq": candidate}) == row["hash"]:
            return candidate
    return None


def _original_seq_at(seq):
    row = AuditEvent.objects.filter(seq=seq).values(*_FIELDS).first()
    if row is None or event_hash(row) == row["hash"]:
        return None
    return original_seq(row)


def verify_chain(*, batch_size: int = BATCH_SIZE, checkpoint_dir=None, max_problems: int = MAX_PROBLEMS) -> VerificationResult:
    """Verify the whole chain and the checkpoints. Reads only; safe while writers append."""
    result = VerificationResult()
    # Checkpoints first, then the head: every checkpoint then precedes the head we read, so a
    # checkpoint beyond it can only mean the chain was cut.
    valid, bad = checkpoint_files.checkpoints_load(checkpoint_dir)
    head = ChainHead.objects.get(pk=1)
    result.head_seq = head.seq
    result.checkpoints = len(valid)
    result.newest_checkpoint_seq = valid[-1].seq if valid else None
    walk = _Walk(result, max_problems)
    pending = collections.deque(valid)  # sorted by seq

    # Everything up to the head we read is committed (an event and its head update commit
    # together), so concurrent writers cannot make this walk see a gap.
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last, seq__lte=head.seq).order_by("seq").values(*_FIELDS)[:batch_size])
        if not batch:
            break
        for row in batch:
            walk.visit(row)
            while pending and pending[0].seq <= row["seq"]:
                checkpoint = pending.popleft()
                if checkpoint.seq == row["seq"]:
                    if checkpoint.hash != row["hash"]:
                        walk.add(Problem("checkpoint_mismatch", checkpoint.seq, {"file": checkpoint.name}))
                else:
                    walk.add(Problem("checkpoint_missing_event", checkpoint.seq, {"file": checkpoint.name}))
        last = batch[-1]["seq"]

    if result.last_seq != head.seq:
        walk.add(Problem("head", result.last_seq + 1, {"last": result.last_seq, "head": head.seq}))
    elif head.seq and head.hash != walk.previous_hash:
        walk.add(Problem("head", head.seq, {"last": result.last_seq, "head": head.seq}))
    # One statement, so a writer committing meanwhile (event and head together) is seen
    # consistently: only rows beyond the head *as of this statement* are reported.
    beyond = (AuditEvent.objects.filter(seq__gt=Subquery(ChainHead.objects.filter(pk=1).values("seq")))
              .order_by("seq").values_list("seq", flat=True).first())
    if beyond is not None:
        walk.add(Problem("beyond_head", beyond, {"head": head.seq}))
    for checkpoint in pending:
        if checkpoint.seq > result.last_seq:
            walk.add(Problem("truncated", checkpoint.seq, {"file": checkpoint.name, "last": result.last_seq}))
    for item in bad:
        walk.add(Problem(f"checkpoint_{item.reason}", item.seq, {"file": item.name}))
    _overdue(result, head.seq)
    return result


def _overdue(result, head_seq):
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES)
    overdue = AuditEvent.objects.filter(seq__gt=result.newest_checkpoint_seq or 0, seq__lte=head_seq, at__lt=cutoff)
    figures = overdue.aggregate(count=Count("seq"), first=Min("seq"))
    result.unsigned_overdue, result.unsigned_overdue_first_seq = figures["count"], figures["first"]
