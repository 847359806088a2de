"""Writes on documents: upload, delete, the purge of a case's documents, the orphan sweep.

Each write runs in one transaction with its audit event. A blob is written before its row
(so a row never points at nothing) and deleted after its row's transaction commits (so a
rolled-back delete keeps its file); whatever a crash leaves between the two is a blob
without a row, which ``document_blobs_sweep`` removes.
"""

import base64
import datetime
import tempfile
import uuid

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import SYSTEM, Origin, audit_record
from casework.documents import blobs
from casework.documents.models import Document
from casework.documents.storage import document_storage
from casework.documents.uploads import max_bytes
from casework.services.cases import case_event_record

# What a case file may hold, recognised from the first bytes of the content (never the name).
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/tiff": "tif",
    "image/heic": "heic",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/rtf": "rtf",
}
# A blob younger than this may belong to an upload still between its write and its commit.
SWEEP_GRACE = datetime.timedelta(hours=1)
SPOOL_BYTES = 4 * 1024 * 1024


def detect_type(upload) -> str:
    """The MIME type read from the content's signature; ValidationError if not allowed."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(_("This kind of file cannot be attached. Attach a PDF, an image or an office document."), code="type")
    return kind.mime


def clean_filename(name: str) -> str:
    """The name as the user's system gave it, without any directory part or control character."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "document"


def _write_blob(upload, *, key, document_id, case_id) -> str:
    name = f"{uuid.uuid4().hex}.cwd"
    # Only ciphertext is spooled (in memory up to SPOOL_BYTES, then a temporary file).
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        upload.seek(0)
        for part in blobs.encrypt_chunks(upload, key=key, document_id=document_id, case_id=case_id):
            spool.write(part)
        spool.seek(0)
        saved = document_storage().save(name, File(spool, name=name))
    return saved


def _delete_blob_quietly(name):
    try:
        document_storage().delete(name)
    except Exception:  # noqa: BLE001 - the sweep removes what could not be deleted now
        pass


def document_upload(*, actor, origin: Origin, case, upload, session=None) -> Document:
    """Encrypt ``upload`` into the documents storage and attach it to ``case`` (and ``session``)."""
    if upload.size > max_bytes():
        raise ValidationError(_("The file is larger than %(max)s MB.") % {"max": max_bytes() // (1024 * 1024)}, code="size")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if session is not None and session.case_id != case.pk:
        raise ValidationError(_("This session belongs to another case."), code="session")
    content_type = detect_type(upload)
    key = blobs.new_data_key()
    document = Document(
        case=case, session=session, filename=clean_filename(upload.name),
        data_key=base64.b64encode(key).decode(), content_type=content_type, size=upload.size,
        uploaded_by=actor, uploaded_at=timezone.now(),
    )
    document.blob_name = _write_blob(upload, key=key, document_id=document.pk, case_id=case.pk)
    try:
        with transaction.atomic():
            document.save(force_insert=True)
            case_event_record(actor=actor, origin=origin, action=Action.DOCUMENT_UPLOAD, case=case,
                              document=str(document.pk), session=str(session.pk) if session else "",
                              type=content_type, size=upload.size)
    except Exception:
        _delete_blob_quietly(document.blob_name)
        raise
    return document


def document_open(*, actor, origin: Origin, document):
    """Audit the download and return an iterator of the plaintext chunks.

    The audit event is written before the first byte leaves; the blob is decrypted lazily as
    the response streams."""
    case_event_record(actor=actor, origin=origin, action=Action.DOCUMENT_DOWNLOAD, case=document.case,
                      document=str(document.pk))
    return document_plaintext(document)


def document_plaintext(document):
    key = base64.b64decode(document.data_key)
    handle = document_storage().open(document.blob_name, "rb")

    def chunks():
        with handle:
            yield from blobs.decrypt_chunks(handle, key=key, document_id=document.pk, case_id=document.case_id)

    return chunks()


def document_delete(*, actor, origin: Origin, document) -> None:
    with transaction.atomic():
        blob_name = document.blob_name
        case_event_record(actor=actor, origin=origin, action=Action.DOCUMENT_DELETE, case=document.case,
                          document=str(document.pk))
        document.delete()
        transaction.on_commit(lambda: _delete_blob_quietly(blob_name))


def case_documents_purge(*, case) -> int:
    """Delete every document of ``case``, rows and blobs (the retention purge's hook; it runs
    inside the purge's transaction, which writes the audit event)."""
    names = list(Document.objects.filter(case=case).values_list("blob_name", flat=True))
    Document.objects.filter(case=case).delete()
    for name in names:
        transaction.on_commit(lambda name=name: _delete_blob_quietly(name))
    return len(names)


def document_blobs_sweep(*, actor=None, origin: Origin = SYSTEM, now=None, dry_run=False) -> list:
    """Delete blobs that no document row points to (an upload interrupted between writing its
    blob and committing its row, a delete whose blob removal failed), older than SWEEP_GRACE."""
    storage = document_storage()
    now = now or timezone.now()
    _dirs, files = storage.listdir("")
    known = set(Document.objects.filter(blob_name__in=files).values_list("blob_name", flat=True))
    orphans = [name for name in files if name.endswith(".cwd") and name not in known
               and now - storage.get_modified_time(name) > SWEEP_GRACE]
    if orphans and not dry_run:
        for name in orphans:
            storage.delete(name)
        audit_record(actor=actor, actor_username="documents-sweep", action=Action.DOCUMENT_SWEEP, origin=origin,
                     target_type="document_storage", detail={"deleted": len(orphans)})
    return orphans
