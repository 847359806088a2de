"""Coordination's pages in a real browser: the coordinator lands on the plan's years, opens the
current year (its indicators, charts and "between X and Y" totals), then the printable
report. Each page: every axe-core rule on a laptop, at 390 px and at 768 px, nothing wider than
the phone, no console error."""

import datetime

import pytest
from selenium.webdriver.common.by import By

from casework.plan.models import PlanYear
from tests.browser.helpers import browser_login, browser_logout, check_page, path_of

pytestmark = pytest.mark.browser


def test_the_coordinator_reads_the_year_and_its_printable_report(browser, live_server, demo_world):
    year = datetime.date.today().year
    assert PlanYear.objects.filter(year=year).exists(), "the demo has this year's plan"
    assert browser_login(browser, live_server, "coordinator") == "/indicators/"
    check_page(browser, "coordinator-years")

    browser.find_element(By.CSS_SELECTOR, f"main a[href='/indicators/{year}/']").click()
    assert path_of(browser) == f"/indicators/{year}/"
    main = browser.find_element(By.TAG_NAME, "main")
    assert str(year) in browser.find_element(By.TAG_NAME, "h1").text
    assert main.find_elements(By.CSS_SELECTOR, "svg"), "the year page draws its charts"
    check_page(browser, "coordinator-year")

    browser.get(f"{live_server.url}/indicators/{year}/report/")
    assert str(year) in browser.find_element(By.TAG_NAME, "h1").text
    check_page(browser, "coordinator-report")
    browser_logout(browser)
