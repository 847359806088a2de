"""In-app notifications: identifiers and references only (a case reference such as
SCAPI-2026-0042, a colleague's username), never a personal value of the person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models import Case, ChoiceLabels


class Notification(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("a case was assigned to you")
        UNASSIGNED = "unassigned", _("a case was taken from you")
        EMERGENCY_ACCESS = "emergency_access", _("emergency access to a case you work on")
        FOLLOW_UP_OVERDUE = "follow_up_overdue", _("follow-up overdue")
        APPROVAL_WAITING = "approval_waiting", _("an approval is waiting for you")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What it is about: a case (kept as a reference too, should the case be purged), and who did it.
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=40, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    # Idempotence: the audit event's seq, or "overdue:<case>:<day>", so a task run twice adds nothing.
    key = models.CharField(max_length=100)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_unread"),
            # The list's keyset pages (casework.notifications.selectors.notification_page).
            models.Index(fields=["recipient", "-id"], name="notification_newest"),
            # The nightly purge of notifications read long ago.
            models.Index(fields=["read_at"], name="notification_read_at"),
        ]
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notification_once")]

    def __repr__(self):
        return f"<Notification {self.pk} {self.kind}>"
