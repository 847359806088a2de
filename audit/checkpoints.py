"""Signed checkpoints of the lanes' heads, kept outside the database.

A hash chain shows that nothing inside it was changed, but not that nothing was cut off its
end: delete the newest events, rewind ChainHead, and the shorter chain still verifies. A
checkpoint is the statement "at time T, lane L held N events and its event N hashed to H",
for every lane at once, signed with an Ed25519 key the database never holds
(settings.AUDIT_SIGNING_KEY) and written as a file to settings.AUDIT_CHECKPOINT_DIR.
``verify_audit`` checks every checkpoint's signature, then that each lane still contains its
event N with hash H. Checkpoints of format 1 (written before the log had lanes) sign one head,
which is lane 1's.

One JSON file per checkpoint, named by the log's size (the sum of the lanes' positions, which
only grows) and time so that a directory listing
sorts them, in one folder per UTC day (``YYYY/MM/DD/``): a checkpoint every ten minutes is
52,000 files a year, and finding the newest (on every auditor page and before every new
checkpoint) must not list them all. The newest is found by descending the highest year, month
and day folders, so it costs the same on day 1 and after five years. Files of the former flat
layout are still read and are moved into their day folder by the next checkpoint written. Each is written to a temporary file, fsynced, renamed into place and the directory
fsynced: a crash leaves either the whole checkpoint or none, never half of one.

The directory must live on other storage than the database (another volume, a write-once
bucket, a log shipper): whoever can delete both the tail of the chain and the checkpoints
defeats the scheme.
"""

import base64
import dataclasses
import datetime
import hashlib
import json
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

LEGACY_FORMAT = "casework-audit-checkpoint/1"
FORMAT = "casework-audit-checkpoint/2"
SUFFIX = ".json"


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    heads: dict  # {lane: (position, hash)}, the lanes that held events
    at: datetime.datetime
    key_id: str
    signature: str
    name: str = ""
    format: str = FORMAT

    @property
    def seq(self) -> int:
        """How many events the log held: the sum of the lanes' positions."""
        return sum(position for position, _hash in self.heads.values())

    def signed_message(self) -> bytes:
        if self.format == LEGACY_FORMAT:
            position, hash_ = self.heads[1]
            return _legacy_signed_message(position, hash_, self.at)
        return signed_message(self.heads, self.at)


@dataclasses.dataclass(frozen=True)
class BadCheckpoint:
    """A file in the checkpoint directory that is not a valid checkpoint."""

    name: str
    reason: str  # "unreadable", "unknown_key" or "signature"
    seq: int | None = None


def signed_message(heads: dict, at: datetime.datetime) -> bytes:
    # The format string is part of the message, so a signature made for anything else with
    # this key can never pass for a checkpoint.
    payload = {"format": FORMAT, "heads": _heads_json(heads), "at": _iso(at)}
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def _legacy_signed_message(seq: int, hash_: str, at: datetime.datetime) -> bytes:
    payload = {"format": LEGACY_FORMAT, "seq": seq, "hash": hash_, "at": _iso(at)}
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def _heads_json(heads: dict) -> dict:
    return {str(lane): [position, hash_] for lane, (position, hash_) in sorted(heads.items())}


def _iso(at: datetime.datetime) -> str:
    return at.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")


def _private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.AUDIT_SIGNING_KEY))


def public_key() -> Ed25519PublicKey:
    """The verifying key, derived from the signing key in the settings."""
    return _private_key().public_key()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def directory() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def checkpoint_sign(*, heads: dict, at: datetime.datetime) -> Checkpoint:
    """Sign ``heads`` ({lane: (position, hash)}) as they were at ``at``; lanes still empty
    have nothing to vouch for and are left out."""
    heads = {int(lane): (int(position), str(hash_)) for lane, (position, hash_) in heads.items() if position > 0}
    private = _private_key()
    signature = private.sign(signed_message(heads, at))
    return Checkpoint(heads=heads, at=at, key_id=key_id(private.public_key()),
                      signature=base64.b64encode(signature).decode())


def file_name(checkpoint: Checkpoint) -> str:
    stamp = checkpoint.at.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{checkpoint.seq:020d}-{stamp}{SUFFIX}"


def day_folder(root: Path, at: datetime.datetime) -> Path:
    day = at.astimezone(datetime.timezone.utc)
    return root / f"{day.year:04d}" / f"{day.month:02d}" / f"{day.day:02d}"


def checkpoint_json(checkpoint: Checkpoint) -> str:
    """The content of a checkpoint's file."""
    return json.dumps({
        "format": FORMAT, "heads": _heads_json(checkpoint.heads), "at": _iso(checkpoint.at),
        "key_id": checkpoint.key_id, "signature": checkpoint.signature,
    }, sort_keys=True, indent=1) + "\n"


