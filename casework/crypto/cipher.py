"""AES-256-GCM with associated data, in a versioned token format that names its key.

Token: ``enc1:<key id>:<base64url(12-byte nonce || ciphertext || 16-byte tag)>``.

The associated data binds a ciphertext to where it lives (``table|column|row id``): a token
copied into another row or column fails authentication and raises ``DecryptionError``.
"""

import base64
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "enc1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A token that does not authenticate: wrong place, wrong key, or tampered with."""


class KeyRing:
    def __init__(self, encryption_keys, blind_index_key):
        if not encryption_keys:
            raise ValueError("a key ring needs at least one key")
        self._keys = {key_id: AESGCM(key) for key_id, key in encryption_keys}
        self.active_key_id = encryption_keys[0][0]
        self.key_ids = [key_id for key_id, _ in encryption_keys]
        self.blind_index_key = blind_index_key

    def encrypt(self, plaintext: bytes, aad: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.active_key_id].encrypt(nonce, plaintext, aad)
        return f"{PREFIX}:{self.active_key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, aad: bytes) -> bytes:
        key_id = token_key_id(token)
        cipher = self._keys.get(key_id)
        if cipher is None:
            raise DecryptionError(f"no key {key_id!r} in the key ring")
        try:
            raw = base64.urlsafe_b64decode(token.split(":", 2)[2])
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
        except (InvalidTag, ValueError, IndexError):
            # No detail: the message must not help anyone probe the ciphertext.
            raise DecryptionError("ciphertext does not authenticate for this table, column and row") from None


def token_key_id(token: str) -> str:
    prefix, _, rest = token.partition(":")
    key_id, sep, _ = rest.partition(":")
    if prefix != PREFIX or not sep:
        raise DecryptionError("not an encrypted value of a known format")
    return key_id


@functools.cache
def keyring() -> KeyRing:
    config = settings.CASEWORK_KEYRING
    return KeyRing(config["encryption_keys"], config["blind_index_key"])


def reset_keyring_cache():
    """For key rotation in tests and in the rotate_keys command after settings change."""
    keyring.cache_clear()
