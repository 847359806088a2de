"""Encrypted fields: bound to table, column and row; rotation keeps everything readable."""

import base64
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from casework.crypto.cipher import DecryptionError, keyring, reset_keyring_cache, token_key_id
from casework.crypto.fields import PlaintextLeak, Sealed
from casework.models import Case, Session


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])
        return cursor.fetchone()[0]


def _raw_set(table, column, pk, value):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk.hex if connection.vendor == "sqlite" else pk])


def test_values_are_stored_as_versioned_ciphertext_naming_their_key(db):
    case = Case.objects.first()
    stored = _raw("casework_case", "family_name", case.pk)
    assert stored.startswith(f"enc1:{keyring().active_key_id}:")
    assert case.family_name not in stored
    assert Case.objects.get(pk=case.pk).family_name == case.family_name


def test_ciphertext_copied_to_another_row_fails_to_decrypt_loudly(db):
    first, second = Case.objects.order_by("reference")[:2]
    _raw_set("casework_case", "family_name", second.pk, _raw("casework_case", "family_name", first.pk))
    moved = Case.objects.get(pk=second.pk)
    with pytest.raises(DecryptionError):
        moved.family_name


def test_ciphertext_copied_to_another_column_fails_to_decrypt(db):
    case = Case.objects.first()
    _raw_set("casework_case", "given_names", case.pk, _raw("casework_case", "family_name", case.pk))
    with pytest.raises(DecryptionError):
        Case.objects.get(pk=case.pk).given_names


def test_tampered_ciphertext_fails_to_decrypt(db):
    case = Case.objects.first()
    token = _raw("casework_case", "notes", case.pk)
    prefix, key_id, body = token.split(":", 2)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    _raw_set("casework_case", "notes", case.pk, f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}")
    with pytest.raises(DecryptionError):
        Case.objects.get(pk=case.pk).notes


def test_history_rows_hold_ciphertext_that_decrypts_like_the_record(db):
    case = Case.objects.first()
    record = case.history.earliest("history_date")
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name FROM casework_historicalcase WHERE history_id = %s", [record.history_id])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:") and case.family_name not in stored
    assert record.family_name == case.family_name


def test_repr_and_str_never_show_personal_values(db):
    case = Case.objects.first()
    assert case.family_name not in repr(case)
    assert case.family_name not in str(case)
    sealed = Case.objects.values_list("family_name", flat=True).first()
    assert isinstance(sealed, Sealed) and repr(sealed) == "<Sealed>"


def test_plaintext_cannot_reach_the_database_through_filter_or_update(db):
    with pytest.raises(PlaintextLeak):
        list(Case.objects.filter(family_name="Peeters"))
    with pytest.raises(PlaintextLeak):
        Case.objects.update(notes="written around save()")


def test_dumpdata_holds_ciphertext_only(db, capsys):
    case = Case.objects.first()
    call_command("dumpdata", "casework.case", "casework.session")
    out = capsys.readouterr().out
    assert case.family_name not in out and case.notes not in out
    assert "enc1:" in out


def _new_key():
    return base64.b64encode(os.urandom(32))


@pytest.fixture
def restore_keyring():
    yield
    reset_keyring_cache()


def test_rotation_keeps_every_value_readable_and_the_old_key_can_then_be_removed(db, settings, restore_keyring):
    old = settings.CASEWORK_KEYRING
    expected_cases = {c.pk: (c.family_name, c.notes, c.date_of_birth) for c in Case.objects.all()}
    expected_sessions = {s.pk: s.notes for s in Session.objects.all()}
    expected_history = {h.history_id: h.notes for h in Case.history.all()}

    new_key = ("k-new", base64.b64decode(_new_key()))
    rotated = {**old, "encryption_keys": [new_key, *old["encryption_keys"]]}
    with override_settings(CASEWORK_KEYRING=rotated):
        reset_keyring_cache()
        call_command("rotate_keys", "--batch-size", "37", "--no-progress", stdout=open(os.devnull, "w"))

    retired = {**old, "encryption_keys": [new_key]}  # the old key is gone
    with override_settings(CASEWORK_KEYRING=retired):
        reset_keyring_cache()
        assert {c.pk: (c.family_name, c.notes, c.date_of_birth) for c in Case.objects.all()} == expected_cases
        assert {s.pk: s.notes for s in Session.objects.all()} == expected_sessions
        assert {h.history_id: h.notes for h in Case.history.all()} == expected_history
        tokens = Case.objects.values_list("notes", flat=True)
        assert {token_key_id(t.token) for t in tokens} == {"k-new"}


def test_rotation_resumes_and_skips_rows_already_on_the_newest_key(db, settings, restore_keyring):
    from casework.crypto.rotation import rotate_model

    old = settings.CASEWORK_KEYRING
    rotated = {**old, "encryption_keys": [("k-new", base64.b64decode(_new_key())), *old["encryption_keys"]]}
    with override_settings(CASEWORK_KEYRING=rotated):
        reset_keyring_cache()
        first = rotate_model(Case)
        again = rotate_model(Case)
    assert first.rows_rewritten == Case.objects.count()
    assert again.rows_rewritten == 0


def test_rotation_rewrites_only_the_values_still_on_an_old_key(db, settings, restore_keyring):
    """A row whose notes were saved under the new key and whose name was not: the name is
    re-encrypted, the notes' ciphertext is left exactly as it was."""
    from casework.crypto.rotation import rotate_model

    old = settings.CASEWORK_KEYRING
    rotated = {**old, "encryption_keys": [("k-new", base64.b64decode(_new_key())), *old["encryption_keys"]]}
    with override_settings(CASEWORK_KEYRING=rotated):
        reset_keyring_cache()
        case = Case.objects.first()
        case.notes = "Saved after the new key was put first."
        case.save()
        notes_token = _raw("casework_case", "notes", case.pk)
        assert token_key_id(notes_token) == "k-new" and token_key_id(_raw("casework_case", "family_name", case.pk)) != "k-new"
        family_name = Case.objects.get(pk=case.pk).family_name
        rotate_model(Case)
        assert _raw("casework_case", "notes", case.pk) == notes_token
        assert token_key_id(_raw("casework_case", "family_name", case.pk)) == "k-new"
        fresh = Case.objects.get(pk=case.pk)
        assert (fresh.family_name, fresh.notes) == (family_name, "Saved after the new key was put first.")


def test_rotation_is_audited(db, settings, restore_keyring):
    from audit.models import AuditEvent

    before = AuditEvent.objects.filter(action="key_rotation").count()
    call_command("rotate_keys", "--no-progress", stdout=open(os.devnull, "w"))
    assert AuditEvent.objects.filter(action="key_rotation").count() == before + 1


def test_the_debug_error_page_shows_no_local_values(rf, db):
    """Even with DEBUG on, a traceback page hides local variables and POST data."""
    import sys

    from django.views.debug import technical_500_response

    case = Case.objects.first()
    request = rf.post("/cases/x/edit/", {"identity-family_name": case.family_name})
    try:
        name_in_a_local = case.family_name  # noqa: F841
        raise RuntimeError("boom")
    except RuntimeError:
        response = technical_500_response(request, *sys.exc_info())
    page = response.content.decode()
    assert "boom" in page
    assert case.family_name not in page
