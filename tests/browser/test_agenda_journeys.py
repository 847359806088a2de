"""The day's journeys in a real browser: a worker plans and records a session from the home
page; a lead hands over a leaving worker's cases. Screenshots on a 390 px phone and a laptop."""

import datetime

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from casework.agenda.models import Appointment, CaseFollowUp
from casework.models import Case
from tests.browser.axe import assert_accessible
from tests.browser.helpers import browser_login, console_errors, fits_width, path_of, screenshot, submit
from tests.browser.test_foundation_journeys import translated

pytestmark = pytest.mark.browser

PHONE, LAPTOP = (390, 844), (1280, 900)


def _main_button(browser):
    return browser.find_element(By.CSS_SELECTOR, "main form button.primary")


def test_a_worker_plans_and_records_a_session_from_the_home_page(browser, live_server, demo_world):
    # One of the worker's cases is due a follow-up and has nothing planned yet.
    case = Case.objects.open().filter(assignments__worker__username="worker.scapi").order_by("reference").first()
    Appointment.objects.filter(case=case).update(status="cancelled")
    Case.objects.filter(pk=case.pk).update(next_appointment_at=None)
    CaseFollowUp.objects.update_or_create(case=case, defaults={"days": 1})
    browser.set_window_size(*PHONE)
    assert browser_login(browser, live_server, "worker.scapi") == "/agenda/"
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(translated("fr", "Today"))
    assert fits_width(browser), "the page scrolls sideways"
    assert_accessible(browser)
    screenshot(browser, "agenda-worker-home-390-fr")

    case_id = str(case.pk)
    browser.find_element(By.CSS_SELECTOR, f"section[aria-labelledby='h-due'] a[href='/agenda/cases/{case_id}/plan/?next=home']").click()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.NAME, "day"), tomorrow.isoformat())
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.NAME, "time"), "09:15")
    Select(browser.find_element(By.NAME, "place")).select_by_value("prison")
    submit(browser, _main_button(browser))
    assert path_of(browser) == "/agenda/"
    appointment = Appointment.objects.get(case_id=case_id, status="planned", starts_at__date=tomorrow)
    assert Case.objects.get(pk=case_id).next_appointment_at is not None

    record = browser.find_element(By.CSS_SELECTOR, f"a[href='/agenda/appointments/{appointment.pk}/record/']")
    record.click()
    assert Select(browser.find_element(By.NAME, "place")).first_selected_option.get_attribute("value") == "prison"
    browser.find_element(By.NAME, "notes").send_keys("Entretien à la prison, préparation de la sortie.")
    assert_accessible(browser)
    screenshot(browser, "agenda-record-390-fr")
    submit(browser, _main_button(browser))
    assert path_of(browser) == f"/cases/{case_id}/"
    sessions = browser.find_element(By.XPATH, f"//section[h2[starts-with(., '{translated('fr', 'Sessions')}')]]").text
    assert "préparation de la sortie" in sessions and "prison" in sessions
    appointment.refresh_from_db()
    assert appointment.status == "done"

    browser.set_window_size(*LAPTOP)
    browser.get(f"{live_server.url}/agenda/")
    assert_accessible(browser)
    screenshot(browser, "agenda-worker-home-laptop-fr")
    errors = console_errors(browser)
    assert not errors, "\n".join(errors)


def test_a_lead_hands_over_a_leaving_workers_cases(browser, live_server, demo_world):
    leaving = list(Case.objects.filter(assignments__worker__username="worker2.scapi").values_list("pk", flat=True))
    assert leaving
    browser.set_window_size(*LAPTOP)
    assert browser_login(browser, live_server, "lead.scapi") == "/agenda/"
    assert_accessible(browser)
    screenshot(browser, "agenda-lead-home-laptop-fr")
    browser.find_element(By.CSS_SELECTOR, "a[href='/agenda/team/handover/']").click()
    browser.set_window_size(*PHONE)
    Select(browser.find_element(By.NAME, "from_worker")).select_by_visible_text("Hicham Amrani")
    submit(browser, browser.find_element(By.XPATH, "//form[@method='get']//button"))
    boxes = browser.find_elements(By.CSS_SELECTOR, "input[name='cases']")
    assert len(boxes) == len(leaving) and all(box.is_selected() for box in boxes)
    Select(browser.find_element(By.NAME, "to_worker")).select_by_visible_text("Sara Vermeulen")
    assert fits_width(browser), "the page scrolls sideways"
    assert_accessible(browser)
    screenshot(browser, "agenda-handover-390-fr")
    submit(browser, _main_button(browser))
    assert path_of(browser) == "/agenda/"
    assert "Sara Vermeulen" in browser.find_element(By.CSS_SELECTOR, ".messages").text
    assert not Case.objects.filter(assignments__worker__username="worker2.scapi").exists()
    assert Case.objects.filter(pk__in=leaving, assignments__worker__username="worker.scapi").count() == len(leaving)
    errors = console_errors(browser)
    assert not errors, "\n".join(errors)
