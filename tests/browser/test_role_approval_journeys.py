"""Separation of duties in a real browser: the team lead finds the pending role request in
their navigation and approves it with one button (docs/decisions/0005-role-approval.md)."""

import pytest
from django.utils import translation
from selenium.webdriver.common.by import By

from tests.browser.helpers import browser_login, console_errors, nav_labels, path_of, screenshot, submit

pytestmark = pytest.mark.browser


def test_the_lead_approves_the_pending_worker_role_from_the_role_requests_page(browser, live_server, demo_world):
    from casework.models import Role

    assert browser_login(browser, live_server, "lead.scapi") == "/agenda/"
    with translation.override("fr"):
        label = translation.gettext("Role requests")
    assert label in nav_labels(browser)
    browser.find_element(By.LINK_TEXT, label).click()
    assert path_of(browser) == "/role-requests/"
    row = browser.find_element(By.XPATH, "//tr[td[contains(., 'worker.rad')]]")
    screenshot(browser, "lead-role-requests-fr")
    submit(browser, row.find_element(By.CSS_SELECTOR, "button[value=approve]"))
    assert path_of(browser) == "/role-requests/"
    assert "worker.rad" not in browser.find_element(By.TAG_NAME, "main").text
    role = Role.all_objects.get(user__username="worker.rad", team__code="SCAPI")
    assert (role.status, role.approved_by.username) == (Role.Status.ACTIVE, "lead.scapi")
    errors = console_errors(browser)
    assert not errors, "the browser console reports:\n" + "\n".join(errors)
