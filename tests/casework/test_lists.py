"""The case lists as a worker and a lead use them: open files by default, every filter and sort,
search by reference and by name (never in SQL), keyset pages that walk the whole list once, a
constant number of queries on the first and the last page, and the lead's caseloads page."""

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import SYSTEM
from casework import case_lists
from casework.models import Case, SessionKind, Team
from casework.services import cases as services

TODAY = timezone.localdate()
REGISTER = reverse("cases:team_register")
MINE = reverse("cases:my_cases")


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    """Pages of 5 rows, so the seeded teams span many pages."""
    monkeypatch.setattr(case_lists, "PAGE_SIZE", 5)


@pytest.fixture
def scav(db):
    return Team.objects.get(code="MEDLOC-SCAV")


def _rows(response):
    assert response.status_code == 200
    return response.context["page"].rows


def _with(url, **params):
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def _walk(client, url):
    """Every row of a list, following its "next" links from the first page."""
    seen, response = [], client.get(url)
    while True:
        page = response.context["page"]
        seen.extend(case.reference for case in page.rows)
        if not page.has_next:
            return seen
        response = client.get(_with(url, after=page.next_cursor))


def test_the_register_shows_open_files_by_default_and_closed_ones_when_asked(login, scav):
    client = login("lead.scav")
    assert all(case.is_open for case in _rows(client.get(REGISTER)))
    assert Case.objects.filter(team=scav, status="closed").exists()
    everything = _walk(client, REGISTER + "?status=")
    assert len(everything) == Case.objects.filter(team=scav).count()
    closed = _rows(client.get(REGISTER + "?status=closed"))
    assert closed and all(not case.is_open for case in closed)


def test_walking_the_pages_shows_every_file_once_in_the_chosen_order(login, scav):
    client = login("lead.scav")
    for key, sort in case_lists.SORTS.items():
        for order in ("asc", "desc"):
            walked = _walk(client, f"{REGISTER}?status=&sort={key}&order={order}")
            assert len(walked) == len(set(walked)) == Case.objects.filter(team=scav).count(), (key, order)
            values = list(Case.objects.filter(team=scav).values_list(sort.field, "reference"))
            by_ref = {ref: value for value, ref in values}

            def position(ref):
                value = by_ref[ref]
                return (value is None, value if value is not None else 0, ref)

            expected = sorted(by_ref, key=position)
            if order == "desc":
                # Descending on the value and the reference, empty values still last.
                filled = [ref for ref in expected if by_ref[ref] is not None][::-1]
                expected = filled + sorted([ref for ref in expected if by_ref[ref] is None], reverse=True)
            assert walked == expected, (key, order)


def test_previous_and_last_pages_match_the_walk_forward(login):
    client = login("lead.scav")
    url = f"{REGISTER}?status=&sort=last_contact&order=desc"
    walked = _walk(client, url)
    last = client.get(url + "&last=1").context["page"]
    assert [c.reference for c in last.rows] == walked[-case_lists.PAGE_SIZE:]
    assert last.has_previous and not last.has_next
    assert len(walked) > 2 * case_lists.PAGE_SIZE
    previous = client.get(_with(url, before=last.previous_cursor)).context["page"]
    assert [c.reference for c in previous.rows] == walked[-2 * case_lists.PAGE_SIZE:-case_lists.PAGE_SIZE]
    assert previous.has_next


def test_first_and_last_page_cost_the_same_number_of_queries(login):
    client = login("lead.scav")
    with CaptureQueriesContext(connection) as first:
        _rows(client.get(REGISTER + "?status="))
    with CaptureQueriesContext(connection) as last:
        _rows(client.get(REGISTER + "?status=&last=1"))
    with CaptureQueriesContext(connection) as filtered:
        _rows(client.get(REGISTER + "?status=open&no_contact_days=30&sort=sessions&last=1"))
    assert len(first.captured_queries) == len(last.captured_queries) == len(filtered.captured_queries)
    assert not any("OFFSET" in query["sql"].upper() for query in last.captured_queries)


def test_a_forged_cursor_shows_the_first_page_instead_of_failing(login):
    client = login("lead.scav")
    first = [c.reference for c in _rows(client.get(REGISTER))]
    for cursor in ("garbage", "2024-99-99~X", "~" * 40, "abc~" + "x" * 60):
        assert [c.reference for c in _rows(client.get(_with(REGISTER, after=cursor)))] == first


