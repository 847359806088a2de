"""Re-encrypting stored values under the newest key (``manage.py rotate_keys``).

Procedure (README, "Key rotation"): put the new key first in CASEWORK_ENCRYPTION_KEYS on every
app and worker host (all keys still listed, so everything reads), run rotate_keys, check that
``rotate_keys --check`` reports nothing left on old keys, then drop the old key.

Each batch is one transaction that locks its rows (SELECT … FOR UPDATE), so a user saving the
same row meanwhile waits instead of being overwritten; rows already on the newest key are
skipped, so an interrupted run resumes where it stopped. History tables are rotated too.
"""

import dataclasses

from django.apps import apps
from django.db import connections, router, transaction

from casework.crypto.cipher import keyring, token_key_id
from casework.crypto.fields import Sealed, associated_data, encrypted_fields


@dataclasses.dataclass
class RotationReport:
    rows_seen: int = 0
    rows_rewritten: int = 0
    values_rewritten: int = 0
    by_key: dict = dataclasses.field(default_factory=dict)


def encrypted_models():
    """Every model (history models included) with at least one encrypted field."""
    return [model for model in apps.get_models() if encrypted_fields(model)]


def count_by_key(report=None):
    """How many stored values each key id protects (``--check``)."""
    report = report or RotationReport()
    for model in encrypted_models():
        for field in encrypted_fields(model):
            for sealed in model._base_manager.exclude(**{f"{field.attname}__isnull": True}).values_list(field.attname, flat=True).iterator():
                key_id = token_key_id(sealed.token)
                report.by_key[key_id] = report.by_key.get(key_id, 0) + 1
    return report


def rotate_model(model, *, batch_size=500, progress=None, report=None):
    """Re-encrypt one model's values under the newest key, a locked batch at a time.

    Each batch reads only the key columns and the ciphertexts, and writes its changed rows back
    with one parameterised UPDATE sent for all of them at once (``executemany``: psycopg pipelines
    it). Saving row by row made a 100,000-case rotation take 99 times its read pass; one UPDATE
    with a CASE per column spent its time building 3,500 ORM expressions per batch."""
    report = report or RotationReport()
    ring = keyring()
    fields = encrypted_fields(model)
    pk_name = model._meta.pk.attname
    # History rows are bound to the original row's id (associated_data), which they also hold.
    bound_to = (getattr(model, "instance_type", None) or model)._meta.concrete_model._meta.pk.attname
    columns = list(dict.fromkeys([pk_name, bound_to, *(field.attname for field in fields)]))
    last_pk = None
    manager = model._base_manager
    while True:
        with transaction.atomic():
            page = manager.order_by(pk_name)
            if last_pk is not None:
                page = page.filter(**{f"{pk_name}__gt": last_pk})
            pks = list(page.values_list(pk_name, flat=True)[:batch_size])
            if not pks:
                break
            rows = manager.select_for_update().filter(**{f"{pk_name}__in": pks}).only(*columns).order_by(pk_name)
            new_tokens = {field: {} for field in fields}
            changed_rows = set()
            for row in rows:
                for field in fields:
                    # From __dict__, never through the attribute: that would decrypt for nothing.
                    sealed = row.__dict__.get(field.attname)
                    if isinstance(sealed, Sealed) and token_key_id(sealed.token) != ring.active_key_id:
                        aad = associated_data(row, field)
                        new_tokens[field][row.pk] = Sealed(ring.encrypt(ring.decrypt(sealed.token, aad), aad))
                        changed_rows.add(row.pk)
                report.rows_seen += 1
            if changed_rows:
                # A raw UPDATE rather than save(): no new history row, no timestamp change.
                _write_back(model, fields, new_tokens, changed_rows)
                report.rows_rewritten += len(changed_rows)
                report.values_rewritten += sum(len(tokens) for tokens in new_tokens.values())
            last_pk = pks[-1]
        if progress is not None:
            progress(len(pks))
    return report


def _write_back(model, fields, new_tokens, changed_rows):
    """``UPDATE … SET column = COALESCE(new, column) … WHERE pk = …`` for each changed row: a
    column whose value is already on the newest key gets NULL, so it keeps what it has."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk_field = model._meta.pk
    assignments = ", ".join(f"{quote(field.column)} = COALESCE(%s, {quote(field.column)})" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk_field.column)} = %s"
    params = []
    for pk in sorted(changed_rows):
        sealed = [new_tokens[field].get(pk) for field in fields]
        params.append([*(value.token if value is not None else None for value in sealed), pk_field.get_db_prep_value(pk, connection)])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
