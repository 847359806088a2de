"""The auditor reads the log without developer knowledge: targets and details are translated
sentences naming case references and usernames (no UUIDs, no ``key=value``), the browser is
"Chrome · Linux" with its full string on demand, the chain can be verified now, a review records
an outcome beside its comment, and the sub-navigation says which page is open."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.actions import Action
from audit.describe import short_agent
from audit.models import Anomaly, AuditEvent
from audit.services import Origin, anomalies_detect, audit_record
from casework.models import Case

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.mark.parametrize("agent, short", [
    (CHROME, "Chrome · Linux"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1", "Safari · iOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0", "Edge · Windows"),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox · Linux"),
])
def test_user_agents_are_shown_in_two_words(agent, short):
    assert short_agent(agent) == short


def _tbody(response):
    return re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S).group(1)


def test_the_log_shows_sentences_not_identifiers(login, personas):
    case = Case.objects.filter(team__code="SCAPI").first()
    worker = login("worker.scapi")
    worker.get(reverse("cases:team_register"))
    session = case.sessions.first()
    audit_record(actor=personas["worker.scapi"], action=Action.SESSION_UPDATE, origin=Origin(user_agent=CHROME),
                 target_type="session", target_id=session.pk, target_ref=case.reference, team="SCAPI",
                 detail={"fields": ["duration_minutes", "notes"]})
    audit_record(actor=personas["worker.scapi"], action=Action.CASE_LIST, origin=Origin(user_agent=CHROME),
                 target_type="case", detail={"scope": "team", "page": 1, "shown": 25})
    client = login("auditor")
    response = client.get(reverse("audit:events"), HTTP_ACCEPT_LANGUAGE="en")
    body = _tbody(response)
    assert not UUID.search(body)
    assert "scope=" not in body and "fields=" not in body and "duration_minutes" not in body
    assert f"a session of case {case.reference}" in body
    assert "changed: duration (minutes), notes" in body
    assert "the team register" in body and "25 rows shown" in body
    assert "<summary>Chrome · Linux</summary>" in body and CHROME in body  # the full string, on demand


def test_the_log_is_translated(login, personas):
    case = Case.objects.filter(team__code="SCAPI").first()
    audit_record(actor=personas["worker.scapi"], action=Action.CASE_VIEW, target_type="case", target_id=case.pk,
                 target_ref=case.reference, team="SCAPI", detail={"part": "history"})
    client = login("auditor")
    client.cookies["django_language"] = "nl"
    body = _tbody(client.get(reverse("audit:events"), HTTP_ACCEPT_LANGUAGE="nl"))
    assert f"dossier {case.reference}" in body and "de geschiedenis" in body


def test_the_log_page_costs_the_same_queries_for_any_mix_of_events(login, personas):
    client = login("auditor")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:events") + "?action=login")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("audit:events"))
    assert len(many.captured_queries) <= len(few.captured_queries) + 2


def test_verify_now_records_a_verification_by_the_auditor(login, personas):
    client = login("auditor")
    response = client.post(reverse("audit:verify"))
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action=Action.AUDIT_VERIFY).latest("seq")
    assert event.actor == personas["auditor"] and event.detail["result"] == "ok"
    page = client.get(response["Location"]).content.decode()
    assert 'action="/audit/verify/"' in page or reverse("audit:verify") in page


def test_only_an_auditor_can_verify_now(login):
    assert login("lead.scav").post(reverse("audit:verify")).status_code == 404


@pytest.fixture
def anomaly(personas):
    case = Case.objects.filter(team__code="SCAPI").first()
    audit_record(actor=personas["worker2.scapi"], action=Action.BREAK_GLASS, target_type="case", target_id=case.pk,
                 target_ref=case.reference, team="SCAPI", justification="Urgent call from the prison social service")
    today = timezone.localdate()
    anomalies_detect(first_day=today, last_day=today)
    return Anomaly.objects.get(kind=Anomaly.Kind.BREAK_GLASS, actor=personas["worker2.scapi"])


def test_a_review_records_its_outcome_beside_the_comment(login, anomaly):
    client = login("auditor")
    url = reverse("audit:anomaly", args=[anomaly.pk])
    missing = client.post(url, {"comment": "Checked."})
    assert missing.status_code == 200 and "outcome" in missing.context["form"].errors
    assert '<legend>' in missing.content.decode()
    client.post(url, {"comment": "Escalated to the service head.", "outcome": "escalated"})
    anomaly.refresh_from_db()
    assert anomaly.review_outcome == "escalated"
    assert AuditEvent.objects.get(seq=anomaly.review_seq).detail["outcome"] == "escalated"
    page = client.get(reverse("audit:anomalies") + "?status=reviewed", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "outcome-escalated" in page


def test_the_sub_navigation_marks_the_current_page(login, anomaly):
    client = login("auditor")
    events = client.get(reverse("audit:events")).content.decode()
    assert re.search(r'href="/audit/"[^>]*aria-current="page"', events)
    queue = client.get(reverse("audit:anomalies")).content.decode()
    assert re.search(r'href="/audit/anomalies/"[^>]*aria-current="page"', queue)
    assert not re.search(r'href="/audit/"[^>]*aria-current="page"', queue)
