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
from audit.services import Origin, audit_record, checkpoint_write
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


@pytest.fixture
def events(personas):
    """Six fresh events at the end of the chain: their seqs."""
    worker = personas["worker.scapi"]
    origin = Origin(client_ip="10.1.2.3", user_agent="Firefox")
    return [
        audit_record(actor=worker, action=Action.CASE_VIEW, origin=origin, target_type="case",
                     target_id=uuid.uuid4(), target_ref=f"SCAPI-2026-{n:04d}", team="SCAPI",
                     detail={"part": "detail", "n": n}).seq
        for n in range(6)
    ]


def test_an_untouched_chain_verifies_and_the_command_exits_zero(events):
    status, out, err = run_verify()
    assert status == 0, err
    assert "Audit chain intact" in out
    assert f"head #{events[-1]}" in out
    assert err == ""


def test_the_command_reads_the_chain_in_small_batches_with_the_same_result(events):
    status, out, _ = run_verify("--batch-size", "7")
    assert status == 0
    assert f"{events[-1]} events checked" in out


def test_an_event_edited_by_raw_sql_is_named_as_edited(attacker, events):
    target = events[2]
    attacker.execute("UPDATE audit_auditevent SET target_ref = %s WHERE seq = %s", ["SCAPI-2026-9999", target])
    status, _, err = run_verify()
    assert status == 1
    assert f"edited: #{target}:" in err
    assert f"first event that does not verify: #{target} (edited)" in err
    # One edit is one problem: the next event still links to the stored hash.
    assert err.count("\n") == 1


def test_an_event_whose_ip_address_was_changed_is_detected(attacker, events):
    attacker.execute("UPDATE audit_auditevent SET client_ip = %s WHERE seq = %s", ["10.9.9.9", events[0]])
    status, _, err = run_verify()
    assert status == 1
    assert f"edited: #{events[0]}:" in err


def test_an_event_rewritten_and_rehashed_breaks_the_link_of_its_successor(attacker, events):
    target = events[2]
    attacker.execute("UPDATE audit_auditevent SET actor_username = %s WHERE seq = %s", ["someone.else", target])
    attacker.rehash(target)
    status, _, err = run_verify()
    assert status == 1
    assert f"relinked: #{target + 1}: does not link to #{target}" in err


def test_a_deleted_event_is_named_as_missing(attacker, events):
    target = events[3]
    attacker.execute("DELETE FROM audit_auditevent WHERE seq = %s", [target])
    status, _, err = run_verify()
    assert status == 1
    assert f"missing: #{target}: deleted" in err
    assert f"first event that does not verify: #{target} (missing)" in err


def test_a_deleted_event_with_the_later_ones_renumbered_is_detected(attacker, events):
    target = events[2]
    attacker.execute("DELETE FROM audit_auditevent WHERE seq = %s", [target])
    for seq in events[3:]:
        attacker.move(seq, seq - 1)
    attacker.rewind_head(events[-1] - 1)
    status, _, err = run_verify()
    assert status == 1
    assert f"renumbered: #{target}: deleted, and the later events renumbered (now #{target} to #{events[-1] - 1})" in err
    assert f"first event that does not verify: #{target} (renumbered)" in err


def test_a_forged_event_inserted_in_the_middle_is_named_as_inserted(attacker, events, personas):
    target = events[2]
    for seq in reversed(events[2:]):
        attacker.move(seq, seq + 1)
    # A careful forger: the inserted event links to its predecessor and carries a valid hash.
    forged = {**attacker.row(target - 1), "seq": target, "prev_hash": attacker.row(target - 1)["hash"],
              "target_ref": "SCAPI-2026-0666", "detail": {"part": "detail"}}
    forged["hash"] = event_hash(forged)
    attacker.execute(
        "INSERT INTO audit_auditevent (seq, at, actor_id, actor_username, action, target_type, target_id, target_ref,"
        " team, client_ip, user_agent, justification, detail, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [forged["seq"], forged["at"], forged["actor_id"], forged["actor_username"], forged["action"],
         forged["target_type"], forged["target_id"], forged["target_ref"], forged["team"], forged["client_ip"],
         forged["user_agent"], forged["justification"], json.dumps(forged["detail"]), forged["prev_hash"], forged["hash"]],
    )
    attacker.rewind_head(events[-1] + 1)
    status, _, err = run_verify()
    assert status == 1
    assert f"inserted: #{target}: inserted (the events after them were renumbered, now #{target + 1} to #{events[-1] + 1})" in err
    assert f"first event that does not verify: #{target} (inserted)" in err


def test_a_forged_event_appended_without_the_service_lies_beyond_the_head(attacker, events):
    last = attacker.row(events[-1])
    forged = {**last, "seq": last["seq"] + 1, "prev_hash": last["hash"]}
    attacker.execute(
        "INSERT INTO audit_auditevent (seq, at, actor_username, action, target_type, target_id, target_ref, team,"
        " user_agent, justification, detail, prev_hash, hash) VALUES (%s, %s, '', 'login', '', '', '', '', '', '',"
        " '{}', %s, %s)",
        [forged["seq"], forged["at"], forged["prev_hash"], "f" * 64],
    )
    status, _, err = run_verify()
    assert status == 1
    assert f"beyond_head: #{forged['seq']}: lies beyond the chain head #{last['seq']}" in err


def test_a_forged_event_with_a_made_up_hash_is_detected_even_with_the_head_moved(attacker, events):
    last = attacker.row(events[-1])
    attacker.execute(
        "INSERT INTO audit_auditevent (seq, at, actor_username, action, target_type, target_id, target_ref, team,"
        " user_agent, justification, detail, prev_hash, hash) VALUES (%s, %s, 'worker.scapi', 'case_view', 'case',"
        " '', '', '', '', '', '{}', %s, %s)",
        [last["seq"] + 1, last["at"], last["hash"], "e" * 64],
    )
    attacker.execute("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", [last["seq"] + 1, "e" * 64])
    status, _, err = run_verify()
    assert status == 1
    assert f"edited: #{last['seq'] + 1}:" in err


