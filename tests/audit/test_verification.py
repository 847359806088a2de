"""``verify_audit`` finds every kind of tampering with the audit table and names the first
event that does not verify. The attacker works by raw SQL with the database owner's rights
(tests/audit/conftest.py); the chain is the seeded demo chain plus a few events of the test."""

import base64
import datetime
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from audit.actions import Action
from audit.hashing import event_hash
from audit.models import AppendOnlyError, AuditEvent, ChainHead
from audit.services import Origin, audit_record, checkpoint_write, lane_heads
from audit.verification import verify_chain
from tests.conftest import require_postgres


def run_verify(*args):
    """Run the command as an operator would; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", "--language", "en", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
        err.write(str(exc))
    return status, out.getvalue(), err.getvalue()


class Positions(list):
    """Positions of events in one lane; ``at(p)`` names one as the verification does."""

    def __init__(self, lane, positions):
        super().__init__(positions)
        self.lane = lane

    def at(self, position):
        return f"#{self.lane}.{position}"


@pytest.fixture
def events(personas):
    """Six fresh events at the end of their lane (one connection keeps its lane): their
    positions."""
    worker = personas["worker.scapi"]
    origin = Origin(client_ip="10.1.2.3", user_agent="Firefox")
    recorded = [
        audit_record(actor=worker, action=Action.CASE_VIEW, origin=origin, target_type="case",
                     target_id=uuid.uuid4(), target_ref=f"SCAPI-2026-{n:04d}", team="SCAPI",
                     detail={"part": "detail", "n": n})
        for n in range(6)
    ]
    assert len({event.lane for event in recorded}) == 1
    return Positions(recorded[0].lane, [event.position for event in recorded])


def test_an_untouched_chain_verifies_and_the_command_exits_zero(events):
    status, out, err = run_verify()
    assert status == 0, err
    assert "Audit chain intact" in out
    assert f"{AuditEvent.objects.count()} events checked in 16 lanes" in out
    assert err == ""


def test_the_command_reads_the_chain_in_small_batches_with_the_same_result(events):
    status, out, _ = run_verify("--batch-size", "7")
    assert status == 0
    assert f"{AuditEvent.objects.count()} events checked" in out


def test_an_event_edited_by_raw_sql_is_named_as_edited(attacker, events):
    target = events[2]
    attacker.set(target, "target_ref", "SCAPI-2026-9999")
    status, _, err = run_verify()
    assert status == 1
    assert f"edited: {events.at(target)}:" in err
    assert f"first event that does not verify: {events.at(target)} (edited)" in err
    # One edit is one problem: the next event still links to the stored hash.
    assert err.count("\n") == 1


def test_an_event_whose_ip_address_was_changed_is_detected(attacker, events):
    attacker.set(events[0], "client_ip", "10.9.9.9")
    status, _, err = run_verify()
    assert status == 1
    assert f"edited: {events.at(events[0])}:" in err


def test_an_event_rewritten_and_rehashed_breaks_the_link_of_its_successor(attacker, events):
    target = events[2]
    attacker.set(target, "actor_username", "someone.else")
    attacker.rehash(target)
    status, _, err = run_verify()
    assert status == 1
    assert f"relinked: {events.at(target + 1)}: does not link to {events.at(target)}" in err


def test_a_deleted_event_is_named_as_missing(attacker, events):
    target = events[3]
    attacker.delete(target)
    status, _, err = run_verify()
    assert status == 1
    assert f"missing: {events.at(target)}: deleted" in err
    assert f"first event that does not verify: {events.at(target)} (missing)" in err


def test_a_deleted_event_with_the_later_ones_renumbered_is_detected(attacker, events):
    target = events[2]
    attacker.delete(target)
    for position in events[3:]:
        attacker.move(position, position - 1)
    attacker.rewind_head(events[-1] - 1)
    status, _, err = run_verify()
    assert status == 1
    assert (f"renumbered: {events.at(target)}: deleted, and the later events renumbered "
            f"(now {events.at(target)} to {events.at(events[-1] - 1)})") in err
    assert f"first event that does not verify: {events.at(target)} (renumbered)" in err


def test_a_forged_event_inserted_in_the_middle_is_named_as_inserted(attacker, events, personas):
    target = events[2]
    for position in reversed(events[2:]):
        attacker.move(position, position + 1)
    # A careful forger: the inserted event links to its predecessor and carries a valid hash.
    forged = {**attacker.row(target - 1), "seq": 9_000_000_000, "position": target,
              "prev_hash": attacker.row(target - 1)["hash"], "target_ref": "SCAPI-2026-0666", "detail": {"part": "detail"}}
    forged["hash"] = event_hash(forged)
    attacker.insert(forged)
    attacker.rewind_head(events[-1] + 1)
    status, _, err = run_verify()
    assert status == 1
    assert (f"inserted: {events.at(target)}: inserted (the events after them were renumbered, "
            f"now {events.at(target + 1)} to {events.at(events[-1] + 1)})") in err
    assert f"first event that does not verify: {events.at(target)} (inserted)" in err


def test_a_forged_event_appended_without_the_service_lies_beyond_the_head(attacker, events):
    last = attacker.row(events[-1])
    attacker.insert({**last, "seq": last["seq"] + 1, "position": last["position"] + 1, "prev_hash": last["hash"],
                     "action": "login", "hash": "f" * 64})
    status, _, err = run_verify()
    assert status == 1
    assert f"beyond_head: {events.at(events[-1] + 1)}: lies beyond the chain head {events.at(events[-1])}" in err


def test_a_forged_event_in_a_lane_that_does_not_exist_is_reported(attacker, events):
    last = attacker.row(events[-1])
    forged = {**last, "seq": last["seq"] + 1, "lane": 99, "position": 1, "prev_hash": "0" * 64}
    forged["hash"] = event_hash(forged)
    attacker.insert(forged)
    status, _, err = run_verify()
    assert status == 1
    assert "beyond_head: #99.1: lies beyond the chain head #99.0" in err


def test_a_forged_event_with_a_made_up_hash_is_detected_even_with_the_head_moved(attacker, events):
    last = attacker.row(events[-1])
    attacker.insert({**last, "seq": last["seq"] + 1, "position": last["position"] + 1, "prev_hash": last["hash"],
                     "target_ref": "", "hash": "e" * 64})
    attacker.rewind_head(events[-1] + 1)
    status, _, err = run_verify()
    assert status == 1
    assert f"edited: {events.at(events[-1] + 1)}:" in err


def test_two_events_swapped_are_named_as_reordered(attacker, events):
    first, second = events[1], events[4]
    attacker.move(first, 9_000_000_000)
    attacker.move(second, first)
    attacker.move(9_000_000_000, second)
    status, _, err = run_verify()
    assert status == 1
    assert f"reordered: {events.at(first)} and {events.at(second)}: swapped" in err
    assert f"first event that does not verify: {events.at(first)} (reordered)" in err


def test_a_tail_cut_off_together_with_the_head_is_caught_by_the_signed_checkpoint(attacker, events):
    checkpoint = checkpoint_write()
    assert checkpoint.heads[events.lane][0] == events[-1]
    attacker.delete(events[3], and_later=True)
    attacker.rewind_head(events[2])
    status, _, err = run_verify()
    assert status == 1
    assert (f"truncated: checkpoint {checkpoint_name()} vouches for {events.at(events[-1])} "
            f"but the chain ends at {events.at(events[2])}") in err


def test_a_tail_cut_off_without_touching_the_head_is_detected_by_the_head(attacker, events):
    attacker.delete(events[4], and_later=True)
    status, _, err = run_verify()
    assert status == 1
    assert f"head: the chain ends at {events.at(events[3])} but its head records {events.at(events[-1])}" in err


def test_a_tail_rewritten_and_rehashed_throughout_is_caught_by_the_checkpoint(attacker, events):
    checkpoint_write()
    # The most careful attacker: edit an event, then re-link and re-hash every later one, so
    # the chain alone verifies. Only the signed checkpoint still remembers the old head.
    attacker.set(events[1], "target_ref", "SCAPI-2026-0000")
    attacker.rehash(events[1])
    for position in events[2:]:
        attacker.set(position, "prev_hash", attacker.row(position - 1)["hash"])
        attacker.rehash(position)
    attacker.rewind_head(events[-1])
    status, _, err = run_verify()
    assert status == 1
    assert f"checkpoint_mismatch: checkpoint {checkpoint_name()} vouches for another {events.at(events[-1])}" in err


def checkpoint_name():
    from django.conf import settings

    (path,) = sorted(settings.AUDIT_CHECKPOINT_DIR.rglob("*.json"))
    return path.name


def test_a_checkpoint_whose_content_was_changed_fails_its_signature(events, checkpoint_dir):
    checkpoint_write()
    (path,) = checkpoint_dir.rglob("*.json")
    data = json.loads(path.read_text())
    data["heads"][str(events.lane)][0] -= 1
    path.write_text(json.dumps(data))
    status, _, err = run_verify()
    assert status == 1
    assert f"checkpoint_signature: checkpoint {path.name}: invalid signature" in err


def test_a_checkpoint_signed_with_another_key_is_refused(events, checkpoint_dir, settings):
    from audit import checkpoints

    project_key = settings.AUDIT_SIGNING_KEY
    settings.AUDIT_SIGNING_KEY = base64.b64encode(b"an attacker's own 32-byte key!!!").decode()
    forged = checkpoints.checkpoint_sign(heads={events.lane: (events[0], "0" * 64)},
                                         at=datetime.datetime.now(datetime.timezone.utc))
    checkpoints.checkpoint_store(forged)
    settings.AUDIT_SIGNING_KEY = project_key
    status, _, err = run_verify()
    assert status == 1
    assert "checkpoint_unknown_key" in err


def test_an_unreadable_checkpoint_file_is_reported(events, checkpoint_dir):
    checkpoint_dir.mkdir(parents=True)
    (checkpoint_dir / "00000000000000000001-x.json").write_text("{not json")
    status, _, err = run_verify()
    assert status == 1
    assert "checkpoint_unreadable: checkpoint 00000000000000000001-x.json: unreadable" in err


def test_genuine_checkpoints_verify(events, checkpoint_dir, personas):
    first = checkpoint_write()
    audit_record(actor=personas["auditor"], action=Action.AUDIT_VIEW)
    second = checkpoint_write()
    assert second.seq == first.seq + 1
    assert checkpoint_write() == second  # nothing new: no new file
    assert len(list(checkpoint_dir.rglob("*.json"))) == 2
    status, out, _ = run_verify()
    assert status == 0
    assert "2 signed checkpoints" in out


@pytest.mark.parametrize("address", ["127.0.0.1", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1:2:3:4", "fe80::1%eth0"])
def test_events_from_any_client_address_verify(personas, address):
    # The database may print an address differently from Python (PostgreSQL's inet type): the
    # hash must survive the round trip.
    audit_record(actor=personas["worker.rad"], action=Action.LOGIN, origin=Origin.from_request(_request(address)))
    status, _, err = run_verify()
    assert status == 0, err


def _request(address):
    from django.test import RequestFactory

    return RequestFactory().get("/", REMOTE_ADDR=address, HTTP_USER_AGENT="curl/8\r\nX-Forged: yes")


def test_the_model_refuses_to_change_or_delete_an_event(events):
    event = AuditEvent.objects.get(lane=events.lane, position=events[0])
    event.justification = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(justification="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.postgres
@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET justification = 'changed' WHERE position = %s",
    "DELETE FROM audit_auditevent WHERE position = %s",
    "TRUNCATE audit_auditevent",
])
def test_the_postgresql_trigger_rejects_update_delete_and_truncate(events, statement):
    require_postgres()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            # TRUNCATE refuses to run while the test's own inserts have deferred foreign-key
            # checks pending; run them first so that the statement reaches the trigger.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(statement, [events[0]] if "%s" in statement else None)
    assert AuditEvent.objects.filter(lane=events.lane, position=events[0], justification="").exists()


def test_the_head_matches_the_last_event_after_appending(events):
    head = ChainHead.objects.get(pk=events.lane)
    assert (head.position, head.hash) == (events[-1], AuditEvent.objects.get(lane=events.lane, position=events[-1]).hash)


def test_checkpoints_are_filed_by_day_and_the_newest_is_found_without_listing_every_day(events, checkpoint_dir):
    """Five years of checkpoints every ten minutes are 260,000 files: the newest must be found
    by descending the newest year, month and day folders, not by listing them all."""
    import datetime as dt

    from audit import checkpoints

    heads = lane_heads()
    for days_ago in (900, 400, 3):
        at = timezone.now() - dt.timedelta(days=days_ago)
        checkpoints.checkpoint_store(checkpoints.checkpoint_sign(heads=heads, at=at), checkpoint_dir)
    newest = checkpoints.checkpoint_sign(heads=heads, at=timezone.now())
    path = checkpoints.checkpoint_store(newest, checkpoint_dir)
    assert path.parent == checkpoints.day_folder(checkpoint_dir, newest.at)

    listed = []
    real_iterdir = type(checkpoint_dir).iterdir

    def counting_iterdir(self):
        listed.append(self)
        return real_iterdir(self)

    from unittest import mock

    with mock.patch.object(type(checkpoint_dir), "iterdir", counting_iterdir):
        found = checkpoints.checkpoint_newest(checkpoint_dir)
    assert found.name == path.name
    # the root, one year, one month, one day: never the older years' folders
    assert len(listed) <= 5, listed
    assert verify_chain(checkpoint_dir=checkpoint_dir).ok


def test_checkpoints_of_the_flat_layout_still_count_and_move_into_day_folders(events, checkpoint_dir):
    from audit import checkpoints

    heads = lane_heads()
    old = checkpoints.checkpoint_sign(heads=heads, at=timezone.now())
    checkpoint_dir.mkdir(parents=True)
    flat = checkpoint_dir / checkpoints.file_name(old)
    flat.write_text((checkpoints.checkpoint_store(old, checkpoint_dir)).read_text())
    for path in checkpoint_dir.rglob("*.json"):
        if path != flat:
            path.unlink()
    assert checkpoints.checkpoint_newest(checkpoint_dir).name == flat.name
    assert verify_chain(checkpoint_dir=checkpoint_dir).checkpoints == 1

    checkpoints.checkpoint_store(checkpoints.checkpoint_sign(heads=heads, at=timezone.now()), checkpoint_dir)
    assert not flat.exists()
    assert len(list(checkpoint_dir.rglob("*.json"))) == 2
    assert verify_chain(checkpoint_dir=checkpoint_dir).ok
