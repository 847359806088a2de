"""Disclosure control of the figures about people (issue 9, docs/decisions/0008): the rule on
its own, an attacker replaying thousands of random years against it, and a year of month-end
computations through the real pages and exports."""

import csv
import datetime
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from casework.plan.disclosure import Published, is_safe, published_total, release
from casework.plan.models import Indicator, MonthRelease
from casework.plan.services import indicators_compute
from tests.plan.attacker import brute_force_bounds, disclosed, integer_bounds
from tests.plan.conftest import CONTROLLED_YEAR, load_controlled_plan, open_rad_case, record_sessions

# Many small months: the values an attacker hopes to recover.
SMALL_HEAVY = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20])


def replay(cells_by_month, k, late=()):
    """Month-end releases of a year: ``cells_by_month`` the counts recorded during each month,
    ``late`` (release month, count) entered after their month was published, so they count in
    the release of that later month. Returns the releases and the true cells released."""
    published, true_cells, total = [], [], 0
    late_by_month = {}
    for month, count in late:
        late_by_month[month] = late_by_month.get(month, 0) + count
    for month, count in enumerate(cells_by_month, start=1):
        cell = count + late_by_month.get(month, 0)
        total += cell
        published.append(release(published, month, cell, total, k))
        true_cells.append(cell)
    return published, true_cells


def observations(published):
    """Everything the attacker saved: every release's cell and total (each release stays
    published; later pages show the same frozen cells and the later totals)."""
    cells = {p.month: p.value for p in published}
    totals = [(p.month, p.total_low, p.total_high) for p in published if p.total_low is not None]
    return cells, totals


# --- the rule ----------------------------------------------------------------------------------


def test_a_month_between_one_and_k_minus_one_is_never_shown():
    published, _ = replay([7, 2, 0, 9, 0, 12, 5, 0, 0, 0, 3, 0], k=5)
    assert published[1].value is None and published[10].value is None
    assert all(p.value is None or p.value == 0 or p.value >= 5 for p in published)


def test_january_alone_below_k_is_published_as_a_range_not_as_the_year_total():
    (january,), _ = replay([3], k=5)
    assert january.value is None and (january.total_low, january.total_high) == (0, 4)


def test_one_label_for_every_suppressed_cell_whatever_the_reason():
    # Feb is small (primary); Mar is hidden to protect it (secondary): both are just "not shown".
    published, _ = replay([7, 2, 6, 9], k=5)
    hidden = [p for p in published if not p.shown]
    assert len(hidden) >= 2 and {p.value for p in hidden} == {None}


def test_the_total_is_exact_again_once_the_hidden_months_are_safely_mixed():
    published, _ = replay([7, 2, 6, 9, 10], k=5)
    assert published[-1].total_exact and published_total(published) == (34, 34)


def test_a_late_entry_goes_into_a_later_release_and_the_published_month_stays_as_it_was():
    before, _ = replay([6, 8], k=5)
    after, cells = replay([6, 8, 5], k=5, late=[(3, 4)])  # 4 sessions of Feb entered in March
    assert after[:2] == before and cells[2] == 9


def test_no_total_is_ever_published_that_a_past_release_contradicts():
    published, cells = replay([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], k=5)
    for p, total in zip(published, __import__("itertools").accumulate(cells)):
        assert p.total_low is None or p.total_low <= total <= p.total_high
    assert is_safe(published, 5)


# --- the attacker, on thousands of random years ---------------------------------------------


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(SMALL_HEAVY, min_size=1, max_size=12), k=st.sampled_from([2, 3, 5, 10]),
       late=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 4)), max_size=4))
def test_an_attacker_with_every_release_of_the_year_never_pins_a_suppressed_month(cells, k, late):
    late = [(m, n) for m, n in late if m <= len(cells)]
    published, true_cells = replay(cells, k, late)
    seen = observations(published)
    n = len(published)
    assert disclosed(seen, n, k) == []
    # The published figures are true: every shown cell and total holds for the real series.
    single, _ = integer_bounds(seen, n)
    for month, (low, high) in single.items():
        assert low <= true_cells[month - 1] <= high
    running = 0
    for p, cell in zip(published, true_cells):
        running += cell
        assert p.value in (None, cell)
        assert p.total_low is None or p.total_low <= running <= p.total_high
        assert p.value is None or p.value == 0 or p.value >= k


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6]), min_size=1, max_size=6), k=st.sampled_from([3, 5]))
def test_the_attackers_bounds_agree_with_trying_every_integer_value(cells, k):
    published, _ = replay(cells, k)
    seen = observations(published)
    hidden = sum(1 for p in published if not p.shown)
    if hidden == 0 or hidden > 4 or published[-1].total_high is None:
        return
    single, _ = integer_bounds(seen, len(published))
    assert brute_force_bounds(seen, len(published), published[-1].total_high) == single


# --- a year of month-end computations through the real pages and exports ------------------------


YEAR_OF_SESSIONS = {1: 3, 2: 7, 3: 1, 4: 0, 5: 2, 6: 6, 7: 4, 8: 0, 9: 1, 10: 9, 11: 2, 12: 3}


