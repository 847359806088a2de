"""The key casework journeys in a real browser: a team lead opens a case and assigns it, the
assigned worker finds it in their list and records a session; nobody else sees it."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from casework.models import Case
from casework.national_number import make_national_number
from tests.browser.test_foundation_journeys import translated
from tests.browser.helpers import browser_login, browser_logout, console_errors, path_of, screenshot, submit

pytestmark = pytest.mark.browser


def _fill(browser, name, value):
    field = browser.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def _set_date(browser, name, iso_date):
    # A date input's typing format follows the browser's locale; set its value as the form posts it.
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.NAME, name), iso_date)


def _submit_main_form(browser):
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button.primary"))


def test_lead_opens_a_case_and_the_assigned_worker_records_a_session(browser, live_server, demo_world):
    assert browser_login(browser, live_server, "lead.scav") == "/agenda/"
    browser.get(f"{live_server.url}/cases/team/")
    browser.find_element(By.CSS_SELECTOR, "a[href='/cases/new/']").click()
    assert path_of(browser) == "/cases/new/"
    _fill(browser, "identity-given_names", "Ilse")
    _fill(browser, "identity-family_name", "Browsertest")
    _set_date(browser, "identity-date_of_birth", "1990-04-12")
    _fill(browser, "identity-national_number", make_national_number("900412", 123))
    _fill(browser, "identity-notes", "Rencontre au commissariat, plainte déposée.")
    Select(browser.find_element(By.NAME, "details-offence")).select_by_value("domestic_violence")
    Select(browser.find_element(By.NAME, "details-referral_source")).select_by_value("police")
    worker_box = browser.find_element(By.XPATH, "//input[@name='case-workers'][ancestor::label[contains(., 'worker.scav')]]")
    worker_box.click()
    _submit_main_form(browser)

    (case,) = [c for c in Case.objects.filter(team__code="MEDLOC-SCAV") if c.family_name == "Browsertest"]
    assert case.assignments.get().worker.username == "worker.scav"
    assert path_of(browser) == f"/cases/{case.pk}/"
    assert case.reference in browser.find_element(By.TAG_NAME, "h1").text
    assert "Ilse Browsertest" in browser.find_element(By.TAG_NAME, "main").text
    screenshot(browser, "lead-new-case-fr")
    errors = console_errors(browser)
    assert not errors, "\n".join(errors)
    browser_logout(browser)

    assert browser_login(browser, live_server, "worker.scav") == "/agenda/"
    browser.find_element(By.CSS_SELECTOR, "nav.workspaces a[href='/cases/']").click()
    browser.find_element(By.LINK_TEXT, case.reference).click()
    assert path_of(browser) == f"/cases/{case.pk}/"
    browser.find_element(By.CSS_SELECTOR, f"a[href='/cases/{case.pk}/sessions/new/']").click()
    Select(browser.find_element(By.NAME, "kind")).select_by_visible_text("Suivi psychologique")
    _fill(browser, "duration_minutes", "45")
    _fill(browser, "notes", "Premier entretien psychologique, rendez-vous dans deux semaines.")
    _submit_main_form(browser)
    assert path_of(browser) == f"/cases/{case.pk}/"
    sessions = browser.find_element(By.XPATH, f"//section[h2[starts-with(., '{translated('fr', 'Sessions')}')]]").text
    assert "Suivi psychologique" in sessions and "Premier entretien psychologique" in sessions
    assert case.sessions.count() == 1
    screenshot(browser, "worker-session-fr")
    errors = console_errors(browser)
    assert not errors, "\n".join(errors)
    browser_logout(browser)

    # Another worker of another team: the case is a plain "not found".
    browser_login(browser, live_server, "worker.rad")
    browser.get(f"{live_server.url}/cases/{case.pk}/")
    assert "Ilse" not in browser.page_source
    assert browser.find_element(By.TAG_NAME, "h1").text.strip() == translated("fr", "Page not found")