def test_filter_by_worker_and_unassigned(login, personas, scav):
    client = login("lead.scav")
    worker = personas["worker.scav"]
    rows = _walk(client, f"{REGISTER}?status=&worker={worker.pk}")
    assert set(rows) == set(Case.objects.filter(team=scav, assignments__worker=worker).values_list("reference", flat=True))
    lonely = Case.objects.filter(team=scav, status="open").first()
    lonely.assignments.all().delete()
    others = Case.objects.filter(team=scav, status="open", assignments__isnull=True).values_list("reference", flat=True)
    assert set(_walk(client, f"{REGISTER}?unassigned=on")) == set(others) and lonely.reference in others


def test_a_worker_in_two_teams_filters_their_files_by_team(login, personas):
    client = login("worker2.scav")
    teams = {t.code: t for t in Team.objects.all()}
    all_mine = _walk(client, MINE + "?status=")
    rad_only = _walk(client, MINE + f"?status=&team={teams['RAD'].pk}")
    assert rad_only and set(rad_only) < set(all_mine)
    assert all(ref.startswith(teams["RAD"].reference_prefix) for ref in rad_only)


def test_no_contact_for_more_than_n_days(login, scav):
    client = login("lead.scav")
    rows = _walk(client, REGISTER + "?no_contact_days=90")
    cutoff = TODAY - datetime.timedelta(days=90)
    assert rows
    for case in Case.objects.filter(reference__in=rows):
        assert (case.last_contact_on or case.opened_on) < cutoff
    recent = Case.objects.filter(team=scav, status="open", last_contact_on__gte=cutoff).values_list("reference", flat=True)
    assert recent and not set(recent) & set(rows)


def test_search_by_reference(login, scav):
    client = login("lead.scav")
    case = Case.objects.filter(team=scav, status="open").first()
    assert [c.reference for c in _rows(client.get(REGISTER, {"q": case.reference.lower()}))] == [case.reference]


def test_search_by_name_is_matched_after_decryption_never_in_sql(login, scav):
    client = login("lead.scav")
    case = Case.objects.filter(team=scav, status="open").first()
    with CaptureQueriesContext(connection) as queries:
        rows = _rows(client.get(REGISTER, {"q": case.family_name.upper()}))
    assert case.reference in [c.reference for c in rows]
    assert all(case.family_name.casefold() in c.display_name.casefold() for c in rows)
    assert not any(case.family_name.lower() in q["sql"].lower() for q in queries.captured_queries)
    event = AuditEvent.objects.filter(action="case_list").latest("seq")
    assert case.family_name.lower() not in str(event.detail).lower() and event.detail["search"] == "name"


def test_a_worker_finds_by_name_only_within_their_own_caseload(login, personas):
    client = login("worker.scav")
    stranger = Case.objects.filter(team__code="MEDLOC-SCAV").exclude(assignments__worker__username="worker.scav").first()
    rows = _walk(client, MINE + "?status=&q=" + stranger.family_name)
    assert stranger.reference not in rows
    mine = Case.objects.filter(assignments__worker__username="worker.scav")
    assert set(rows) <= set(mine.values_list("reference", flat=True))


def test_recording_and_moving_a_session_keeps_last_contact_and_count(personas, scav):
    case = Case.objects.filter(team=scav, status="open", assignments__worker__username="worker.scav").first()
    worker = personas["worker.scav"]
    kind = SessionKind.objects.filter(team=scav, active=True).first()
    count, version = case.session_count, case.version
    assert count == case.sessions.count()
    session = services.session_record(actor=worker, origin=SYSTEM, case=case, kind=kind, held_on=TODAY, duration_minutes=30)
    case.refresh_from_db()
    assert (case.session_count, case.last_contact_on, case.version) == (count + 1, TODAY, version)
    services.session_update(actor=worker, origin=SYSTEM, session=session, expected_version=session.version,
                            kind=kind, held_on=case.opened_on, duration_minutes=30, notes="")
    case.refresh_from_db()
    assert case.last_contact_on == max(case.sessions.values_list("held_on", flat=True))


def test_a_lead_sees_each_workers_caseload_and_dormant_files(login, personas, scav):
    client = login("lead.scav")
    response = client.get(reverse("cases:caseloads"))
    assert response.status_code == 200
    worker = {w.username: w for w in response.context["workers"]}["worker.scav"]
    open_files = Case.objects.filter(team=scav, status="open", assignments__worker__username="worker.scav")
    assert worker.open_count == open_files.count()
    cutoff = TODAY - datetime.timedelta(days=60)
    assert worker.dormant_count == len([c for c in open_files if (c.last_contact_on or c.opened_on) < cutoff])
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cases:caseloads"))
    assert len(queries.captured_queries) <= 15  # constant: the header (notifications, role requests) included


def test_a_worker_cannot_open_the_caseloads_page(login):
    assert login("worker.scav").get(reverse("cases:caseloads")).status_code == 404
