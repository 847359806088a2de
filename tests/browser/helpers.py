"""Steps of browser journeys, shared by every test under tests/browser.

Each step acts the way a user does (typing into the real form, pressing its button) and waits
for the page that follows, with a bounded wait, so journeys read as a list of steps:

    browser_login(browser, live_server, "worker.scapi")
    choose_language(browser, "nl")
    browser_logout(browser)
"""

import os
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.axe import assert_accessible
from tests.conftest import DEMO_PASSWORD

WAIT = 15  # seconds: a page of the live server, Argon2 included, answers well within this


def wait_for(browser, condition, message, timeout=WAIT):
    try:
        return WebDriverWait(browser, timeout).until(condition)
    except TimeoutException:
        pytest.fail(f"{message} (waited {timeout}s; at {browser.current_url})")


def path_of(browser):
    return urlsplit(browser.current_url).path


def page_lang(browser):
    return browser.find_element(By.TAG_NAME, "html").get_attribute("lang")


def nav_labels(browser):
    """The workspace links of the top bar, as the user reads them."""
    return [link.text for link in browser.find_elements(By.CSS_SELECTOR, "nav.workspaces a")]


def _replaced(page):
    """A wait condition: true once ``page`` (an element of the old document) is gone."""

    def condition(_browser):
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            # Mid-navigation chromedriver may answer this instead of "stale": ask again.
            if "does not belong to the document" in str(error):
                return False
            raise
        return False

    return condition


def submit(browser, button):
    """Press a form's button and wait until the next page has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    button.click()
    wait_for(browser, _replaced(page), "the form was submitted but no new page came")


def browser_login(browser, live_server, username, password=DEMO_PASSWORD, *, expect_success=True):
    """Log in through the login form; return the path of the page the user lands on."""
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser, browser.find_element(By.XPATH, "//form[.//input[@name='password']]//button[@type='submit']"))
    if expect_success and path_of(browser) == "/accounts/login/":
        pytest.fail(f"{username} could not log in; the page says: {browser.find_element(By.TAG_NAME, 'main').text}")
    return path_of(browser)


def choose_language(browser, lang):
    """Pick a language in the top bar's form and press its button (no JavaScript involved)."""
    Select(browser.find_element(By.NAME, "language")).select_by_value(lang)
    submit(browser, browser.find_element(By.XPATH, "//form[.//select[@name='language']]//button[@type='submit']"))
    wait_for(browser, lambda b: page_lang(b) == lang, f"the page did not switch to {lang}")


def browser_logout(browser):
    submit(browser, browser.find_element(By.XPATH, "//form[contains(@action, '/logout/')]//button[@type='submit']"))
    return path_of(browser)


def console_errors(browser):
    """Errors the page logged in the browser console (a CSP violation, a missing asset, a script
    error). The browser's automatic /favicon.ico request is not the page's doing."""
    return [entry["message"] for entry in browser.get_log("browser")
            if entry["level"] == "SEVERE" and "/favicon.ico" not in entry["message"]]


def screenshot(browser, name):
    """Save a screenshot under /tmp (never in the repository) and return its path."""
    path = f"/tmp/casework-browser/{name}.png"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    browser.save_screenshot(path)
    return path


PHONE, TABLET, LAPTOP = 390, 768, 1280


def at_width(browser, width, height=900):
    """Make the viewport itself ``width`` px wide (the window's frame, if any, added)."""
    browser.set_window_size(width, height)
    inner = browser.execute_script("return window.innerWidth")
    if inner != width:
        browser.set_window_size(width + (width - inner), height)


def fits_width(browser, element=None):
    """Nothing wider than the viewport: no sideways scrolling of the page (or of ``element``)."""
    if element is not None:
        return browser.execute_script("return arguments[0].scrollWidth <= window.innerWidth", element)
    return browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def check_page(browser, name, *, widths=(PHONE, TABLET)):
    """The one check of a page in the journeys: every axe-core rule (any impact) at a laptop's
    width, then at each of ``widths``: nothing wider than the viewport, a screenshot, axe again;
    and no console error. Leaves the browser at the laptop's width."""
    at_width(browser, LAPTOP)
    assert_accessible(browser)
    screenshot(browser, f"{name}-{LAPTOP}")
    for width in widths:
        at_width(browser, width)
        assert fits_width(browser), f"{path_of(browser)} is wider than {width} px"
        screenshot(browser, f"{name}-{width}")
        assert_accessible(browser)
    at_width(browser, LAPTOP)
    errors = console_errors(browser)
    assert not errors, "\n".join(errors)
