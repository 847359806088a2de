"""The key ring: loaded from the environment at settings time (so no Django import here).

``CASEWORK_ENCRYPTION_KEYS`` holds one or more AES-256 master keys, newest first, as
``id:base64`` pairs separated by commas (``k2:…,k1:…``). The first key encrypts every new value;
every listed key can decrypt. ``CASEWORK_BLIND_INDEX_KEY`` is a separate base64 key for the
HMAC blind indexes. Each variable has a ``_FILE`` variant naming a file that holds the value.

In development (DEBUG) the keys default to files under ``var/dev/``, generated on first use.
"""

import base64
import os
import re
from pathlib import Path

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
ENCRYPTION_KEYS = "CASEWORK_ENCRYPTION_KEYS"
BLIND_INDEX_KEY = "CASEWORK_BLIND_INDEX_KEY"


class KeyRingError(Exception):
    def __init__(self, variable, reason):
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


def new_key_b64() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _decode_key(variable, text):
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (ValueError, TypeError):
        raise KeyRingError(variable, "a key is not valid base64") from None
    if len(key) != 32:
        raise KeyRingError(variable, "each key must be 32 bytes (base64 of 32 random bytes)")
    return key


def parse_encryption_keys(text, variable=ENCRYPTION_KEYS):
    """``"k2:BASE64,k1:BASE64"`` -> ``[("k2", b"..."), ("k1", b"...")]``, newest first."""
    keys = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        key_id, sep, material = item.partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise KeyRingError(variable, "expected id:base64 pairs separated by commas, ids of letters, digits, - or _")
        if any(existing == key_id for existing, _ in keys):
            raise KeyRingError(variable, f"key id {key_id} is listed twice")
        keys.append((key_id, _decode_key(variable, material)))
    if not keys:
        raise KeyRingError(variable, "no key given")
    return keys


def dev_secret(dev_dir: Path, name: str, make) -> str:
    """Read (or create on first use) a development-only secret under var/dev/."""
    path = Path(dev_dir) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make() + "\n")
    return path.read_text().strip()


def load_keyring_settings(read, *, debug, dev_dir):
    """Return ``{"encryption_keys": [(id, key), ...], "blind_index_key": bytes}``.

    ``read(name)`` returns a variable's value (or its ``_FILE`` content) or None.
    """
    enc_text = read(ENCRYPTION_KEYS)
    if not enc_text:
        if not debug:
            raise KeyRingError(ENCRYPTION_KEYS, "required in production (or CASEWORK_ENCRYPTION_KEYS_FILE); generate one with 'python manage.py generate_key'")
        enc_text = dev_secret(dev_dir, "encryption_keys", lambda: f"dev1:{new_key_b64()}")
    bidx_text = read(BLIND_INDEX_KEY)
    if not bidx_text:
        if not debug:
            raise KeyRingError(BLIND_INDEX_KEY, "required in production (or CASEWORK_BLIND_INDEX_KEY_FILE)")
        bidx_text = dev_secret(dev_dir, "blind_index_key", new_key_b64)
    encryption_keys = parse_encryption_keys(enc_text)
    blind_index_key = _decode_key(BLIND_INDEX_KEY, bidx_text)
    if any(blind_index_key == key for _, key in encryption_keys):
        raise KeyRingError(BLIND_INDEX_KEY, "must differ from every encryption key")
    return {"encryption_keys": encryption_keys, "blind_index_key": blind_index_key}