def test_two_events_swapped_are_named_as_reordered(attacker, events):
    first, second = events[1], events[4]
    attacker.move(first, 9_000_000_000)
    attacker.move(second, first)
    attacker.move(9_000_000_000, second)
    status, _, err = run_verify()
    assert status == 1
    assert f"reordered: #{first} and #{second}: swapped" in err
    assert f"first event that does not verify: #{first} (reordered)" in err


def test_a_tail_cut_off_together_with_the_head_is_caught_by_the_signed_checkpoint(attacker, events):
    checkpoint = checkpoint_write()
    assert checkpoint.seq == events[-1]
    attacker.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [events[3]])
    attacker.rewind_head(events[2])
    status, _, err = run_verify()
    assert status == 1
    assert f"truncated: checkpoint {checkpoint_name()} vouches for #{events[-1]} but the chain ends at #{events[2]}" in err


def test_a_tail_cut_off_without_touching_the_head_is_detected_by_the_head(attacker, events):
    attacker.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [events[4]])
    status, _, err = run_verify()
    assert status == 1
    assert f"head: the chain ends at #{events[3]} but its head records #{events[-1]}" in err


def test_a_tail_rewritten_and_rehashed_throughout_is_caught_by_the_checkpoint(attacker, events):
    checkpoint_write()
    # The most careful attacker: edit an event, then re-link and re-hash every later one, so
    # the chain alone verifies. Only the signed checkpoint still remembers the old head.
    attacker.execute("UPDATE audit_auditevent SET target_ref = 'SCAPI-2026-0000' WHERE seq = %s", [events[1]])
    attacker.rehash(events[1])
    for seq in events[2:]:
        attacker.execute("UPDATE audit_auditevent SET prev_hash = %s WHERE seq = %s", [attacker.row(seq - 1)["hash"], seq])
        attacker.rehash(seq)
    attacker.rewind_head(events[-1])
    status, _, err = run_verify()
    assert status == 1
    assert f"checkpoint_mismatch: checkpoint {checkpoint_name()} vouches for another #{events[-1]}" in err


def checkpoint_name():
    from django.conf import settings

    (path,) = sorted(settings.AUDIT_CHECKPOINT_DIR.rglob("*.json"))
    return path.name


def test_a_checkpoint_whose_content_was_changed_fails_its_signature(events, checkpoint_dir):
    checkpoint_write()
    (path,) = checkpoint_dir.rglob("*.json")
    data = json.loads(path.read_text())
    data["seq"] -= 1
    path.write_text(json.dumps(data))
    status, _, err = run_verify()
    assert status == 1
    assert f"checkpoint_signature: checkpoint {path.name}: invalid signature" in err


def test_a_checkpoint_signed_with_another_key_is_refused(events, checkpoint_dir, settings):
    from audit import checkpoints

    project_key = settings.AUDIT_SIGNING_KEY
    settings.AUDIT_SIGNING_KEY = base64.b64encode(b"an attacker's own 32-byte key!!!").decode()
    forged = checkpoints.checkpoint_sign(seq=events[0], hash_="0" * 64, at=datetime.datetime.now(datetime.timezone.utc))
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
    event = AuditEvent.objects.get(seq=events[0])
    event.justification = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=events[0]).update(justification="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=events[0]).delete()


@pytest.mark.postgres
@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET justification = 'changed' WHERE seq = %s",
    "DELETE FROM audit_auditevent WHERE seq = %s",
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
    assert AuditEvent.objects.filter(seq=events[0], justification="").exists()


def test_the_head_matches_the_last_event_after_appending(events):
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (events[-1], AuditEvent.objects.get(seq=events[-1]).hash)


def test_checkpoints_are_filed_by_day_and_the_newest_is_found_without_listing_every_day(events, checkpoint_dir):
    """Five years of checkpoints every ten minutes are 260,000 files: the newest must be found
    by descending the newest year, month and day folders, not by listing them all."""
    import datetime as dt

    from audit import checkpoints

    head = ChainHead.objects.get(pk=1)
    for days_ago in (900, 400, 3):
        at = timezone.now() - dt.timedelta(days=days_ago)
        checkpoints.checkpoint_store(checkpoints.checkpoint_sign(seq=head.seq, hash_=head.hash, at=at), checkpoint_dir)
    newest = checkpoints.checkpoint_sign(seq=head.seq, hash_=head.hash, at=timezone.now())
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

    head = ChainHead.objects.get(pk=1)
    old = checkpoints.checkpoint_sign(seq=head.seq, hash_=head.hash, at=timezone.now())
    checkpoint_dir.mkdir(parents=True)
    flat = checkpoint_dir / checkpoints.file_name(old)
    flat.write_text((checkpoints.checkpoint_store(old, checkpoint_dir)).read_text())
    for path in checkpoint_dir.rglob("*.json"):
        if path != flat:
            path.unlink()
    assert checkpoints.checkpoint_newest(checkpoint_dir).name == flat.name
    assert verify_chain(checkpoint_dir=checkpoint_dir).checkpoints == 1

    checkpoints.checkpoint_store(checkpoints.checkpoint_sign(seq=head.seq, hash_=head.hash, at=timezone.now()), checkpoint_dir)
    assert not flat.exists()
    assert len(list(checkpoint_dir.rglob("*.json"))) == 2
    assert verify_chain(checkpoint_dir=checkpoint_dir).ok
