"""Lists, safe actions, forms and phones in a real Chromium, checked with axe-core (every rule,
every impact) on each page visited, with screenshots at 390 px (a phone) and 768 px (a tablet).

- a lead narrows the register with each filter and sorts it by each column;
- a worker closes a case (no reason preselected, a summary to confirm) and undoes it;
- a worker's day at phone width: my cases, a case, record a session, log out;
- a long follow-up: the case page's latest sessions, then all of them on the sessions page;
- the fixed form markup (checkbox group as fieldset, error summary linking the fields).
"""

import pytest
from django.db.models import Count
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from casework import case_lists, selectors
from casework.models import Case
from tests.browser.axe import assert_accessible
from tests.browser.helpers import (at_width, browser_login, browser_logout, check_page, fits_width, path_of, screenshot,
                                   submit, wait_for)
from tests.browser.test_foundation_journeys import translated

pytestmark = pytest.mark.browser

def _references(browser):
    return [link.text for link in browser.find_elements(By.CSS_SELECTOR, "table.cards tbody td:first-child a")]


def _apply(browser):
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))


def test_a_lead_narrows_the_register_with_each_filter_and_sorts_by_each_column(browser, live_server, demo_world, monkeypatch):
    monkeypatch.setattr(case_lists, "PAGE_SIZE", 200)  # the whole team on one page, to compare orders
    assert browser_login(browser, live_server, "lead.scav") == "/agenda/"
    browser.get(live_server.url + "/cases/team/")
    team = Case.objects.filter(team__code="MEDLOC-SCAV")
    assert set(_references(browser)) == set(team.filter(status="open").values_list("reference", flat=True))
    check_page(browser, "register")

    Select(browser.find_element(By.NAME, "status")).select_by_value("closed")
    _apply(browser)
    assert set(_references(browser)) == set(team.filter(status="closed").values_list("reference", flat=True))

    Select(browser.find_element(By.NAME, "status")).select_by_value("")
    worker = team.filter(assignments__worker__username="worker.scav").first().assignments.get(worker__username="worker.scav").worker
    Select(browser.find_element(By.NAME, "worker")).select_by_value(str(worker.pk))
    _apply(browser)
    assert set(_references(browser)) == set(team.filter(assignments__worker=worker).values_list("reference", flat=True))

    Select(browser.find_element(By.NAME, "worker")).select_by_value("")
    field = browser.find_element(By.NAME, "no_contact_days")
    field.clear()
    field.send_keys("120")
    _apply(browser)
    shown = _references(browser)
    assert shown
    import datetime

    from django.utils import timezone

    cutoff = timezone.localdate() - datetime.timedelta(days=120)
    assert all((c.last_contact_on or c.opened_on) < cutoff for c in team.filter(reference__in=shown))
    field = browser.find_element(By.NAME, "no_contact_days")
    field.clear()

    browser.find_element(By.NAME, "unassigned").click()
    _apply(browser)
    assert set(_references(browser)) == set(team.filter(assignments__isnull=True).values_list("reference", flat=True))
    browser.find_element(By.NAME, "unassigned").click()

    target = team.first()
    search = browser.find_element(By.NAME, "q")
    search.send_keys(target.family_name)
    _apply(browser)
    shown = _references(browser)
    assert target.reference in shown
    assert all(target.family_name.lower() in c.display_name.lower() for c in team.filter(reference__in=shown))
    browser.find_element(By.NAME, "q").clear()
    _apply(browser)

    for key, sort in case_lists.SORTS.items():
        header = browser.find_element(By.XPATH, f"//th[a[contains(@href, 'sort={key}')]]")
        submit(browser, header.find_element(By.TAG_NAME, "a"))
        header = browser.find_element(By.XPATH, f"//th[a[contains(@href, 'sort={key}')]]")
        state = header.get_attribute("aria-sort")
        assert state in ("ascending", "descending"), key
        shown = _references(browser)
        values = dict(team.values_list("reference", sort.field))
        keys = [values[ref] for ref in shown if values[ref] is not None]
        assert keys == sorted(keys, reverse=state == "descending"), key
    screenshot(browser, "register-sorted")
    assert_accessible(browser)


def test_a_worker_closes_a_case_safely_and_undoes_it_the_same_day(browser, live_server, demo_world):
    case = Case.objects.filter(status="open", assignments__worker__username="worker.scav").first()
    browser_login(browser, live_server, "worker.scav")
    browser.get(f"{live_server.url}/cases/{case.pk}/close/")
    reason = Select(browser.find_element(By.NAME, "reason"))
    assert reason.first_selected_option.get_attribute("value") == ""
    check_page(browser, "close-form")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button.primary"))
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    link = summary.find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("href").endswith("#id_reason")
    assert_accessible(browser)

    Select(browser.find_element(By.NAME, "reason")).select_by_value("referred")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button.primary"))
    assert case.reference in browser.find_element(By.TAG_NAME, "main").text
    assert Case.objects.get(pk=case.pk).is_open, "nothing is closed before the confirmation"
    check_page(browser, "close-summary")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button.primary"))
    assert path_of(browser) == f"/cases/{case.pk}/"
    assert not Case.objects.get(pk=case.pk).is_open
    check_page(browser, "closed-case")

    submit(browser, browser.find_element(By.XPATH, "//form[contains(@action, '/close/undo/')]//button"))
    assert Case.objects.get(pk=case.pk).is_open
    assert not browser.find_elements(By.XPATH, "//form[contains(@action, '/close/undo/')]")
    browser_logout(browser)


