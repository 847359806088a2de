"""Journeys of the foundation in a real browser: log in through the form, land in one's
workspace, change the language with the top bar's form, log out."""

import pytest
from django.utils import translation
from selenium.webdriver.common.by import By

from tests.browser.helpers import (
    browser_login, browser_logout, choose_language, console_errors, nav_labels, page_lang, path_of, screenshot,
)

pytestmark = pytest.mark.browser


def translated(lang, msgid):
    with translation.override(lang):
        return translation.gettext(msgid)


def test_a_worker_logs_in_changes_language_twice_and_logs_out(browser, live_server, demo_world):
    assert browser_login(browser, live_server, "worker.scapi") == "/agenda/"
    assert page_lang(browser) == "fr", "the browser asks for French"
    assert translated("fr", "My cases") in nav_labels(browser)
    assert browser.find_element(By.CSS_SELECTOR, "header .who").text == "worker.scapi"
    screenshot(browser, "worker-cases-fr")

    for lang in ("nl", "en"):
        choose_language(browser, lang)
        assert path_of(browser) == "/agenda/", "changing the language keeps the user on the same page"
        assert translated(lang, "My cases") in nav_labels(browser)

    assert browser_logout(browser) == "/accounts/login/"
    assert page_lang(browser) == "en", "the chosen language outlives the session"
    browser.get(f"{live_server.url}/cases/")
    assert path_of(browser) == "/accounts/login/", "after logging out the case list asks for a login again"
    errors = console_errors(browser)
    assert not errors, "the browser console reports:\n" + "\n".join(errors)


@pytest.mark.parametrize("username,workspace,labels", [
    ("auditor", "/audit/", ["Audit log"]),
    # Coordination also keeps the partner directory (organisations only, no person).
    ("coordinator", "/indicators/", ["Indicators", "Partners"]),
])
def test_auditor_and_coordinator_land_on_their_workspace(browser, live_server, demo_world, username, workspace, labels):
    assert browser_login(browser, live_server, username) == workspace
    assert page_lang(browser) == "fr"
    assert nav_labels(browser) == [translated("fr", label) for label in labels], "one role, its workspaces, nothing else"
    assert browser.find_element(By.TAG_NAME, "h1").text.strip()
    screenshot(browser, f"{username}-fr")
    errors = console_errors(browser)
    assert not errors, "the browser console reports:\n" + "\n".join(errors)


def test_a_wrong_password_keeps_the_user_on_the_login_form_with_a_message(browser, live_server, demo_world):
    assert browser_login(browser, live_server, "worker.scapi", "not-the-Password-1", expect_success=False) == "/accounts/login/"
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert alert == translated("fr", "Your username and password did not match. Please try again.")
    assert browser.find_element(By.NAME, "username").get_attribute("value") == "worker.scapi"
    assert browser.find_element(By.NAME, "password").get_attribute("value") == "", "the password is never sent back"
