"""Reads of a user's notifications."""

from casework.keyset import newest_first
from casework.notifications.models import Notification

PAGE_SIZE = 30


def notification_page(user, *, older=None, newer=None):
    """One page of the user's notifications, newest first, by keyset on the id (ids grow with
    time): two short scans of the (recipient, id) index whatever the number of notifications
    the years leave, no COUNT, no OFFSET."""
    return newest_first(Notification.objects.filter(recipient=user), ("id",), older=older, newer=newer, size=PAGE_SIZE)


def unread_of(user):
    """The user's unread notifications (the notification_unread index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def unread_count(user) -> int:
    return unread_of(user).count()


def has_unread(user) -> bool:
    return unread_of(user).exists()
