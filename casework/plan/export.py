"""CSV and JSON exports of a year's figures, for the command and the download button.

They carry what the page shows and nothing more: plan texts, targets, yearly values, statuses
and the monthly series as released (docs/decisions/0008-disclosure-control.md). No case, reference, person or user name: the figures
are counts and there is nothing else to leak."""

import csv
import io
import json

from django.conf import settings
from django.utils import translation

from casework.plan.report import iter_indicator_rows, year_report
from casework.plan.report import SHOWN

FORMATS = ("csv", "json")
LANGUAGES = ("fr", "nl", "en")
CSV_HEADER = [
    "year", "sector", "general_objective", "strategic_objective", "unit", "operational_objective", "expected_result",
    "indicator", "kind", "source", "target", "target_for_year", "value", "status", "as_of",
] + [f"m{m:02d}" for m in range(1, 13)] + ["value_low", "value_high", "released_through"]


class ExportError(ValueError):
    pass


def _month_text(cell):
    if cell is None:
        return ""
    if cell.state != SHOWN:
        return "x"  # one label for every suppressed cell
    return str(_number(cell.value))


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _safe(text):
    """A spreadsheet must not read a label as a formula."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_rows(plan_year):
    report = year_report(plan_year)
    run = report["run"]
    for sector, general, strategic, operational, result, node in iter_indicator_rows(report["tree"]):
        figures, indicator = node.figures, node.obj
        attestation = figures.attestation
        yield {
            "year": plan_year.year,
            "sector": f"{sector.number}. {sector.name}",
            "general_objective": f"{general.number}. {general.name}",
            "strategic_objective": f"{strategic.number}. {strategic.name}",
            "unit": strategic.unit,
            "operational_objective": f"{operational.number}. {operational.name}",
            "expected_result": result.name,
            "indicator": indicator.name,
            "kind": indicator.kind,
            "source": indicator.source,
            "target": figures.target,
            "target_for_year": _number(figures.target_for_year),
            "value": (attestation.answer if attestation else None) if indicator.is_yes_no else _number(figures.value),
            "attested_on": attestation.date.isoformat() if attestation else None,
            "evidence": attestation.evidence if attestation else None,
            "status": figures.status or None,
            "as_of": run.as_of.isoformat() if run else None,
            # A figure about people whose total is published as a range: value is None and the
            # range is [value_low, value_high] (value_high None: "at least value_low").
            "value_low": _number(figures.value_low) if figures.is_range else None,
            "value_high": _number(figures.value_high) if figures.is_range else None,
            "released_through": figures.released_through or None,
            "months": [{"month": m, "value": _month_text(cell) if cell else None}
                       for m, cell in enumerate(figures.month_values, start=1)],
        }


def indicators_export(*, plan_year, fmt: str, language: str) -> tuple[str, str]:
    """(content type, text) of the export. Raises ExportError for an unknown format or language."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use csv or json")
    if language not in LANGUAGES:
        raise ExportError(f"unknown language {language!r}: use fr, nl or en")
    with translation.override(language):
        rows = list(export_rows(plan_year))
        title = plan_year.title
    if fmt == "json":
        body = {"year": plan_year.year, "title": title, "language": language,
                "suppression": {"k": settings.INDICATOR_SUPPRESSION_K,
                                "suppressed": "x: a month of a figure about people that is not published "
                                              "(small, or hidden so that no small month can be derived)",
                                "range": "value null with value_low/value_high: the total is published as a range "
                                         "so that it cannot reveal a suppressed month",
                                "released_through": "figures about people are published per closed month and "
                                                    "never change once published"},
                "indicators": rows}
        return "application/json", json.dumps(body, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        value = row["value"]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        writer.writerow([_safe(row[h]) if h in ("sector", "general_objective", "strategic_objective", "unit",
                                                "operational_objective", "expected_result", "indicator", "target")
                         else ("" if row.get(h) is None else row[h])
                         for h in CSV_HEADER[:12]]
                        + ["" if value is None else value, row["status"] or "", row["as_of"] or ""]
                        + [m["value"] or "" for m in row["months"]]
                        + ["" if row[h] is None else row[h] for h in ("value_low", "value_high", "released_through")])
    return "text/csv; charset=utf-8", out.getvalue()
