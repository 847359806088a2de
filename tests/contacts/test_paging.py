"""The contacts and activities lists page newest first by keyset (casework/keyset.py): every row
once, in order, across pages, ties on the date included; the same queries on the first page
as on the last whatever the years add; a bad cursor is the newest page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import keyset
from casework.contacts import selectors
from casework.contacts.models import AnonymousContact, CollectiveActivity
from casework.models import Team

pytestmark = pytest.mark.django_db

ROW = r'<tr id="(?:contact|activity)-([0-9a-f-]{36})"'


def _add_contacts(personas, count, *, team="MEDLOC-SCAV", by="worker.scav", days=40):
    today = timezone.localdate()
    rows = [AnonymousContact(team=Team.objects.get(code=team), recorded_by=personas[by], kind="drop_in", asker="person",
                             topic="justice", duration_minutes=20, date=today - datetime.timedelta(days=index % days))
            for index in range(count)]
    AnonymousContact.objects.bulk_create(rows)


def _walk(client, path, direction="older"):
    """Follow one pager link from page to page; return the contact/activity ids of each page."""
    pages, url = [], path
    while url:
        body = client.get(url).content.decode()
        pages.append(re.findall(ROW, body))
        match = re.search(rf'href="\?{direction}=([^"]+)"', body)
        url = f"{path}?{direction}={match.group(1)}" if match else None
        assert len(pages) < 100, "the pager does not end"
    return pages


def test_a_lead_pages_through_every_contact_of_the_team_once_newest_first(login, personas):
    _add_contacts(personas, 130)  # many on the same day: the date alone does not order them
    client = login("lead.scav")
    pages = _walk(client, "/contacts/")
    expected = list(AnonymousContact.objects.filter(team__code="MEDLOC-SCAV")
                    .order_by("-date", "-created_at", "-id").values_list("id", flat=True))
    assert [len(page) for page in pages[:-1]] == [selectors.PAGE_SIZE] * (len(pages) - 1)
    assert [row for page in pages for row in page] == [str(pk) for pk in expected]

    # And back again, from the oldest page through the "Newer" links.
    oldest = client.get("/contacts/?older=" + _cursor_before_last_page(client)).content.decode()
    assert 'rel="next"' not in oldest and 'rel="prev"' in oldest
    back = _walk(client, "/contacts/?older=" + _cursor_before_last_page(client), direction="newer")
    assert back[-1] == pages[0]


def _cursor_before_last_page(client):
    url, cursor = "/contacts/", None
    while True:
        match = re.search(r'href="\?older=([^"]+)"', client.get(url).content.decode())
        if not match:
            return cursor
        cursor = match.group(1)
        url = f"/contacts/?older={cursor}"


def test_a_worker_pages_through_only_the_contacts_they_recorded(login, personas):
    _add_contacts(personas, 60, by="worker.scav")
    _add_contacts(personas, 60, by="worker2.scav")
    pages = _walk(login("worker.scav"), "/contacts/")
    mine = set(map(str, AnonymousContact.objects.filter(recorded_by__username="worker.scav").values_list("id", flat=True)))
    assert {row for page in pages for row in page} == mine


@pytest.mark.parametrize("cursor", ["garbage", "2026-13-40~x~y", "~~", "2026-01-01~not-a-time~00000000-0000-0000-0000-000000000000"])
def test_a_bad_cursor_is_the_newest_page(login, personas, cursor):
    _add_contacts(personas, 70)
    client = login("lead.scav")
    newest = re.findall(ROW, client.get("/contacts/").content.decode())
    for parameter in ("older", "newer"):
        response = client.get("/contacts/", {parameter: cursor})
        assert response.status_code == 200
        assert re.findall(ROW, response.content.decode()) == newest


def test_the_first_and_the_last_page_cost_the_same_queries_whatever_the_years_add(login, personas):
    client = login("lead.scav")

    def queries(url):
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _add_contacts(personas, 60)
    first_small = queries("/contacts/")
    _add_contacts(personas, 600, days=5 * 365)
    first_large = queries("/contacts/")
    last_large = queries("/contacts/?older=" + _cursor_before_last_page(client))
    # A page after a cursor also asks whether newer rows exist: one query more, never more.
    assert (first_small, last_large) == (first_large, first_large + 1)


def test_the_activities_list_pages_too_and_counts_every_activity_to_confirm(login, personas):
    team = Team.objects.get(code="RAD")
    today = timezone.localdate()
    CollectiveActivity.objects.bulk_create([
        CollectiveActivity(team=team, recorded_by=personas["worker.rad"], kind="awareness", title=f"Séance {index}",
                           date=today - datetime.timedelta(days=index)) for index in range(120)])
    waiting = CollectiveActivity.objects.filter(team=team, confirmed_at__isnull=True).count()
    client = login("lead.rad")
    pages = _walk(client, "/contacts/activities/")
    expected = CollectiveActivity.objects.filter(team=team).order_by("-date", "-created_at", "-id").values_list("id", flat=True)
    assert [row for page in pages for row in page] == [str(pk) for pk in expected]
    first = client.get("/contacts/activities/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{waiting} activities wait for your confirmation." in first


@pytest.mark.parametrize("username, index", [("lead.scav", "contact_team_newest"), ("worker.scav", "contact_recorder_newest")])
def test_an_older_page_starts_its_index_scan_at_the_cursor(personas, username, index):
    """What keeps the hundredth page as cheap as the first on PostgreSQL: the cursor's date
    bounds the index scan (an Index Cond), rather than every newer row being read and filtered."""
    from tests.conftest import require_postgres

    require_postgres()
    _add_contacts(personas, 3000, days=5 * 365)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE contacts_anonymouscontact")
    user = personas[username]
    deep = selectors.contact_page(user)
    for _ in range(5):
        deep = selectors.contact_page(user, older=deep.older)
    values = keyset.parse_cursor(AnonymousContact, selectors.NEWEST_FIRST, deep.older)
    plan = (selectors.visible_contacts(user).filter(keyset._beyond(selectors.NEWEST_FIRST, values, "lt"))
            .order_by("-date", "-created_at", "-id")[:selectors.PAGE_SIZE + 1].explain())
    scan = next(line for line in plan.splitlines() if "Index Scan" in line and "contacts_anonymouscontact" in line)
    assert index in scan, plan
    assert re.search(r"Index Cond: \(.*date <= ", plan), plan
