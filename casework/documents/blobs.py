"""Streaming encryption of a document's bytes: AES-256-GCM over fixed-size chunks.

Blob layout: ``MAGIC`` then one record per chunk, ``nonce (12) || ciphertext || tag (16)``,
each chunk holding ``CHUNK`` plaintext bytes except the last. Every chunk has its own random
nonce under a per-file data key, and associated data naming the document, its case, the
chunk's index and whether it is the last one: a blob copied to another document or case does
not decrypt, and reordered, dropped or truncated chunks fail authentication.

Neither side ever holds the whole file's plaintext: ``encrypt_chunks`` reads the source a
chunk at a time, ``decrypt_chunks`` yields plaintext a chunk at a time for a streamed response.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CWDOC1\n"
CHUNK = 64 * 1024
NONCE = 12
TAG = 16
RECORD = NONCE + CHUNK + TAG


class BlobError(Exception):
    """A blob that does not authenticate: tampered with, truncated, or not this document's."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _aad(document_id, case_id, index, final) -> bytes:
    return f"casework-document|{document_id}|{case_id}|{index}|{int(final)}".encode()


def encrypt_chunks(source, *, key: bytes, document_id, case_id):
    """Yield the blob's bytes for ``source`` (a binary file object), chunk by chunk."""
    aes = AESGCM(key)
    yield MAGIC
    index = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        final = not following
        nonce = os.urandom(NONCE)
        yield nonce + aes.encrypt(nonce, chunk, _aad(document_id, case_id, index, final))
        if final:
            return
        chunk, index = following, index + 1


def _read_exactly(blob, size):
    parts, wanted = [], size
    while wanted:
        part = blob.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def decrypt_chunks(blob, *, key: bytes, document_id, case_id):
    """Yield the plaintext of ``blob`` (a binary file object) chunk by chunk; raise
    ``BlobError`` at the first chunk that does not authenticate."""
    aes = AESGCM(key)
    if _read_exactly(blob, len(MAGIC)) != MAGIC:
        raise BlobError("not a document blob")
    index = 0
    record = _read_exactly(blob, RECORD)
    while True:
        following = _read_exactly(blob, RECORD)
        final = not following
        if len(record) < NONCE + TAG:
            raise BlobError("truncated document blob")
        try:
            yield aes.decrypt(record[:NONCE], record[NONCE:], _aad(document_id, case_id, index, final))
        except InvalidTag:
            raise BlobError("document blob does not authenticate") from None
        if final:
            return
        record, index = following, index + 1