def checkpoint_store(checkpoint: Checkpoint, where: Path | None = None) -> Path:
    """Write the checkpoint durably and atomically into its day folder; return its path."""
    root = Path(where or directory())
    _move_flat_files(root)
    where = day_folder(root, checkpoint.at)
    where.mkdir(parents=True, exist_ok=True)
    content = checkpoint_json(checkpoint)
    target = where / file_name(checkpoint)
    fd, temporary = tempfile.mkstemp(dir=where, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(where)
    return target


def _fsync_directory(path: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _parse(path: Path, verifying_key: Ed25519PublicKey, expected_key_id: str) -> Checkpoint | BadCheckpoint:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") == LEGACY_FORMAT:
            heads = {1: (int(data["seq"]), str(data["hash"]))}
        elif data.get("format") == FORMAT:
            heads = {int(lane): (int(position), str(hash_)) for lane, (position, hash_) in data["heads"].items()}
        else:
            raise ValueError("format")
        checkpoint = Checkpoint(
            heads=heads, at=datetime.datetime.fromisoformat(data["at"]), key_id=str(data["key_id"]),
            signature=str(data["signature"]), name=path.name, format=data["format"],
        )
        if (not heads or any(lane < 1 or position < 1 for lane, (position, _hash) in heads.items())
                or checkpoint.at.tzinfo is None):
            raise ValueError("values")
        signature = base64.b64decode(checkpoint.signature, validate=True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return BadCheckpoint(name=path.name, reason="unreadable")
    if checkpoint.key_id != expected_key_id:
        # Signed with another key (an old one after a rotation, or an attacker's): it proves
        # nothing; rotating the signing key means archiving the old checkpoints.
        return BadCheckpoint(name=path.name, reason="unknown_key", seq=checkpoint.seq)
    try:
        verifying_key.verify(signature, checkpoint.signed_message())
    except InvalidSignature:
        return BadCheckpoint(name=path.name, reason="signature", seq=checkpoint.seq)
    return checkpoint


def _is_checkpoint_name(name: str) -> bool:
    return name.endswith(SUFFIX) and not name.startswith(".")


def _flat_files(root: Path) -> list[Path]:
    """Checkpoints of the former flat layout, straight in the root folder."""
    if not root.is_dir():
        return []
    return sorted(entry for entry in root.iterdir() if entry.is_file() and _is_checkpoint_name(entry.name))


def _move_flat_files(root: Path) -> None:
    """Move checkpoints of the flat layout into their day folder (the time is in the name)."""
    for path in _flat_files(root):
        try:
            at = datetime.datetime.strptime(path.name.split("-", 1)[1][: -len(SUFFIX)], "%Y%m%dT%H%M%S%fZ")
        except (IndexError, ValueError):
            continue  # not one of ours: verification reports it as unreadable where it is
        folder = day_folder(root, at.replace(tzinfo=datetime.timezone.utc))
        folder.mkdir(parents=True, exist_ok=True)
        os.replace(path, folder / path.name)
        _fsync_directory(folder)
    _fsync_directory(root)


def _numbered(folder: Path, digits: int) -> list[Path]:
    """The sub-folders of ``folder`` named by a number of ``digits`` digits, in order."""
    if not folder.is_dir():
        return []
    return sorted(entry for entry in folder.iterdir()
                  if entry.is_dir() and len(entry.name) == digits and entry.name.isdigit())


def _day_folders(root: Path, *, newest_first=False):
    for year in (reversed if newest_first else iter)(_numbered(root, 4)):
        for month in (reversed if newest_first else iter)(_numbered(year, 2)):
            yield from (reversed if newest_first else iter)(_numbered(month, 2))


def _files(where: Path) -> list[Path]:
    """Every checkpoint file, in name order (sequence number, then time)."""
    files = _flat_files(where)
    for day in _day_folders(where):
        files.extend(entry for entry in day.iterdir() if entry.is_file() and _is_checkpoint_name(entry.name))
    return sorted(files, key=lambda path: path.name)


def _newest_file(where: Path) -> Path | None:
    """The newest checkpoint file without listing every folder: the last file of the newest
    non-empty day folder (or of the flat layout, if newer)."""
    candidates = _flat_files(where)[-1:]
    for day in _day_folders(where, newest_first=True):
        names = sorted(entry for entry in day.iterdir() if entry.is_file() and _is_checkpoint_name(entry.name))
        if names:
            candidates.append(names[-1])
            break
    return max(candidates, key=lambda path: path.name) if candidates else None


def checkpoints_load(where: Path | None = None) -> tuple[list[Checkpoint], list[BadCheckpoint]]:
    """Every checkpoint in the directory, oldest first, with their signatures checked: the
    valid ones, and the files that are not valid checkpoints."""
    verifying_key = public_key()
    expected = key_id(verifying_key)
    valid, bad = [], []
    for path in _files(Path(where or directory())):
        parsed = _parse(path, verifying_key, expected)
        (valid if isinstance(parsed, Checkpoint) else bad).append(parsed)
    valid.sort(key=lambda c: (c.seq, c.at))
    return valid, bad


def checkpoint_newest(where: Path | None = None) -> Checkpoint | BadCheckpoint | None:
    """The newest checkpoint file (by name: highest seq, then latest time), checked."""
    newest = _newest_file(Path(where or directory()))
    if newest is None:
        return None
    verifying_key = public_key()
    return _parse(newest, verifying_key, key_id(verifying_key))
