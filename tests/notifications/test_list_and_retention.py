"""The notifications page over years of notifications: keyset pages (no COUNT, no OFFSET, the
same queries whatever the number), and the nightly purge of notifications read long ago."""

import datetime
import re

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.notifications.models import Notification
from casework.notifications.selectors import PAGE_SIZE
from casework.notifications.tasks import purge_read


def _add(user, n, *, read_days_ago=None):
    read_at = None if read_days_ago is None else timezone.now() - datetime.timedelta(days=read_days_ago)
    start = Notification.objects.count()
    Notification.objects.bulk_create([
        Notification(recipient=user, kind=Notification.Kind.FOLLOW_UP_OVERDUE, reference=f"SCAPI-T{start + i:05d}",
                     key=f"test:{start + i}", read_at=read_at)
        for i in range(n)])


def _shown(page):
    return re.findall(r"SCAPI-T\d{5}", page)


def test_the_list_pages_through_every_notification_newest_first(login, personas):
    user = personas["worker.scapi"]
    Notification.objects.filter(recipient=user).delete()
    _add(user, 2 * PAGE_SIZE + 5)
    client = login("worker.scapi")
    newest = list(Notification.objects.filter(recipient=user).order_by("-pk").values_list("reference", flat=True))
    seen, url = [], reverse("notifications:list")
    while url:
        page = client.get(url).content.decode()
        seen += _shown(page)
        older = re.search(r'href="(\?older=\d+)"', page)
        url = reverse("notifications:list") + older.group(1) if older else None
    assert seen == newest
    # Back from the last page: "Newer" shows the page before it.
    newer = re.search(r'href="(\?newer=\d+)"', page).group(1)
    assert _shown(client.get(reverse("notifications:list") + newer).content.decode()) == newest[PAGE_SIZE:2 * PAGE_SIZE]


def test_the_list_costs_the_same_queries_after_years_of_notifications(login, personas):
    user = personas["worker.scapi"]
    client = login("worker.scapi")
    url = reverse("notifications:list")
    _add(user, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add(user, 3000, read_days_ago=1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert not any("COUNT(" in q["sql"].upper() and "notification" in q["sql"] and "read_at" not in q["sql"]
                   for q in many.captured_queries), "no count over every notification"
    assert not any("OFFSET" in q["sql"].upper() for q in many.captured_queries)


def test_a_malformed_cursor_shows_the_newest_page(login, personas):
    client = login("worker.scapi")
    for cursor in ("?older=abc", "?newer=-1", "?older=99999999999999999999999"):
        assert client.get(reverse("notifications:list") + cursor).status_code == 200


@override_settings(CASEWORK_NOTIFICATION_RETENTION_DAYS=180)
def test_notifications_read_long_ago_are_purged_unread_ones_kept(personas):
    user = personas["worker.scapi"]
    Notification.objects.filter(recipient=user).delete()
    _add(user, 3, read_days_ago=200)
    _add(user, 2, read_days_ago=10)
    _add(user, 4)
    Notification.objects.filter(recipient=user, read_at__isnull=True).update(created_at=timezone.now() - datetime.timedelta(days=900))
    assert purge_read() == 3
    left = Notification.objects.filter(recipient=user)
    assert left.filter(read_at__isnull=False).count() == 2 and left.filter(read_at__isnull=True).count() == 4
