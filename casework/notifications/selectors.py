"""Reads of a user's notifications."""

from casework.notifications.models import Notification

PAGE_SIZE = 30


def notification_page(user, *, older_than=None, newer_than=None, size=PAGE_SIZE):
    """One page of the user's notifications, newest first, by keyset on the id (ids grow with
    time): ``older_than`` / ``newer_than`` an id from the previous page. Returns the rows and
    whether there are older and newer ones. Two short scans of the (recipient, id) index
    whatever the number of notifications the years leave: no COUNT, no OFFSET."""
    mine = Notification.objects.filter(recipient=user)
    if newer_than is not None:
        rows = list(mine.filter(pk__gt=newer_than).order_by("pk")[:size + 1])
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        oldest_shown = rows[-1].pk if rows else newer_than + 1
        return rows, mine.filter(pk__lt=oldest_shown).exists(), has_newer
    older = mine if older_than is None else mine.filter(pk__lt=older_than)
    rows = list(older.order_by("-pk")[:size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    has_newer = older_than is not None and mine.filter(pk__gte=older_than).exists()
    return rows, has_older, has_newer


def unread_of(user):
    """The user's unread notifications (the notification_unread index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def unread_count(user) -> int:
    return unread_of(user).count()


def has_unread(user) -> bool:
    return unread_of(user).exists()
