"""An installation upgraded to the audit lanes (audit migrations 0006-0007, decision 0014)
keeps a log that verifies: its events, hashed in the former encoding, become lane 1; its
former checkpoints still vouch for them; new events go to the lanes in the new encoding,
numbered after the old ones. Moving a former event out of its place is still caught.

Played the way an operator upgrades: a scratch PostgreSQL database migrated to the version
before lanes, a log written in that version's format, then ``migrate`` and ``verify_audit``
as separate processes."""

import base64
import datetime
import json
import os
import subprocess
import sys

import pytest

from audit import checkpoints
from audit.hashing import GENESIS_HASH, LEGACY_FORMAT, event_hash
from tests.ops.processes import ROOT
from tests.ops.test_production_smoke import scratch_database  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.postgres]


def _manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def _write_former_log(database_url, count):
    """``count`` events and the head as the version before lanes wrote them."""
    import psycopg

    previous, at = GENESIS_HASH, datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)
    with psycopg.connect(database_url, autocommit=True) as db:
        for seq in range(1, count + 1):
            row = {"seq": seq, "format": LEGACY_FORMAT, "at": at + datetime.timedelta(minutes=seq), "actor_id": None,
                   "actor_username": "worker.scapi", "action": "login", "target_type": "", "target_id": "",
                   "target_ref": "", "team": "", "client_ip": "192.0.2.7", "user_agent": "Firefox",
                   "justification": "", "detail": {}, "prev_hash": previous}
            row["hash"] = previous = event_hash(row)
            db.execute(
                "INSERT INTO audit_auditevent (seq, at, actor_username, action, target_type, target_id, target_ref, team,"
                " client_ip, user_agent, justification, detail, prev_hash, hash)"
                " VALUES (%s, %s, %s, %s, '', '', '', '', %s, %s, '', %s, %s, %s)",
                [seq, row["at"], row["actor_username"], row["action"], row["client_ip"], row["user_agent"],
                 json.dumps(row["detail"]), row["prev_hash"], row["hash"]])
        db.execute("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", [count, previous])
    return previous, at + datetime.timedelta(minutes=count)


def _write_former_checkpoint(folder, signing_key, seq, hash_, at):
    """A checkpoint file of format 1 (one head), signed as that version signed it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(signing_key))
    message = json.dumps({"format": checkpoints.LEGACY_FORMAT, "seq": seq, "hash": hash_,
                          "at": at.isoformat(timespec="microseconds")}, sort_keys=True, separators=(",", ":")).encode()
    day = checkpoints.day_folder(folder, at)
    day.mkdir(parents=True)
    (day / f"{seq:020d}-{at.strftime('%Y%m%dT%H%M%S%fZ')}.json").write_text(json.dumps({
        "format": checkpoints.LEGACY_FORMAT, "seq": seq, "hash": hash_, "at": at.isoformat(timespec="microseconds"),
        "key_id": checkpoints.key_id(private.public_key()), "signature": base64.b64encode(private.sign(message)).decode()}))


def test_an_upgraded_log_verifies_grows_in_lanes_and_still_catches_a_moved_event(scratch_database, tmp_path):
    import psycopg

    signing_key = base64.b64encode(os.urandom(32)).decode()
    folder = tmp_path / "checkpoints"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", "LANG": "C.UTF-8", "DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "casework.settings", "DATABASE_URL": scratch_database,
           "AUDIT_SIGNING_KEY": signing_key, "AUDIT_CHECKPOINT_DIR": str(folder),
           "AUDIT_CHECKPOINT_MAX_AGE_MINUTES": str(10 * 365 * 24 * 60)}
    for step in (("migrate", "--noinput"), ("migrate", "audit", "0005_lists_review_outcome", "--noinput")):
        result = _manage(env, *step)
        assert result.returncode == 0, result.stdout + result.stderr

    last_hash, last_at = _write_former_log(scratch_database, 3)
    _write_former_checkpoint(folder, signing_key, 3, last_hash, last_at)

    result = _manage(env, "migrate", "--noinput")
    assert result.returncode == 0, result.stdout + result.stderr
    result = _manage(env, "verify_audit", "--language", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 events checked in 16 lanes, 1 signed checkpoints" in result.stdout

    result = _manage(env, "shell", "-c", "from audit.actions import Action; from audit.services import audit_record; "
                     "[audit_record(actor=None, action=Action.LOGIN_FAILED, actor_username='x') for _ in range(2)]")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _manage(env, "write_audit_checkpoint").returncode == 0
    result = _manage(env, "verify_audit", "--language", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 events checked in 16 lanes, 2 signed checkpoints" in result.stdout
    with psycopg.connect(scratch_database, autocommit=True) as db:
        rows = db.execute("SELECT seq, lane, position, format FROM audit_auditevent ORDER BY seq").fetchall()
        assert rows[:3] == [(1, 1, 1, 1), (2, 1, 2, 1), (3, 1, 3, 1)]
        assert [(seq, fmt) for seq, _lane, _position, fmt in rows[3:]] == [(4, 2), (5, 2)]

        # The owner moves a former event into an empty lane: a gap where it was, and an event
        # beyond a head where it went.
        empty = max(set(range(1, 17)) - {lane for _seq, lane, _position, _format in rows})
        db.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        db.execute("UPDATE audit_auditevent SET lane = %s, position = 1 WHERE seq = 2", [empty])
    result = _manage(env, "verify_audit", "--language", "en")
    assert result.returncode == 1
    assert "missing: #1.2: deleted" in result.stderr
    assert f"beyond_head: #{empty}.1: lies beyond the chain head #{empty}.0" in result.stderr
