"""The second factor in a real browser (issue 8, section 3): enrol with the key shown on the
page, keep the ten recovery codes, and later get in with one of them instead of the phone."""

import base64
import re

import pytest
from django_otp.oath import totp
from selenium.webdriver.common.by import By

from tests.browser.helpers import browser_login, browser_logout, console_errors, path_of, screenshot, submit

pytestmark = pytest.mark.browser


def test_a_worker_enrols_keeps_the_recovery_codes_and_later_gets_in_with_one(browser, live_server, demo_world, settings):
    settings.CASEWORK_REQUIRE_2FA = True
    assert browser_login(browser, live_server, "worker.scav") == "/accounts/2fa/setup/"
    secret = browser.find_element(By.CSS_SELECTOR, "main code").text.strip()
    code = totp(base64.b32decode(secret + "=" * (-len(secret) % 8)))
    browser.find_element(By.NAME, "token").send_keys(f"{code:06d}")
    submit(browser, browser.find_element(By.XPATH, "//form[.//input[@name='token']]//button[@type='submit']"))

    codes = [element.text for element in browser.find_elements(By.CSS_SELECTOR, "ol.recovery-codes code")]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    screenshot(browser, "recovery-codes")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main a.button.primary"))
    assert path_of(browser) == "/agenda/"

    assert browser_logout(browser) == "/accounts/login/"
    assert browser_login(browser, live_server, "worker.scav") == "/accounts/2fa/verify/"
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    browser.find_element(By.NAME, "recovery_code").send_keys(codes[0].upper())
    submit(browser, browser.find_element(By.XPATH, "//form[.//input[@name='recovery_code']]//button[@type='submit']"))
    assert path_of(browser) == "/agenda/"
    browser.get(f"{live_server.url}/accounts/recovery-codes/")
    assert "9" in browser.find_element(By.TAG_NAME, "main").text
    errors = console_errors(browser)
    assert not errors, "the browser console reports:\n" + "\n".join(errors)
