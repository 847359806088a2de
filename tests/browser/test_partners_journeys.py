"""Between teams in a real browser: SCAPI's lead has referred a person to MEDLOC-SCAV; its lead
finds the referral, sees only what is needed to decide, accepts it, and lands on the new linked
file; SCAPI's lead then sees the answer on their own file. axe-core checks every page, at a
phone's width (390 px) and a laptop's."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from casework.models import Case
from casework.partners.models import TeamReferral
from tests.browser.helpers import browser_login, browser_logout, check_page, path_of, submit

pytestmark = pytest.mark.browser

def test_a_referral_from_scapi_is_accepted_by_the_medloc_scav_lead(browser, live_server, demo_world):
    referral = TeamReferral.objects.select_related("case").get(status="pending", from_team__code="SCAPI", to_team__code="MEDLOC-SCAV")
    source = referral.case

    browser_login(browser, live_server, "lead.scav")
    browser.find_element(By.CSS_SELECTOR, "nav.workspaces a[href='/partners/inbox/']").click()
    assert path_of(browser) == "/partners/inbox/"
    check_page(browser, "partners-inbox")

    browser.find_element(By.CSS_SELECTOR, f"a[href='/partners/team-referrals/{referral.pk}/']").click()
    page = browser.find_element(By.TAG_NAME, "main").text
    assert source.family_name in page
    assert source.notes not in page and source.reference not in page
    assert all(session.notes not in page for session in source.sessions.all())
    check_page(browser, "partners-decide")

    Select(browser.find_element(By.NAME, "details-offence")).select_by_value("domestic_violence")
    Select(browser.find_element(By.NAME, "details-referral_source")).select_by_value("association")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[name='accept']"))

    referral.refresh_from_db()
    assert referral.status == "accepted"
    new_case = Case.objects.get(pk=referral.new_case_id)
    assert path_of(browser) == f"/cases/{new_case.pk}/"
    main = browser.find_element(By.TAG_NAME, "main").text
    assert new_case.reference in main and source.family_name in main
    assert source.reference in browser.find_element(By.ID, "consent-referrals").text  # the files are linked
    assert source.notes not in main
    check_page(browser, "partners-accepted-case")
    browser_logout(browser)

    browser_login(browser, live_server, "lead.scapi")
    browser.get(f"{live_server.url}/cases/{source.pk}/")
    panel = browser.find_element(By.ID, "consent-referrals").text
    assert new_case.reference in panel
    check_page(browser, "partners-sending-case")
