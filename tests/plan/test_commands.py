"""The plan file, its loading and copying, and the commands and tasks that run the services."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from casework.plan.models import (
    ComputationRun,
    ExpectedResult,
    GeneralObjective,
    Indicator,
    IndicatorValue,
    OperationalObjective,
    PlanYear,
    Sector,
    StrategicObjective,
)
from casework.plan.tasks import compute_indicators, compute_indicators_current_year

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "casework" / "plan" / "fixtures"
PLAN_FILE = FIXTURES / "plan-2023.json"
PLAN_TEXT = (FIXTURES / "projectplan-2023.nl.txt").read_text(encoding="utf-8")


def counts(year):
    in_year = {"plan_year__year": year}
    return {
        "sectors": Sector.objects.filter(**in_year).count(),
        "general": GeneralObjective.objects.filter(sector__plan_year__year=year).count(),
        "strategic": StrategicObjective.objects.filter(general_objective__sector__plan_year__year=year).count(),
        "operational": OperationalObjective.objects.filter(strategic_objective__general_objective__sector__plan_year__year=year).count(),
        "results": ExpectedResult.objects.filter(operational_objective__strategic_objective__general_objective__sector__plan_year__year=year).count(),
        "indicators": Indicator.objects.for_year(year).count(),
    }


def test_the_2023_plan_holds_every_sector_objective_and_indicator_of_the_plan_file():
    sectors = len(re.findall(r"^\s*Activiteit\s*s?sector \d", PLAN_TEXT, flags=re.M))
    general = len(re.findall(r"Algemene doelstelling\s+\d?\s*– Activiteitssector", PLAN_TEXT))
    # Strategic objectives: every heading of the file, plus the second table of objective 3 of
    # sector 2 (MEDLOC-SCAV-HOTEL SOCIAL, a service of its own under the same heading).
    strategic = len(re.findall(r"Strategische doelstelling \d", PLAN_TEXT)) + PLAN_TEXT.count("MEDLOC-SCAV-HOTEL SOCIAL")
    count_targets = PLAN_TEXT.count(">/=")
    yes_no = PLAN_TEXT.count("Ja/Nee")
    assert (sectors, general, strategic, count_targets, yes_no) == (3, 4, 14, 21, 10)
    found = counts(2023)
    assert found["sectors"] == sectors and found["general"] == general and found["strategic"] == strategic
    assert found["indicators"] == count_targets + yes_no
    # One yes/no of the file is measured instead (decision 0011): MEDLOC-SCAV's "feeling of
    # victimisation effectively reduced" is the share of victims whose self-assessment rose.
    assert Indicator.objects.for_year(2023).filter(kind="yes_no").count() == yes_no - 1
    assert Indicator.objects.for_year(2023).get(counter="victims.victimisation_reduced_share").kind == "count"
    assert found["operational"] == 29 and found["results"] == 30


def test_police_zone_sectors_and_objectives_without_operational_objectives_are_kept():
    empty = StrategicObjective.objects.filter(general_objective__sector__plan_year__year=2023, operational_objectives__isnull=True)
    assert sorted((s.general_objective.sector.number, s.general_objective.number, s.number) for s in empty) == [
        (1, 1, 1), (1, 1, 2), (3, 2, 1), (3, 2, 2), (3, 2, 3), (3, 2, 4)]
    assert GeneralObjective.objects.get(sector__plan_year__year=2023, sector__number=3, number=2).note_nl.startswith("Vraagstuk behandeld")


def test_peacekeepers_and_administrative_sanctions_indicators_are_in_the_plan():
    peacekeepers = Indicator.objects.for_year(2023).filter(expected_result__operational_objective__strategic_objective__unit="GDP/Vredesbewaarders")
    sanctions = Indicator.objects.for_year(2023).filter(expected_result__operational_objective__strategic_objective__unit="GDP/CELL INCIVILITES")
    assert peacekeepers.count() == 6 and sanctions.count() == 3
    hours = peacekeepers.get(unit="hours")
    assert (hours.target_value, hours.target_period, hours.source) == (3, "day", "activity")
    assert hours.target_for_year(PlanYear.objects.get(year=2023)) == 3 * 365
    assert sanctions.get(name_nl__startswith="Aantal georganiseerde specifieke operaties").target_value == 30


def test_every_label_exists_in_french_dutch_and_english():
    for model in (Sector, GeneralObjective, StrategicObjective, OperationalObjective, ExpectedResult):
        for row in model.objects.all():
            assert row.name_fr and row.name_nl and row.name_en
    for row in Indicator.objects.for_year(2023):
        assert row.name_fr and row.name_nl and row.name_en and row.name_fr != row.name_nl


def test_load_plan_is_idempotent():
    before = counts(2023)
    ids = sorted(Indicator.objects.for_year(2023).values_list("pk", flat=True))
    call_command("load_plan", str(PLAN_FILE), stdout=io.StringIO())
    call_command("load_plan", str(PLAN_FILE), stdout=io.StringIO())
    assert counts(2023) == before
    assert sorted(Indicator.objects.for_year(2023).values_list("pk", flat=True)) == ids


def test_load_plan_updates_a_corrected_label_in_place(tmp_path):
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    data["year"] = 2019
    call_command("load_plan", _write(tmp_path, data), stdout=io.StringIO())
    data["sectors"][1]["name"]["en"] = "Fighting crime (corrected)"
    call_command("load_plan", _write(tmp_path, data), stdout=io.StringIO())
    assert Sector.objects.get(plan_year__year=2019, number=2).name_en == "Fighting crime (corrected)"
    assert counts(2019) == counts(2023)


def _write(tmp_path, data):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.pop("format"), "not a plan file"),
    (lambda d: d.update(year="2023"), "'year' must be a year"),
    (lambda d: d["sectors"][0]["name"].pop("nl"), "needs non-empty 'fr', 'nl' and 'en'"),
    (lambda d: d["sectors"][1]["general_objectives"][0]["strategic_objectives"][2]["operational_objectives"][1]
     ["expected_results"][0]["indicators"][0].update(session_kinds=["SCAPI/nonexistent"]), "unknown session kind"),
    (lambda d: d["sectors"][1]["general_objectives"][0]["strategic_objectives"][2].update(team="POLICE"), "unknown team"),
])
def test_a_malformed_plan_file_is_refused_with_a_clear_message_and_changes_nothing(tmp_path, mutate, message):
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    data["year"] = 2018
    mutate(data)
    with pytest.raises(CommandError, match=message):
        call_command("load_plan", _write(tmp_path, data), stdout=io.StringIO())
    assert not PlanYear.objects.filter(year=2018).exists()


def test_load_plan_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_plan", str(path))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_plan", str(tmp_path / "missing.json"))


def test_copy_plan_year_copies_the_whole_tree_with_its_counting_rules():
    call_command("copy_plan_year", "2023", "2040", stdout=io.StringIO())
    assert counts(2040) == counts(2023)
    original = Indicator.objects.for_year(2023).get(name_nl="Aantal follow-ups gericht op professionele reïntegratie")
    copy = Indicator.objects.for_year(2040).get(name_nl="Aantal follow-ups gericht op professionele reïntegratie")
    assert copy.pk != original.pk and copy.rule == "distinct_cases" and copy.target_value == 10
    assert list(copy.session_kinds.all()) == list(original.session_kinds.all())
    assert "2040" in PlanYear.objects.get(year=2040).title_nl
    assert counts(2023)["indicators"] == 31  # the source is untouched


def test_copy_plan_year_refuses_an_existing_or_missing_year():
    with pytest.raises(CommandError, match="2024 existe déjà"):  # commands speak LANGUAGE_CODE (fr)
        call_command("copy_plan_year", "2023", "2024")
    with pytest.raises(CommandError, match="pas de plan pour 1990"):
        call_command("copy_plan_year", "1990", "2041")


def test_the_demo_has_a_plan_for_every_year_from_2023_to_now():
    assert set(PlanYear.objects.values_list("year", flat=True)) >= set(range(2023, timezone.localdate().year + 1))


def test_compute_indicators_command_runs_the_service_and_reports_it():
    out = io.StringIO()
    call_command("compute_indicators", "--year", "2024", stdout=out)
    assert "Indicators of 2024 computed" in out.getvalue()
    assert ComputationRun.objects.filter(plan_year__year=2024, trigger="command").exists()
    with pytest.raises(CommandError, match="no plan for 1999"):
        call_command("compute_indicators", "--year", "1999")


def test_export_indicators_writes_csv_and_json_without_identifiers():
    call_command("compute_indicators", "--year", "2024", stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_indicators", "--year", "2024", "--format", "csv", "--lang", "nl", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 31 and rows[0]["year"] == "2024"
    out = io.StringIO()
    call_command("export_indicators", "--year", "2024", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["language"] == "fr" and len(data["indicators"]) == 31
    assert "username" not in out.getvalue() and "case" not in json.dumps(list(data["indicators"][0].keys()))
    with pytest.raises(CommandError):
        call_command("export_indicators", "--year", "2024", "--format", "xml")
    with pytest.raises(CommandError, match="no plan for 1999"):
        call_command("export_indicators", "--year", "1999")


def test_the_tasks_call_the_service_for_a_year_or_the_current_year(personas):
    plan_year = PlanYear.objects.get(year=2023)
    written = compute_indicators.delay(plan_year.pk, personas["coordinator"].pk).get()
    assert written == IndicatorValue.objects.filter(indicator__in=Indicator.objects.for_year(2023)).count()
    run = ComputationRun.objects.filter(plan_year=plan_year).order_by("-started_at").first()
    assert run.trigger == "request" and run.requested_by == personas["coordinator"]
    assert compute_indicators.delay(10**9).get() is None
    compute_indicators_current_year.delay().get()
    latest = ComputationRun.objects.order_by("-started_at").first()
    assert latest.plan_year.year == timezone.localdate().year and latest.trigger == "schedule"
