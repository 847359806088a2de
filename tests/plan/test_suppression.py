"""Small cells of the monthly series: the rule itself, then the page and the exports built on it."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest

from casework.plan.models import Indicator
from casework.plan.services import indicators_compute
from casework.plan.suppression import HIDDEN, SHOWN, SMALL, suppress_months
from tests.plan.conftest import CONTROLLED_YEAR, load_controlled_plan, open_rad_case, record_sessions


def states(values, k=5):
    return {cell.month: (cell.state, cell.value) for cell in suppress_months({m: Decimal(v) for m, v in values.items()}, k)}


def test_a_month_between_one_and_k_minus_one_is_a_small_cell_and_zero_and_k_are_shown():
    result = states({1: 0, 2: 1, 3: 4, 4: 5, 5: 9, 6: 12})
    assert result[1] == (SHOWN, 0)
    assert result[2][0] == SMALL and result[2][1] is None
    assert result[3][0] == SMALL
    assert result[4] == (SHOWN, 5)
    assert result[6] == (SHOWN, 12)


def test_a_single_small_month_also_hides_the_next_smallest_non_zero_month():
    result = states({1: 9, 2: 3, 3: 7, 4: 0, 5: 12})
    assert result[2][0] == SMALL
    assert result[3][0] == HIDDEN  # 7 is the smallest other non-zero month
    assert result[1] == (SHOWN, 9) and result[4] == (SHOWN, 0) and result[5] == (SHOWN, 12)


def test_ties_hide_the_earliest_month():
    result = states({1: 8, 2: 2, 3: 8})
    assert result[1][0] == HIDDEN and result[3] == (SHOWN, 8)


def test_small_months_adding_up_to_less_than_k_hide_one_more_month():
    # 1 + 1 = 2 < k: both cells could be read as "1" from the total otherwise.
    result = states({1: 1, 2: 1, 3: 6, 4: 20})
    assert result[1][0] == SMALL and result[2][0] == SMALL
    assert result[3][0] == HIDDEN and result[4] == (SHOWN, 20)


def test_two_small_months_adding_up_to_k_or_more_need_no_secondary_cell():
    result = states({1: 3, 2: 4, 3: 6})
    assert [result[m][0] for m in (1, 2, 3)] == [SMALL, SMALL, SHOWN]


def test_a_lone_small_month_among_zeros_hides_a_zero_month_so_the_difference_stays_ambiguous():
    result = states({1: 0, 2: 0, 3: 2, 4: 0})
    assert result[3][0] == SMALL and result[1][0] == HIDDEN
    assert result[2] == (SHOWN, 0) and result[4] == (SHOWN, 0)


def test_no_month_is_suppressed_when_none_is_small():
    assert all(state == SHOWN for state, _ in states({1: 0, 2: 5, 3: 30}).values())


@pytest.mark.parametrize("k", [2, 5, 10])
def test_after_suppression_the_total_never_reveals_a_single_hidden_month(k):
    import random

    rng = random.Random(k)
    for _ in range(500):
        values = {m: Decimal(rng.choice([0, 0, 1, 2, 3, k - 1, k, k + 3, 20])) for m in range(1, 13)}
        cells = suppress_months(values, k)
        hidden = [c for c in cells if c.state != SHOWN]
        if not hidden:
            continue
        assert any(c.state == SMALL for c in hidden)
        assert len(hidden) >= 2 or len([v for v in values.values() if v]) == 1
        nonzero_left = [c for c in cells if c.state == SHOWN and c.value > 0]
        assert sum(values[c.month] for c in hidden) >= k or not nonzero_left


# --- rendered page and exports -----------------------------------------------------------------

SESSIONS = {1: 7, 2: 2, 4: 9, 6: 12, 7: 5}  # Feb is small; Jul (5) is the smallest other month


@pytest.fixture
def controlled(personas, settings):
    settings.INDICATOR_SUPPRESSION_K = 5
    load_controlled_plan()
    case = open_rad_case(personas, datetime.date(CONTROLLED_YEAR, 1, 1))
    record_sessions(personas, case, SESSIONS)
    indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR + 1, 1, 15))
    return Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="Consultations held")


@pytest.mark.django_db
def test_the_year_page_shows_small_months_as_less_than_k_and_hides_the_secondary_month(controlled, login):
    html = login("coordinator").get(f"/indicators/{CONTROLLED_YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = html.index(f'id="indicator-{controlled.pk}"')
    block = html[start:html.index("</article>", start)]
    assert "<strong>35</strong>" in block  # the yearly total is shown as it is
    assert "Feb: &lt; 5" in block and "Jul: hidden" in block
    assert "Apr: 9" in block and "Jun: 12" in block and "Jan: 7" in block
    assert "Feb: 2" not in block and "Jul: 5" not in block
    assert '<td class="small">&lt; 5</td>' in block and '<td class="hidden">×</td>' in block


@pytest.mark.django_db
def test_the_csv_and_json_exports_suppress_like_the_page(controlled, login):
    client = login("coordinator")
    body = client.get(f"/indicators/{CONTROLLED_YEAR}/export/?format=csv&lang=en").content.decode()
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["indicator"] == "Consultations held")
    assert row["value"] == "35"
    assert [row[f"m{m:02d}"] for m in range(1, 13)] == ["7", "<5", "0", "9", "0", "12", "x", "0", "0", "0", "0", "0"]
    data = json.loads(client.get(f"/indicators/{CONTROLLED_YEAR}/export/?format=json&lang=en").content)
    item = next(i for i in data["indicators"] if i["indicator"] == "Consultations held")
    assert [m["value"] for m in item["months"]][:7] == ["7", "<5", "0", "9", "0", "12", "x"]
    assert data["suppression"]["k"] == 5


@pytest.mark.django_db
def test_k_comes_from_the_settings(controlled, login, settings):
    settings.INDICATOR_SUPPRESSION_K = 10
    html = login("coordinator").get(f"/indicators/{CONTROLLED_YEAR}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = html.index(f'id="indicator-{controlled.pk}"')
    block = html[start:html.index("</article>", start)]
    # 7, 2, 9 and 5 are now small; 12 is the only month left and is shown.
    assert "Jan: &lt; 10" in block and "Apr: &lt; 10" in block and "Jun: 12" in block


@pytest.mark.django_db
def test_activity_figures_are_not_suppressed(controlled, login, personas):
    from audit.services import SYSTEM
    from casework.plan.services import activity_record_create

    indicator = Indicator.objects.for_year(CONTROLLED_YEAR).get(name_en="Trainings given")
    activity_record_create(actor=personas["coordinator"], origin=SYSTEM, indicator=indicator,
                           date=datetime.date(CONTROLLED_YEAR, 3, 3), quantity=Decimal(2))
    indicators_compute(year=CONTROLLED_YEAR, today=datetime.date(CONTROLLED_YEAR + 1, 1, 15))
    body = login("coordinator").get(f"/indicators/{CONTROLLED_YEAR}/export/?format=csv&lang=en").content.decode()
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["indicator"] == "Trainings given")
    assert row["m03"] == "2" and row["status"] == "met"