def _parse_exports(client, k):
    """{indicator name: (cells {month: int | None}, total (low, high) | None, released through)}
    from the CSV and the JSON export, which must agree."""
    body = client.get(f"/indicators/{CONTROLLED_YEAR}/export/?format=csv&lang=en").content.decode()
    data = json.loads(client.get(f"/indicators/{CONTROLLED_YEAR}/export/?format=json&lang=en").content)
    seen = {}
    for row in csv.DictReader(io.StringIO(body)):
        if row["source"] != "casework":
            continue
        through = int(row["released_through"] or 0)
        cells = {m: (None if row[f"m{m:02d}"] == "x" else int(row[f"m{m:02d}"])) for m in range(1, through + 1)}
        assert all(row[f"m{m:02d}"] == "" for m in range(through + 1, 13))
        if row["value"]:
            total = (int(row["value"]), int(row["value"]))
        elif row["value_low"]:
            total = (int(row["value_low"]), int(row["value_high"]) if row["value_high"] else None)
        else:
            total = None
        item = next(i for i in data["indicators"] if i["indicator"] == row["indicator"])
        assert [m["value"] for m in item["months"]][:through] == [row[f"m{m:02d}"] for m in range(1, through + 1)]
        seen[row["indicator"]] = (cells, total, through)
    return seen


@pytest.mark.django_db
def test_a_year_of_nightly_computations_and_exports_reveals_no_small_month(personas, login, settings):
    settings.INDICATOR_SUPPRESSION_K = 5
    load_controlled_plan()
    cases = [open_rad_case(personas, datetime.date(CONTROLLED_YEAR, 1, 1)) for _ in range(3)]
    client = login("coordinator")
    saved = {}  # indicator → ({month: cell}, [(release, low, high)])
    for month, count in YEAR_OF_SESSIONS.items():
        record_sessions(personas, cases[month % 3], {month: count})
        if month == 6:
            record_sessions(personas, cases[2], {2: 2})  # late: February's sessions entered in June
        for day in (15, 28):  # mid-month and month-end nights: nothing new is released
            indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR, month, day))
        first_of_next = datetime.date(CONTROLLED_YEAR + (month == 12), month % 12 + 1, 1)
        indicators_compute(year=CONTROLLED_YEAR, today=first_of_next)
        for name, (cells, total, through) in _parse_exports(client, 5).items():
            assert through == month
            known_cells, totals = saved.setdefault(name, ({}, []))
            for m, value in cells.items():
                assert known_cells.setdefault(m, value) == value, "a published month changed"
            if total is not None:
                totals.append((through, *total))
    for name, (cells, totals) in saved.items():
        assert disclosed((cells, totals), 12, 5) == [], name
        assert any(v is None for v in cells.values()), name  # there was something to protect
    sessions = Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="Consultations held")
    assert sum(MonthRelease.objects.filter(indicator=sessions).values_list("value", flat=True).exclude(value=None)) <= 40
    assert MonthRelease.objects.filter(indicator=sessions).get(month=12).true_total == sum(YEAR_OF_SESSIONS.values()) + 2


@pytest.mark.django_db
def test_the_page_and_the_printable_report_show_the_same_cells_as_the_exports(personas, login, settings):
    settings.INDICATOR_SUPPRESSION_K = 5
    load_controlled_plan()
    case = open_rad_case(personas, datetime.date(CONTROLLED_YEAR, 1, 1))
    record_sessions(personas, case, {1: 7, 2: 2, 4: 9, 6: 12, 7: 5})
    indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR + 1, 1, 15))
    client = login("coordinator")
    exported = _parse_exports(client, 5)["Consultations held"][0]
    indicator = Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="Consultations held")
    for url in (f"/indicators/{CONTROLLED_YEAR}/", f"/indicators/{CONTROLLED_YEAR}/report/?lang=fr"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        start = page.index(f'id="indicator-{indicator.pk}"')
        block = page[start:page.index("</div>", page.index('class="months"', start))]
        cells = re.findall(r'<td class="(shown|hidden)">([^<]*)</td>', block)
        assert [None if state == "hidden" else int(text) for state, text in cells] == [exported[m] for m in range(1, 13)]
        assert "Feb: 2" not in page and "&lt; 5" not in page


@pytest.mark.django_db
def test_activity_figures_are_shown_as_they_are_including_the_current_month(personas, login):
    from audit.services import SYSTEM
    from casework.plan.services import activity_record_create

    load_controlled_plan()
    indicator = Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="Trainings given")
    activity_record_create(actor=personas["coordinator"], origin=SYSTEM, indicator=indicator,
                           date=datetime.date(CONTROLLED_YEAR, 3, 3), quantity=2)
    indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR + 1, 1, 15))
    body = login("coordinator").get(f"/indicators/{CONTROLLED_YEAR}/export/?format=csv&lang=en").content.decode()
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["indicator"] == "Trainings given")
    assert row["m03"] == "2" and row["value"] == "2" and row["status"] == "met"
    assert not MonthRelease.objects.filter(indicator=indicator).exists()


@pytest.mark.django_db
def test_recomputing_never_changes_a_published_release(personas):
    load_controlled_plan()
    case = open_rad_case(personas, datetime.date(CONTROLLED_YEAR, 1, 1))
    record_sessions(personas, case, {1: 6, 2: 3})
    indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR, 3, 1))
    before = list(MonthRelease.objects.order_by("pk").values())
    record_sessions(personas, case, {1: 4})
    indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR, 3, 2))
    assert list(MonthRelease.objects.order_by("pk").values()) == before
    indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR, 4, 1))
    indicator = Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="Consultations held")
    assert MonthRelease.objects.get(indicator=indicator, month=3).true_total == 13


def test_a_published_list_is_what_the_selector_rebuilds():
    assert Published(1, None, 0, 4).total_exact is False and Published(1, 5, 5, 5).total_exact
