"""After seeding, no table of the database (history tables included) holds a seeded personal
value in clear: names, national register numbers, addresses, phone numbers or note texts."""

from django.db import connection

from casework.models import Case, Session
from casework.national_number import format_national_number
from detainees.models import DetentionDetails


def _personal_values():
    values = set()
    for case in Case.objects.all():
        values |= {case.family_name, f"{case.given_names} {case.family_name}", case.phone, case.address, case.notes}
        if case.national_number:
            values |= {case.national_number, format_national_number(case.national_number)}
    values |= {session.notes for session in Session.objects.all()}
    values |= {details.reintegration_goals for details in DetentionDetails.objects.all()}
    # Family names shorter than 5 letters could match unrelated text; the full names cover them.
    return {value for value in values if value and len(value) >= 5}


def _all_text_in_database():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if value is not None:
                        yield table, str(value)


def test_no_table_holds_a_seeded_personal_value_in_clear(db):
    values = _personal_values()
    assert len(values) > 100  # the seed really did write people, sessions and notes
    leaks = {(table, value) for table, text in _all_text_in_database() for value in values if value in text}
    assert not leaks, f"plaintext found in: {sorted({table for table, _ in leaks})}"


def test_history_tables_exist_and_were_scanned(db):
    tables = set(connection.introspection.table_names())
    assert {"casework_historicalcase", "casework_historicalsession", "victims_historicalvictimdetails"} <= tables
    assert Case.history.count() >= Case.objects.count()
