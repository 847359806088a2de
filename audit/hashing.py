"""The canonical encoding of an audit event and its chain hash.

The hash of an event is SHA-256 over the canonical JSON of its fields, which include the hash
of its predecessor in its lane (docs/decisions/0014); so editing, deleting, inserting or
reordering any event breaks every later link of that lane.

Two encodings exist. Format 2 (every event appended since the audit log has lanes) hashes the
lane, the position in the lane and the format itself besides the event's fields. Format 1
(events written before) hashed the fields only; such an event is always in lane 1 at the
position equal to its ``seq`` (the migration put it there and verification insists on it), so
its hashed ``seq`` pins its place as well.
"""

import datetime
import hashlib
import json

GENESIS_HASH = "0" * 64

LEGACY_FORMAT = 1
FORMAT = 2

LEGACY_HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_username", "action", "target_type", "target_id",
    "target_ref", "team", "client_ip", "user_agent", "justification", "detail", "prev_hash",
)
HASHED_FIELDS = LEGACY_HASHED_FIELDS + ("lane", "position", "format")


def _canonical_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")
    return value


def canonical_encoding(fields: dict) -> bytes:
    names = LEGACY_HASHED_FIELDS if fields["format"] == LEGACY_FORMAT else HASHED_FIELDS
    payload = {name: _canonical_value(fields[name]) for name in names}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(fields: dict) -> str:
    return hashlib.sha256(canonical_encoding(fields)).hexdigest()