def test_a_workers_day_at_phone_width(browser, live_server, demo_world):
    at_width(browser, 390)
    assert browser_login(browser, live_server, "worker.scav") == "/agenda/", "workers land on their day"
    assert fits_width(browser)
    assert_accessible(browser)
    screenshot(browser, "day-today-390")
    browser.get(live_server.url + "/cases/")
    assert fits_width(browser)
    logout = browser.find_element(By.XPATH, "//form[contains(@action, '/logout/')]//button")
    right = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return r.right;", logout)
    assert right <= 390, "Log out is cut off"
    screenshot(browser, "day-my-cases-390")
    assert_accessible(browser)
    case = Case.objects.filter(status="open", assignments__worker__username="worker.scav").first()
    browser.find_element(By.LINK_TEXT, case.reference).click()
    wait_for(browser, lambda b: path_of(b) == f"/cases/{case.pk}/", "the case did not open")
    assert fits_width(browser)
    screenshot(browser, "day-case-390")
    assert_accessible(browser)
    browser.find_element(By.CSS_SELECTOR, f"a[href='/cases/{case.pk}/sessions/new/']").click()
    wait_for(browser, lambda b: path_of(b).endswith("/sessions/new/"), "the session form did not open")
    assert browser.find_element(By.NAME, "duration_minutes").get_attribute("value"), "the usual duration is filled in"
    assert fits_width(browser)
    screenshot(browser, "day-session-form-390")
    assert_accessible(browser)
    before = case.sessions.count()
    browser.find_element(By.NAME, "notes").send_keys("Entretien au téléphone, suivi dans deux semaines.")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button.primary"))
    assert case.sessions.count() == before + 1
    assert fits_width(browser)
    at_width(browser, 768)
    assert fits_width(browser)
    screenshot(browser, "day-case-768")
    assert_accessible(browser)
    browser_logout(browser)


def test_a_worker_reads_every_session_of_a_long_follow_up_at_phone_width(browser, live_server, demo_world):
    """The case page shows the latest sessions; the demo's weekly SCAPI file has more, and its
    sessions page lists them all, newest first, on a phone as on a tablet."""
    case = (Case.objects.filter(assignments__worker__username="worker.scapi")
            .annotate(total=Count("sessions")).order_by("-total").first())
    assert case.total > selectors.RECENT_SESSIONS, "the demo's long follow-up is seeded"
    at_width(browser, 390)
    browser_login(browser, live_server, "worker.scapi")
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    shown = browser.find_elements(By.XPATH, f"//section[h2[starts-with(., '{translated('fr', 'Sessions')}')]]//tbody/tr")
    assert len(shown) == selectors.RECENT_SESSIONS
    browser.find_element(By.CSS_SELECTOR, f"a[href='/cases/{case.pk}/sessions/']").click()
    wait_for(browser, lambda b: path_of(b) == f"/cases/{case.pk}/sessions/", "the sessions page did not open")
    rows = browser.find_elements(By.CSS_SELECTOR, "main table.cards tbody tr")
    assert len(rows) == case.total  # fewer than a page of 50
    newest = case.sessions.order_by("-held_on").first().held_on.strftime("%d/%m/%Y")
    assert newest in rows[0].text
    check_page(browser, "long-follow-up-sessions")
    browser_logout(browser)


def test_the_new_case_form_groups_its_checkboxes_and_summarises_errors(browser, live_server, demo_world):
    browser_login(browser, live_server, "lead.scav")
    browser.get(f"{live_server.url}/cases/new/")
    group = browser.find_element(By.XPATH, "//fieldset[.//input[@name='case-workers']]")
    assert group.find_element(By.TAG_NAME, "legend").text
    check_page(browser, "new-case-form")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button.primary"))
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    for link in summary.find_elements(By.CSS_SELECTOR, "a"):
        target = link.get_attribute("href").split("#", 1)[1]
        assert browser.find_elements(By.ID, target), target
    assert_accessible(browser)


def test_an_auditor_reads_the_log_verifies_it_and_reviews_a_finding_with_an_outcome(browser, live_server, demo_world):
    from audit.models import Anomaly

    browser_login(browser, live_server, "auditor")
    browser.get(f"{live_server.url}/audit/")
    agent = browser.find_element(By.CSS_SELECTOR, "details.agent summary")
    assert "·" in agent.text and len(agent.text) < 30
    check_page(browser, "audit-log")
    submit(browser, browser.find_element(By.XPATH, "//form[contains(@action, '/audit/verify/')]//button"))
    assert browser.find_element(By.CSS_SELECTOR, ".messages").text
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from audit.actions import Action
    from audit.services import anomalies_detect, audit_record

    case = Case.objects.filter(team__code="SCAPI").first()
    audit_record(actor=get_user_model().objects.get(username="worker2.scapi"), action=Action.BREAK_GLASS, target_type="case",
                 target_id=case.pk, target_ref=case.reference, team="SCAPI", justification="Urgent call from the prison social service")
    anomalies_detect(first_day=timezone.localdate(), last_day=timezone.localdate())
    item = Anomaly.objects.unreviewed().first()
    browser.get(f"{live_server.url}/audit/anomalies/{item.pk}/")
    check_page(browser, "audit-review")
    browser.find_element(By.CSS_SELECTOR, "input[name=outcome][value=justified]").click()
    browser.find_element(By.NAME, "comment").send_keys("Checked with the team lead: a genuine emergency.")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button.primary"))
    item.refresh_from_db()
    assert item.review_outcome == "justified"
    assert browser.find_element(By.CSS_SELECTOR, ".audit-nav a[aria-current=page]").get_attribute("href").endswith("/audit/anomalies/")
    assert_accessible(browser)
