"""In-app notifications (and the optional e-mail digest): identifiers and references only."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The audit actions that may call for a notification (notifications.services.notifications_for_event).
NOTIFYING_ACTIONS = {"case_assign", "case_unassign", "break_glass", "role_request"}


class NotificationsConfig(AppConfig):
    name = "casework.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def audit_event_committed(self, event):
        """Queue the notification task once the event is committed: its payload is the seq."""
        if event.action in NOTIFYING_ACTIONS:
            from casework.notifications.tasks import notify_for_event

            notify_for_event.delay(event.seq)

    def workspaces(self, user, roles):
        """The header's link to the notifications, with the unread count (one COUNT query)."""
        if not roles.casework_teams:
            return []
        from django.urls import reverse

        from casework.notifications.selectors import unread_count
        from casework.workspaces import Workspace

        n = unread_count(user)
        label = _("Notifications (%(n)d)") % {"n": n} if n else _("Notifications")
        return [Workspace("notifications", label, reverse("notifications:list"), order=95)]

    def seed_demo(self, *, stdout, users):
        from casework.notifications.demo import seed_notifications_demo

        seed_notifications_demo(stdout, users)
