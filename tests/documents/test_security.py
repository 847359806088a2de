"""The attacks and the lifecycle: nothing in clear on disk or in the database, blobs bound to
their document and case, key rotation, retention purge, subject access, the orphan sweep."""

import base64
import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import SYSTEM
from casework.crypto.cipher import reset_keyring_cache, token_key_id
from casework.documents import blobs
from casework.documents.models import Document
from casework.documents.services import (
    document_blobs_sweep, document_plaintext, document_upload,
)
from casework.extensions import app_hooks
from casework.services.retention import case_purge
from tests.documents.conftest import PDF_CANARY

CANARY_NAME = "Kwetsbaar-Slachtoffer-Zwartberg-attest.pdf"


def _attach(case, content, name=CANARY_NAME, session=None):
    worker = case.assignments.first().worker
    return document_upload(actor=worker, origin=SYSTEM, case=case, session=session,
                           upload=SimpleUploadedFile(name, content))


def _read(document):
    return b"".join(document_plaintext(document))


def _all_database_text():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if value is not None:
                        yield table, value


def test_no_document_byte_or_file_name_is_on_disk_in_clear(scav_case, storage_dir, canary_pdf):
    _attach(scav_case, canary_pdf)
    raw = b"".join(path.read_bytes() for path in storage_dir.rglob("*") if path.is_file())
    assert raw, "the blob was written to the storage directory"
    for needle in (canary_pdf[:64], PDF_CANARY.encode(), b"%PDF", CANARY_NAME.encode(), b"Zwartberg"):
        assert needle not in raw
    assert not any("Zwartberg" in path.name for path in storage_dir.rglob("*"))


def test_no_file_name_or_content_is_in_the_database_in_clear(scav_case, storage_dir, canary_pdf):
    _attach(scav_case, canary_pdf)
    leaks = {table for table, value in _all_database_text()
             if (isinstance(value, (bytes, memoryview)) and PDF_CANARY.encode() in bytes(value))
             or (isinstance(value, str) and ("Zwartberg" in value or PDF_CANARY in value))}
    assert not leaks


def test_a_blob_copied_onto_another_document_does_not_decrypt(scav_case, storage_dir, canary_pdf):
    first = _attach(scav_case, canary_pdf)
    second = _attach(scav_case, canary_pdf, name="other.pdf")
    (storage_dir / second.blob_name).write_bytes((storage_dir / first.blob_name).read_bytes())
    with pytest.raises(blobs.BlobError):
        _read(second)


def test_a_truncated_or_reordered_blob_does_not_decrypt(scav_case, storage_dir):
    content = b"%PDF-1.4\n" + os.urandom(3 * blobs.CHUNK)
    document = _attach(scav_case, content)
    path = storage_dir / document.blob_name
    whole = path.read_bytes()
    head = len(blobs.MAGIC)
    records = [whole[head + i * blobs.RECORD: head + (i + 1) * blobs.RECORD] for i in range(4)]
    path.write_bytes(blobs.MAGIC + records[0] + records[1] + records[2])  # last chunk dropped
    with pytest.raises(blobs.BlobError):
        _read(document)
    path.write_bytes(blobs.MAGIC + records[1] + records[0] + records[2] + records[3])
    with pytest.raises(blobs.BlobError):
        _read(document)
    path.write_bytes(whole)
    assert _read(document) == content


def test_each_file_has_its_own_data_key_and_nonces(scav_case, storage_dir, canary_pdf):
    a, b = _attach(scav_case, canary_pdf), _attach(scav_case, canary_pdf)
    assert a.data_key != b.data_key
    assert (storage_dir / a.blob_name).read_bytes() != (storage_dir / b.blob_name).read_bytes()


def test_key_rotation_rewraps_document_keys_and_files_stay_readable(scav_case, storage_dir, canary_pdf, settings):
    document = _attach(scav_case, canary_pdf)
    old = settings.CASEWORK_KEYRING
    new_key = ("k-doc", os.urandom(32))
    try:
        with override_settings(CASEWORK_KEYRING={**old, "encryption_keys": [new_key, *old["encryption_keys"]]}):
            reset_keyring_cache()
            call_command("rotate_keys", "--no-progress", stdout=open(os.devnull, "w"))
        with override_settings(CASEWORK_KEYRING={**old, "encryption_keys": [new_key]}):
            reset_keyring_cache()
            fresh = Document.objects.get(pk=document.pk)
            assert token_key_id(fresh.__dict__["data_key"].token) == "k-doc"
            assert token_key_id(fresh.__dict__["filename"].token) == "k-doc"
            assert fresh.filename == CANARY_NAME
            assert _read(fresh) == canary_pdf
    finally:
        reset_keyring_cache()


def test_the_retention_purge_deletes_the_documents_and_their_files(scav_case, storage_dir, canary_pdf,
                                                                    django_capture_on_commit_callbacks):
    session = scav_case.sessions.first()
    before = Document.objects.filter(case=scav_case).count()  # the demo may have attached some
    _attach(scav_case, canary_pdf)
    _attach(scav_case, canary_pdf, session=session)
    assert len(list(storage_dir.iterdir())) == 2
    with django_capture_on_commit_callbacks(execute=True):
        case_purge(actor=None, origin=SYSTEM, case=scav_case)
    assert not Document.objects.filter(case_id=scav_case.pk).exists()
    assert not list(storage_dir.iterdir())
    event = AuditEvent.objects.filter(action="case_purge", target_id=str(scav_case.pk)).get()
    assert event.detail["documents"] == before + 2


def test_subject_access_lists_the_case_documents(scav_case, storage_dir, canary_pdf):
    document = _attach(scav_case, canary_pdf)
    answers = {}
    for _config, hook in app_hooks("case_subject_access"):
        answers.update(hook(scav_case))
    listed = {entry["id"]: entry for entry in answers["documents"]}
    assert listed[str(document.pk)]["filename"] == CANARY_NAME
    assert listed[str(document.pk)]["size"] == len(canary_pdf)


def test_the_sweep_removes_old_orphan_files_only(scav_case, storage_dir, canary_pdf):
    kept = _attach(scav_case, canary_pdf)
    (storage_dir / "0123abcd.cwd").write_bytes(b"orphan ciphertext")
    later = timezone.now() + datetime.timedelta(hours=2)
    assert document_blobs_sweep(now=timezone.now()) == []  # too young: maybe an upload in flight
    assert document_blobs_sweep(now=later) == ["0123abcd.cwd"]
    assert sorted(p.name for p in storage_dir.iterdir()) == [kept.blob_name]
    assert AuditEvent.objects.filter(action="document_sweep").exists()


def test_a_failed_upload_leaves_no_file_behind(scav_case, storage_dir, canary_pdf, monkeypatch):
    from casework.documents import services

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "case_event_record", broken)
    with pytest.raises(RuntimeError):
        _attach(scav_case, canary_pdf)
    assert not list(storage_dir.iterdir())


def test_the_nightly_task_sweeps_through_the_same_service(storage_dir, db, settings):
    from casework.documents.tasks import sweep_orphan_blobs

    assert "documents-sweep" in settings.CELERY_BEAT_SCHEDULE
    storage_dir.mkdir(parents=True, exist_ok=True)
    assert sweep_orphan_blobs.delay().get() == 0
