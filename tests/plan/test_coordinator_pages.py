"""The coordinator's year page as a coordinator works with it (issue 13, "Coordinator"): a table
of contents, status badges that filter, readable charts, the printed report, a recalculation
that says when it is done; and its cached body, which must be what the builder gives now."""

import datetime
import re

import pytest

from audit.services import SYSTEM
from casework.plan.models import Indicator
from casework.plan.services import attestation_record, indicators_compute

pytestmark = pytest.mark.django_db
YEAR = 2025


def test_the_year_page_has_a_table_of_contents_by_sector_and_service(login):
    page = login("coordinator").get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    toc = page[page.index('<nav class="toc"'):page.index("</nav>", page.index('<nav class="toc"'))]
    for anchor in re.findall(r'href="#(sector-\d+|strategic-\d+)"', toc):
        assert f'id="{anchor}"' in page
    assert "SCAPI" in toc and "POLE RADICALISME" in toc


@pytest.mark.parametrize("status", ["met", "behind"])
def test_a_status_badge_filters_the_page_to_the_indicators_with_that_status(login, status):
    client = login("coordinator")
    indicators_compute(year=YEAR)
    page = client.get(f"/indicators/{YEAR}/?status={status}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    badges = re.findall(r'<span class="badge (met|on_track|behind|pending)">', page[page.index('id="indicators"'):])
    shown = [b for b in badges]
    assert shown and set(shown) == {status}
    assert f'href="?status={status}#indicators" aria-current="true"' in page


def test_an_unknown_status_filter_is_a_clear_400(login):
    response = login("coordinator").get(f"/indicators/{YEAR}/?status=nonsense", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Unknown status" in response.content.decode()


def test_charts_label_months_with_their_abbreviation(login):
    indicators_compute(year=YEAR)
    page = login("coordinator").get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<text class="month"' in page
    months = re.findall(r'<text class="month"[^>]*>([^<]*)</text>', page)[:12]
    assert months == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def test_the_printed_report_has_the_municipalitys_header_page_numbers_and_its_charts(login, client):
    indicators_compute(year=YEAR)
    page = login("coordinator").get(f"/indicators/{YEAR}/report/?lang=nl").content.decode()
    assert "Gemeente Sint-Jans-Molenbeek" in page and 'class="report-header"' in page
    assert '<svg class="trend"' in page and 'class="toc"' in page
    css = client.get("/static/plan/plan.css")
    body = b"".join(css.streaming_content if css.streaming else [css.content]).decode() if css.status_code == 200 else ""
    if body:  # served by whitenoise when collected; the rule is in the file either way
        assert "counter(page)" in body


def test_recalculating_says_when_it_is_done(login, django_capture_on_commit_callbacks):
    client = login("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/indicators/{YEAR}/recompute/")
    assert response.status_code == 302
    page = client.get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recalculation done at" in page
    again = client.get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recalculation done at" not in again  # said once


def test_recalculating_says_so_while_the_computation_has_not_run(login, django_capture_on_commit_callbacks):
    client = login("coordinator")
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/indicators/{YEAR}/recompute/")
    page = client.get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recalculating the figures" in page and 'http-equiv="refresh"' in page


def test_the_cached_page_shows_a_new_attestation_at_once(login, personas):
    client = login("coordinator")
    indicator = Indicator.objects.for_year(YEAR).filter(kind="yes_no").first()
    client.get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en")
    attestation_record(actor=personas["coordinator"], origin=SYSTEM, indicator=indicator, date=datetime.date(YEAR, 12, 30),
                       answer=False, evidence="Cache check evidence")
    page = client.get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cache check evidence" in page


def test_the_year_page_runs_a_constant_number_of_queries_cached_or_not(login, django_assert_max_num_queries):
    client = login("coordinator")
    with django_assert_max_num_queries(40):
        client.get(f"/indicators/{YEAR}/")
    with django_assert_max_num_queries(15):
        client.get(f"/indicators/{YEAR}/")


def test_a_finished_computation_builds_the_page_ahead_in_every_language(login, settings):
    """The first coordinator after the nightly run is served the body the task built, and it
    is exactly the body the page would have built itself."""
    from django.core.cache import cache
    from django.utils import translation

    from casework.plan import pages, selectors
    from casework.plan.models import PlanYear
    from casework.plan.tasks import compute_indicators

    # A cache of this test's own: in CI the Redis cache is shared with the other pytest
    # worker, whose tests clear it at any moment.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "prefill"}}
    plan_year = PlanYear.objects.get(year=YEAR)
    cache.clear()
    compute_indicators.apply(args=[plan_year.pk]).get()
    client = login("coordinator")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            assert cache.get(pages._body_key(plan_year, selectors.last_run(plan_year), "")) is not None, code
        prefilled = client.get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE=code).content.decode()
        cache.clear()
        built_by_the_page = client.get(f"/indicators/{YEAR}/", HTTP_ACCEPT_LANGUAGE=code).content.decode()
        assert _body(prefilled) == _body(built_by_the_page)
        compute_indicators.apply(args=[plan_year.pk]).get()


def _body(page):
    start = page.index('<nav class="toc"')
    return page[start:page.index("</main>", start)]
