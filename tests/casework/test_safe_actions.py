"""Actions that are hard to take back ask first: closing a case (no reason preselected, a summary
to confirm, undone by the same worker the same day) and removing a worker from a case (named,
confirmed). Row buttons say what they act on."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casework.models import Case

TODAY = timezone.localdate()


def _close_url(case):
    return reverse("cases:close", kwargs={"case_id": case.pk})


def test_the_close_form_preselects_no_reason(login, scav_case):
    page = login("worker.scav").get(_close_url(scav_case)).content.decode()
    select = re.search(r'<select name="reason".*?</select>', page, re.S).group(0)
    assert '<option value="" selected>' in select
    assert select.count("selected") == 1


def test_closing_without_a_reason_is_a_form_error(login, scav_case):
    response = login("worker.scav").post(_close_url(scav_case), {"version": scav_case.version, "closed_on": TODAY.isoformat()})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert Case.objects.get(pk=scav_case.pk).is_open


def test_closing_shows_a_summary_and_closes_only_once_confirmed(login, scav_case):
    client = login("worker.scav")
    data = {"version": scav_case.version, "closed_on": TODAY.isoformat(), "reason": "referred"}
    summary = client.post(_close_url(scav_case), data)
    assert summary.status_code == 200 and summary.context["summary"]
    text = summary.content.decode()
    assert scav_case.reference in text and 'name="confirmed" value="True"' in text
    assert Case.objects.get(pk=scav_case.pk).is_open
    assert client.post(_close_url(scav_case), {**data, "confirmed": "True"}).status_code == 302
    closed = Case.objects.get(pk=scav_case.pk)
    assert not closed.is_open and closed.closure_reason == "referred"


def _close(client, case):
    client.post(_close_url(case), {"version": case.version, "closed_on": TODAY.isoformat(), "reason": "goals_met", "confirmed": "True"})
    return Case.objects.get(pk=case.pk)


def test_the_worker_who_closed_a_case_can_undo_it_the_same_day(login, scav_case):
    client = login("worker.scav")
    closed = _close(client, scav_case)
    detail = client.get(reverse("cases:detail", kwargs={"case_id": scav_case.pk}))
    assert detail.context["can_undo_close"]
    response = client.post(reverse("cases:close_undo", kwargs={"case_id": scav_case.pk}), {"version": closed.version})
    assert response.status_code == 302
    reopened = Case.objects.get(pk=scav_case.pk)
    assert reopened.is_open and reopened.closed_on is None and reopened.closure_reason == ""
    assert reopened.closed_at is None, "an open case is not counting down to its purge"
    event = AuditEvent.objects.filter(action="case_reopen", target_ref=scav_case.reference).latest("seq")
    assert event.detail.get("undo_of_closing") is True and event.actor_username == "worker.scav"


def test_someone_else_cannot_undo_the_closing(login, scav_case, personas):
    closed = _close(login("worker.scav"), scav_case)
    lead = login("lead.scav")
    assert not lead.get(reverse("cases:detail", kwargs={"case_id": scav_case.pk})).context["can_undo_close"]
    lead.post(reverse("cases:close_undo", kwargs={"case_id": scav_case.pk}), {"version": closed.version})
    assert not Case.objects.get(pk=scav_case.pk).is_open


def test_the_closing_cannot_be_undone_the_next_day(login, scav_case, monkeypatch):
    closed = _close(login("worker.scav"), scav_case)
    from casework.services import cases as services

    monkeypatch.setattr(services, "_today", lambda: TODAY + datetime.timedelta(days=1))
    client = login("worker.scav")
    client.post(reverse("cases:close_undo", kwargs={"case_id": scav_case.pk}), {"version": closed.version})
    assert not Case.objects.get(pk=scav_case.pk).is_open


def test_removing_a_worker_names_them_and_asks_to_confirm(login, personas, scav_case):
    lead = login("lead.scav")
    url = reverse("cases:assignments", kwargs={"case_id": scav_case.pk})
    worker = personas["worker.scav"]
    first = lead.post(url, {"unassign": worker.pk})
    assert first.status_code == 302 and f"remove={worker.pk}" in first["Location"]
    assert scav_case.assignments.filter(worker=worker).exists()
    page = lead.get(first["Location"]).content.decode()
    name = worker.get_full_name() or worker.username
    assert page.count(name) >= 3  # the question, the explanation and the button
    lead.post(url, {"unassign": worker.pk, "confirm": "yes"})
    assert not scav_case.assignments.filter(worker=worker).exists()


def test_row_buttons_say_what_they_act_on(login, personas, scav_case):
    page = login("lead.scav").get(reverse("cases:assignments", kwargs={"case_id": scav_case.pk})).content.decode()
    worker = personas["worker.scav"]
    assert re.search(r'>[^<]+<span class="visually-hidden"> ' + re.escape(worker.get_full_name() or worker.username), page)
    detail = login("worker.scav").get(reverse("cases:detail", kwargs={"case_id": scav_case.pk})).content.decode()
    session = scav_case.sessions.order_by("-held_on").first()
    assert re.search(r'>[^<]+<span class="visually-hidden"> [^<]*' + re.escape(session.held_on.strftime("%d/%m/%Y")), detail)
