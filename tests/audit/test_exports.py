"""The CSV export cannot be turned against the auditor's spreadsheet: no formula runs and no
cell can start a new row, whatever the events hold."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from audit.actions import Action
from audit.exports import csv_cell
from audit.services import Origin, audit_record
from tests.conftest import DEMO_PASSWORD


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"),
    ("+SUM(1,2)", "'+SUM(1,2)"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1)", "'@SUM(1)"),
    ("  =1+1", "'  =1+1"),
    ("\t=1+1", "' =1+1"),
    ("line one\r\nline two", "line one  line two"),
    ("bell\x07 and\u2028separator", "bell  and separator"),
    ("SCAV-2026-0042", "SCAV-2026-0042"),
    ("worker.scapi", "worker.scapi"),
    (42, "42"),
    (None, ""),
])
def test_a_csv_cell_is_neutralised(value, expected):
    assert csv_cell(value) == expected


def test_an_exported_event_with_hostile_text_stays_one_harmless_row(login, personas):
    hostile_agent = "=cmd|' /C calc'!A0\r\nforged,row"
    Client(HTTP_USER_AGENT=hostile_agent).post("/accounts/login/", {"username": "worker.rad", "password": DEMO_PASSWORD})
    audit_record(actor=personas["worker.rad"], action=Action.BREAK_GLASS, origin=Origin(user_agent="@evil"),
                 target_type="case", target_ref="RAD-2026-0001", team="RAD",
                 justification="+HYPERLINK(\"http://evil.example\")\nsecond line")
    response = login("auditor").get(reverse("audit:export"), {"username": "worker.rad"}, HTTP_ACCEPT_LANGUAGE="en")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(text.splitlines()) == len(rows)  # no cell spans lines
    header, *events = rows
    agent, justification = header.index("user agent"), header.index("justification")
    login_row = next(row for row in events if row[3] == "login")
    glass_row = next(row for row in events if row[3] == "break_glass")
    assert login_row[agent] == "'=cmd|' /C calc'!A0  forged,row"
    assert glass_row[agent] == "'@evil"
    assert glass_row[justification] == "'+HYPERLINK(\"http://evil.example\") second line"
    for row in events:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
