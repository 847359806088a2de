"""A case followed for years: the case page shows its latest sessions only (the same queries
and rows whatever the number), and every session is on the case's sessions page."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import SYSTEM
from casework.models import Session, SessionKind
from casework.selectors import RECENT_SESSIONS, sessions_of
from casework.services import cases as services
from casework.views.cases import SESSIONS_PAGE_SIZE


def _add_sessions(case, worker, n):
    kind = SessionKind.objects.filter(team=case.team, active=True).first()
    first = max(case.opened_on, datetime.date.today() - datetime.timedelta(days=3 * 365))
    for i in range(n):
        services.session_record(actor=worker, origin=SYSTEM, case=case, kind=kind, held_on=first + datetime.timedelta(days=i),
                                duration_minutes=30, notes=f"Follow-up note {i:03d}.")


def _rows(page):
    return re.findall(r"Follow-up note \d{3}\.", page)


def test_the_case_page_shows_the_latest_sessions_and_links_to_all(login, personas, scapi_case):
    client = login("worker.scapi")
    url = reverse("cases:detail", kwargs={"case_id": scapi_case.pk})
    _add_sessions(scapi_case, personas["worker.scapi"], 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        few_page = client.get(url).content.decode()
    _add_sessions(scapi_case, personas["worker.scapi"], SESSIONS_PAGE_SIZE + 10)
    total = Session.objects.filter(case=scapi_case).count()
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few) and len(_rows(few_page)) == 3
    latest = [session.notes for session in sessions_of(scapi_case)[:RECENT_SESSIONS]]
    assert _rows(page) == [notes for notes in latest if notes.startswith("Follow-up note")]
    assert "Follow-up note 000." not in page
    link = re.search(r'<a href="%s">([^<]+)</a>' % reverse("cases:sessions", kwargs={"case_id": scapi_case.pk}), page)
    assert link and str(total) in link.group(1)


def test_the_sessions_page_lists_every_session_newest_first_and_is_audited(login, personas, scapi_case):
    _add_sessions(scapi_case, personas["worker.scapi"], SESSIONS_PAGE_SIZE + 10)
    client = login("worker.scapi")
    url = reverse("cases:sessions", kwargs={"case_id": scapi_case.pk})
    total = Session.objects.filter(case=scapi_case).count()
    pages = [client.get(url + f"?page={n}").content.decode() for n in range(1, (total - 1) // SESSIONS_PAGE_SIZE + 2)]
    edit_links = [re.findall(r"/sessions/([0-9a-f-]{36})/edit/", page) for page in pages]
    assert len(edit_links[0]) == SESSIONS_PAGE_SIZE and 'rel="next"' in pages[0]
    assert sorted(sum(edit_links, [])) == sorted(str(pk) for pk in Session.objects.filter(case=scapi_case).values_list("pk", flat=True))
    ours = sum((_rows(page) for page in pages), [])
    assert ours == sorted(ours, reverse=True) and len(ours) == SESSIONS_PAGE_SIZE + 10
    views = AuditEvent.objects.filter(action="case_view", target_id=str(scapi_case.pk), detail__part="sessions")
    assert views.count() == len(pages)
    assert client.get(url + "?page=abc").status_code == 200


def test_someone_elses_sessions_page_is_a_404_and_audited(login, scapi_case):
    url = reverse("cases:sessions", kwargs={"case_id": scapi_case.pk})
    before = AuditEvent.objects.filter(action="access_refused").count()
    assert login("worker.scav").get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access_refused").count() == before + 1
