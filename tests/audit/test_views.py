"""The auditor's workspace through its real URLs: who may open it, filters, keyset paging,
per-case and per-user trails, bad input, and no personal value anywhere."""

import datetime
import re
import uuid
from unittest import mock

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

import audit.urls
import casework.case_urls
from audit.actions import Action
from audit.models import Anomaly, AuditEvent
from audit.selectors import PAGE_SIZE
from audit.services import anomalies_detect, audit_record
from casework.models import Case, Session

NON_AUDITORS = ["worker.scapi", "lead.scav", "worker2.scav", "coordinator", "admin"]


@pytest.fixture
def anomaly(personas):
    case = Case.objects.filter(team__code="SCAPI").first()
    audit_record(actor=personas["worker2.scapi"], action=Action.BREAK_GLASS, target_type="case", target_id=case.pk,
                 target_ref=case.reference, team="SCAPI", justification="Urgent call from the prison social service")
    today = timezone.localdate()
    anomalies_detect(first_day=today, last_day=today)
    return Anomaly.objects.get(kind=Anomaly.Kind.BREAK_GLASS, actor=personas["worker2.scapi"])


def audit_urls(personas, anomaly):
    """Every URL of the audit app, with real arguments."""
    arguments = {"reference": "SCAPI-2026-0001", "user_id": personas["worker.scapi"].pk, "pk": anomaly.pk}
    urls = []
    for pattern in audit.urls.urlpatterns:
        names = pattern.pattern.converters.keys()
        urls.append(reverse(f"audit:{pattern.name}", kwargs={name: arguments[name] for name in names}))
    return urls


@pytest.mark.parametrize("username", NON_AUDITORS)
def test_no_one_but_an_auditor_can_open_any_audit_page_and_each_attempt_is_logged(login, personas, anomaly, username):
    client = login(username)
    for url in audit_urls(personas, anomaly):
        for method in (client.get, client.post):
            last = AuditEvent.objects.order_by("-seq").first().seq
            response = method(url)
            assert response.status_code == 404, (username, url, method)
            refused = AuditEvent.objects.filter(seq__gt=last).get()
            assert (refused.action, refused.actor_username, refused.target_type) == (Action.ACCESS_REFUSED, username, "audit")
    anomaly.refresh_from_db()
    assert not anomaly.is_reviewed


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, personas, anomaly):
    for url in audit_urls(personas, anomaly):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("pattern", [p for p in casework.case_urls.urlpatterns if isinstance(p, URLPattern)], ids=lambda p: p.name)
def test_the_auditor_cannot_open_any_case_page(login, pattern):
    client = login("auditor")
    case = Case.objects.filter(sessions__isnull=False).first()
    session = Session.objects.filter(case=case).first()
    arguments = {"case_id": case.pk, "session_id": session.pk}
    for values in (arguments, {"case_id": uuid.uuid4(), "session_id": uuid.uuid4()}):
        url = reverse(f"cases:{pattern.name}", kwargs={name: values[name] for name in pattern.pattern.converters})
        get, post = client.get(url), client.post(url)
        # A refusal answers like a missing page: 404, or 405 where only POST is routed at all.
        assert get.status_code in (404, 405), url
        assert post.status_code == 404, url
        assert case.family_name not in get.content.decode() + post.content.decode()


