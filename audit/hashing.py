"""The canonical encoding of an audit event and its chain hash.

The hash of event N is SHA-256 over the canonical JSON of its fields, which include the hash
of event N-1; so editing, deleting, inserting or reordering any event breaks every later link.
"""

import datetime
import hashlib
import json

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_username", "action", "target_type", "target_id",
    "target_ref", "team", "client_ip", "user_agent", "justification", "detail", "prev_hash",
)


def _canonical_value(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")
    return value


def canonical_encoding(fields: dict) -> bytes:
    payload = {name: _canonical_value(fields[name]) for name in HASHED_FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(fields: dict) -> str:
    return hashlib.sha256(canonical_encoding(fields)).hexdigest()
