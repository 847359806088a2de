"""A document attached to a case (and optionally to one of its sessions).

The file's bytes live outside the database, in the ``documents`` storage, encrypted with a
random per-file data key (``blobs.py``). The row holds that data key wrapped by the key ring
(an encrypted field bound to this table, column and row, so ``rotate_keys`` re-wraps it like
any other value), the encrypted original file name, and non-personal facts: the type detected
from the content, the size, who uploaded it and when. See docs/decisions/0012-documents.md.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.crypto.fields import EncryptedCharField, EncryptedTextField
from casework.models import Case, Session


class DocumentQuerySet(models.QuerySet):
    def for_case(self, case):
        return self.filter(case=case)


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: deleting a case or session must go through the purge, which deletes the blobs
    # first (documents' case_purging hook); a plain delete would leave encrypted files behind.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    filename = EncryptedCharField(_("file name"), max_length=255)
    data_key = EncryptedTextField()
    blob_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["case", "-uploaded_at"])]

    def __repr__(self):
        return f"<Document {self.pk}>"

    __str__ = __repr__
