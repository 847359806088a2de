"""Rows that keep the core honest (issue 8): one-time submission tokens, so that a form sent
twice creates one record, and the hashed recovery codes of the second factor."""

import uuid

from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A create form's one-time token, claimed in the transaction that creates the record
    (casework.submissions). A second POST with the same token finds this row and is sent to
    ``result_url`` instead of creating again; the unique key settles two concurrent POSTs."""

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        default_permissions = ()


class RecoveryCode(models.Model):
    """One of the ten one-time codes given at second-factor enrolment, for a lost phone.

    Only a salted hash (Django's password hashers) is stored, like a password; ``used_at`` is
    set when it is spent, so each works once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["user", "used_at"], name="recovery_code_user_unused")]
