"""Scheduled agenda work (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(name="agenda.notify_overdue_follow_ups")
def notify_overdue_follow_ups():
    from casework.agenda.services import overdue_follow_ups_notify

    return overdue_follow_ups_notify()
