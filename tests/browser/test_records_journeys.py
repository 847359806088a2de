"""Recording the work that is not a session on a named file, in a real browser: a worker records
an anonymous contact, another records a collective activity that the lead confirms. Each page is
checked with axe-core (every rule, any impact) on a laptop, at 390 px and at 768 px."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from casework.contacts.models import AnonymousContact, CollectiveActivity
from tests.browser.helpers import browser_login, browser_logout, check_page, path_of, submit

pytestmark = pytest.mark.browser

def _fill(browser, name, value):
    field = browser.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def _submit_main_form(browser):
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button.primary"))


def test_a_worker_records_an_anonymous_contact_and_a_collective_activity_the_lead_confirms(browser, live_server, demo_world):
    browser_login(browser, live_server, "worker.scav")
    browser.find_element(By.CSS_SELECTOR, "nav.workspaces a[href='/contacts/']").click()
    assert path_of(browser) == "/contacts/"
    check_page(browser, "contacts-list")
    browser.find_element(By.CSS_SELECTOR, "a[href='/contacts/new/']").click()
    Select(browser.find_element(By.NAME, "kind")).select_by_value("drop_in")
    Select(browser.find_element(By.NAME, "asker")).select_by_value("person")
    Select(browser.find_element(By.NAME, "topic")).select_by_value("domestic_violence")
    _fill(browser, "duration_minutes", "25")
    _fill(browser, "note", "Orientée vers la permanence juridique.")
    check_page(browser, "contact-form")
    _submit_main_form(browser)
    contact = AnonymousContact.objects.filter(recorded_by__username="worker.scav").order_by("-created_at").first()
    assert path_of(browser) == f"/contacts/{contact.pk}/"
    assert "Orientée vers la permanence juridique." in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, "contact-detail")
    browser_logout(browser)

    browser_login(browser, live_server, "worker.rad")
    browser.get(f"{live_server.url}/contacts/activities/new/")
    Select(browser.find_element(By.NAME, "kind")).select_by_value("awareness")
    _fill(browser, "title", "Sensibilisation des éducateurs")
    _fill(browser, "partners", "Maison des jeunes")
    _fill(browser, "participants", "18")
    check_page(browser, "activity-form")
    _submit_main_form(browser)
    assert path_of(browser) == "/contacts/activities/"
    activity = CollectiveActivity.objects.get(title="Sensibilisation des éducateurs")
    assert not activity.confirmed and activity.participants == 18
    browser_logout(browser)

    browser_login(browser, live_server, "lead.rad")
    browser.get(f"{live_server.url}/contacts/activities/")
    check_page(browser, "activities-lead")
    button = browser.find_element(By.XPATH, f"//form[@action='/contacts/activities/{activity.pk}/confirm/']//button")
    submit(browser, button)
    activity.refresh_from_db()
    assert activity.confirmed and activity.confirmed_by.username == "lead.rad"