def test_the_landing_page_shows_the_chain_status_and_the_newest_events(login):
    response = login("auditor").get(reverse("audit:events"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="card grid audit-status"' in html
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[1]  # [0] is this very view
    assert f"<td class=\"nowrap\">{newest}</td>" in html


def test_the_landing_page_shows_the_last_verification_and_checkpoint(login):
    from audit.services import chain_verify_record, checkpoint_write

    chain_verify_record()
    checkpoint = checkpoint_write()
    html = login("auditor").get(reverse("audit:events"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "intact" in html
    assert f"{checkpoint.seq} events vouched for" in html
    assert "signature valid" in html


def _rows(response):
    return [int(seq) for seq in re.findall(r"<tr>\s*<td class=\"nowrap\">(\d+)</td>", response.content.decode())]


def test_older_pages_follow_the_last_seq_of_the_page_not_an_offset(login):
    client = login("auditor")
    first = client.get(reverse("audit:events"))
    seqs = _rows(first)
    assert len(seqs) == PAGE_SIZE and seqs == sorted(seqs, reverse=True)
    link = re.search(r'href="\?before=(\d+)" rel="next"', first.content.decode())
    assert int(link.group(1)) == seqs[-1]
    second = client.get(reverse("audit:events"), {"before": link.group(1)})
    older = _rows(second)
    # The next older event (``seq`` may have gaps: a rolled-back action consumed a number).
    assert older[0] == AuditEvent.objects.filter(seq__lt=seqs[-1]).order_by("-seq").first().seq
    assert len(older) == PAGE_SIZE
    newer = re.search(r'href="\?after=(\d+)" rel="prev"', second.content.decode())
    assert int(newer.group(1)) == older[0]
    back = _rows(client.get(reverse("audit:events"), {"after": newer.group(1)}))
    assert back == seqs


@pytest.mark.parametrize("cursor", ["abc", "-5", "0", "99999999999999999999999", "1e9", "٣", "12 OR 1=1"])
def test_a_mangled_cursor_is_ignored(login, cursor):
    client = login("auditor")
    response = client.get(reverse("audit:events"), {"before": cursor, "after": cursor})
    assert response.status_code == 200
    assert len(_rows(response)) == PAGE_SIZE


@pytest.mark.parametrize("query", [
    {"date_from": "2026-13-45"}, {"date_to": "yesterday"}, {"date_from": "0001-01-01"}, {"date_to": "9999-12-31"},
    {"date_from": "2026-02-01", "date_to": "2026-01-01"}, {"reference": "<script>"}, {"action": "drop_table"},
    {"team": "NOPE"}, {"username": "x" * 300}, {"username": "nul\x00byte"},
])
def test_bad_filters_give_a_form_error_not_a_crash(login, query):
    client = login("auditor")
    last = AuditEvent.objects.order_by("-seq").first().seq
    response = client.get(reverse("audit:events"), query)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode() or 'class="errorlist"' in response.content.decode()
    assert _rows(response) == []
    assert not AuditEvent.objects.filter(seq__gt=last).exists()  # nothing was shown, so no view is recorded
    export = client.get(reverse("audit:export"), query)
    assert export.status_code == 302
    assert not AuditEvent.objects.filter(seq__gt=last).exists()


def test_form_errors_speak_the_users_language(login):
    client = login("auditor")
    response = client.get(reverse("audit:events"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert "De einddatum ligt vóór de begindatum." in response.content.decode()


def _at(moment):
    return mock.patch("audit.services.timezone.now", return_value=moment)


def test_filters_select_by_user_reference_team_action_and_period(login, personas):
    worker = personas["worker.rad"]
    tz = datetime.timezone.utc
    with _at(datetime.datetime(2024, 3, 4, 10, 0, tzinfo=tz)):
        early = audit_record(actor=worker, action=Action.CASE_VIEW, target_type="case", target_id=uuid.uuid4(),
                             target_ref="RAD-2024-0901", team="RAD")
    with _at(datetime.datetime(2024, 3, 6, 10, 0, tzinfo=tz)):
        late = audit_record(actor=worker, action=Action.CASE_UPDATE, target_type="case", target_id=uuid.uuid4(),
                            target_ref="RAD-2024-0902", team="RAD")
    client = login("auditor")
    url = reverse("audit:events")
    assert _rows(client.get(url, {"reference": "RAD-2024-0901"})) == [early.seq]
    assert _rows(client.get(url, {"username": "worker.rad", "action": "case_update", "team": "RAD"}))[0] == late.seq
    assert _rows(client.get(url, {"date_from": "2024-03-04", "date_to": "2024-03-05"})) == [early.seq]
    assert _rows(client.get(url, {"date_from": "2024-03-06", "date_to": "2024-03-06"})) == [late.seq]
    assert _rows(client.get(url, {"team": "SCAPI", "reference": "RAD-2024-0901"})) == []


def test_the_period_is_read_in_brussels_time(login, personas):
    # 23:30 UTC on 4 March is 00:30 on 5 March in Brussels.
    with _at(datetime.datetime(2024, 3, 4, 23, 30, tzinfo=datetime.timezone.utc)):
        event = audit_record(actor=personas["worker.rad"], action=Action.CASE_LIST)
    client = login("auditor")
    assert _rows(client.get(reverse("audit:events"), {"date_from": "2024-03-05", "date_to": "2024-03-05"})) == [event.seq]
    assert _rows(client.get(reverse("audit:events"), {"date_from": "2024-03-04", "date_to": "2024-03-04"})) == []


def test_the_case_page_lists_who_accessed_the_case_and_how(login, personas):
    case = Case.objects.open().filter(assignments__worker__username="worker.scav").first()
    login("worker.scav").get(f"/cases/{case.pk}/")
    response = login("auditor").get(reverse("audit:case", args=[case.reference]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/audit/users/{personas["worker.scav"].pk}/">worker.scav</a>' in html
    assert "case viewed" in html
    assert all(f"/audit/cases/{case.reference}/" in link for link in re.findall(r'href="(/audit/cases/[^"]+)"', html))


def test_the_case_page_rejects_a_malformed_reference(login):
    assert login("auditor").get("/audit/cases/%3Cscript%3E/").status_code == 404


def test_the_user_page_lists_what_the_user_accessed(login, personas):
    case = Case.objects.open().filter(assignments__worker__username="worker.scav").first()
    login("worker.scav").get(f"/cases/{case.pk}/")
    response = login("auditor").get(reverse("audit:user", args=[personas["worker.scav"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/audit/cases/{case.reference}/">{case.reference}</a>' in html
    assert set(AuditEvent.objects.filter(seq__in=_rows(response)).values_list("actor_username", flat=True)) == {"worker.scav"}


def test_the_user_page_of_an_unknown_account_is_not_found(login):
    assert login("auditor").get(reverse("audit:user", args=[987654])).status_code == 404


def test_the_auditor_sees_no_personal_value_anywhere(login, personas, anomaly):
    cases = list(Case.objects.filter(assignments__worker__username="worker.scav")[:3])
    worker = login("worker.scav")
    for case in cases:
        worker.get(f"/cases/{case.pk}/")
        worker.get(f"/cases/{case.pk}/export/")
    client = login("auditor")
    pages = [reverse("audit:events"), reverse("audit:user", args=[personas["worker.scav"].pk]),
             reverse("audit:anomalies"), reverse("audit:anomaly", args=[anomaly.pk])]
    pages += [reverse("audit:case", args=[case.reference]) for case in cases]
    seen = "".join(client.get(url).content.decode() for url in pages)
    seen += b"".join(client.get(reverse("audit:export")).streaming_content).decode()
    for case in Case.objects.all()[:25]:
        secrets = [f"{case.given_names} {case.family_name}", case.family_name, case.national_number, case.phone,
                   case.address, case.notes]
        for secret in filter(None, secrets):
            assert secret not in seen, f"a personal value of {case.reference} is shown to the auditor"
    assert "démo" not in seen and "demo" not in seen  # every seeded note carries this marker


def test_the_export_holds_the_filtered_events_up_to_the_export_itself(login, personas):
    client = login("auditor")
    response = client.get(reverse("audit:export"), {"action": "role_grant"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeff")
    expected = list(AuditEvent.objects.filter(action="role_grant").order_by("seq").values_list("seq", flat=True))
    assert [int(line.split(",")[0]) for line in lines[1:]] == expected
    export = AuditEvent.objects.filter(action=Action.AUDIT_EXPORT).order_by("-seq").first()
    assert export.detail["up_to_seq"] == AuditEvent.objects.filter(seq__lt=export.seq).order_by("-seq").first().seq


def test_the_export_reads_in_keyset_batches_without_losing_or_repeating_an_event(personas):
    from audit.selectors import EventFilters, events_for_export

    every = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert [event.seq for event in events_for_export(EventFilters(), up_to_seq=every[-1], batch=7)] == every
    assert [event.seq for event in events_for_export(EventFilters(), up_to_seq=every[13], batch=7)] == every[:14]


def test_the_anomaly_queue_shows_unreviewed_items_and_the_review_is_audited(login, personas, anomaly):
    client = login("auditor")
    queue = client.get(reverse("audit:anomalies")).content.decode()
    assert reverse("audit:anomaly", args=[anomaly.pk]) in queue

    last = AuditEvent.objects.order_by("-seq").first().seq
    empty = client.post(reverse("audit:anomaly", args=[anomaly.pk]), {"comment": "   ", "outcome": "justified"}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 200
    assert "A comment is required to mark this item reviewed." in empty.content.decode()
    assert not AuditEvent.objects.filter(seq__gt=last, action=Action.ANOMALY_REVIEW).exists()

    done = client.post(reverse("audit:anomaly", args=[anomaly.pk]), {"comment": "Called the worker: genuine emergency.", "outcome": "justified"})
    assert done.status_code == 302 and done["Location"] == reverse("audit:anomalies")
    anomaly.refresh_from_db()
    review = AuditEvent.objects.get(seq=anomaly.review_seq)
    assert (review.action, review.actor_id, review.target_type, review.target_id) == (
        Action.ANOMALY_REVIEW, personas["auditor"].pk, "anomaly", str(anomaly.pk))
    assert review.justification == "Called the worker: genuine emergency."
    assert (anomaly.reviewed_by, anomaly.review_comment) == (personas["auditor"], "Called the worker: genuine emergency.")
    assert reverse("audit:anomaly", args=[anomaly.pk]) not in client.get(reverse("audit:anomalies")).content.decode()
    assert reverse("audit:anomaly", args=[anomaly.pk]) in client.get(reverse("audit:anomalies"), {"status": "reviewed"}).content.decode()

    again = client.post(reverse("audit:anomaly", args=[anomaly.pk]), {"comment": "Twice", "outcome": "justified"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This item has already been reviewed." in again.content.decode()
    assert AuditEvent.objects.filter(action=Action.ANOMALY_REVIEW, target_id=str(anomaly.pk)).count() == 1


def test_the_review_form_needs_the_csrf_token(personas, anomaly):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["auditor"])
    response = client.post(reverse("audit:anomaly", args=[anomaly.pk]), {"comment": "No token", "outcome": "justified"})
    assert response.status_code == 403
    anomaly.refresh_from_db()
    assert not anomaly.is_reviewed


def test_workspace_pages_work_without_javascript_and_load_nothing_from_elsewhere(login, anomaly):
    client = login("auditor")
    for url in (reverse("audit:events"), reverse("audit:anomalies"), reverse("audit:anomaly", args=[anomaly.pk])):
        html = client.get(url).content.decode()
        assert "<script" not in html
        assert not re.search(r'(src|href)="(https?:)?//', html)


@pytest.mark.parametrize("url, status", [
    ("/audit/users/99999999999999999999999/", 404), ("/audit/anomalies/99999999999999999999999/", 404),
    ("/audit/users/0/", 404), ("/audit/cases/" + "A" * 41 + "/", 404),
    ("/audit/anomalies/?before=99999999999999999999999&status=%00", 200),
    ("/audit/?before=99999999999999999999999", 200), ("/audit/?after=99999999999999999999999", 200),
    ("/audit/?before=-3", 200), ("/audit/?after=abc", 200), ("/audit/?before=1.5&after=%00", 200),
])
def test_out_of_range_identifiers_are_not_found_rather_than_a_crash(login, url, status):
    assert login("auditor").get(url).status_code == status
