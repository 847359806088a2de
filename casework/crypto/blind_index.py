"""Blind indexes: a keyed HMAC of a normalised value, for exact-match look-up without plaintext.

The HMAC key is separate from the encryption keys (``CASEWORK_BLIND_INDEX_KEY``). Each kind of
value is normalised so that the spellings a worker may type for the same person match:
- national register number: digits only;
- full name: accents removed, case folded, punctuation and hyphens as spaces, words sorted
  (so "Peeters Jan", "jan PEETERS" and "Jan-Peeters" are the same person).
"""

import hashlib
import hmac
import re
import unicodedata

from casework.crypto.cipher import keyring

NATIONAL_NUMBER = "nrn"
FULL_NAME = "name"


def normalise_name(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.split(r"[^\w]+|_", ascii_only.casefold())
    return " ".join(sorted(word for word in words if word))


def normalise_national_number(value: str) -> str:
    return re.sub(r"\D", "", value)


_NORMALISERS = {NATIONAL_NUMBER: normalise_national_number, FULL_NAME: normalise_name}


def blind_index(kind: str, value: str) -> str:
    """Hex HMAC-SHA256 of the normalised value, or "" for an empty value."""
    normalised = _NORMALISERS[kind](value or "")
    if not normalised:
        return ""
    message = f"{kind}:{normalised}".encode()
    return hmac.new(keyring().blind_index_key, message, hashlib.sha256).hexdigest()
