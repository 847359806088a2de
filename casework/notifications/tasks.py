"""Notification tasks: the payload is an identifier (an audit seq), never a value."""

from celery import shared_task
from django.conf import settings


@shared_task(name="notifications.for_event")
def notify_for_event(seq):
    from audit.models import AuditEvent
    from casework.notifications.services import notifications_for_event

    event = AuditEvent.objects.filter(seq=seq).first()
    return 0 if event is None else notifications_for_event(event)


@shared_task(name="notifications.send_digests")
def send_digests():
    if not getattr(settings, "CASEWORK_NOTIFICATION_DIGEST", False):
        return 0
    from casework.notifications.services import digests_send

    return digests_send()


@shared_task(name="notifications.purge_read")
def purge_read():
    from casework.notifications.services import notifications_purge_read

    return notifications_purge_read()
