"""Key rotation at 100,000 cases (PostgreSQL), beside its own read pass in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 .venv/bin/python -m bench.rotation

Creates a scratch database, writes 100,000 cases with their seven encrypted fields under key
``k-old``, puts a new key first in the ring, then times:
- baseline: the read pass — every case's ciphertexts read in the same primary-key batches and
  decrypted (what a rotation cannot avoid);
- ``rotate_model(Case)``: read, decrypt, re-encrypt and write back, in locked batches;
and the peak memory growth of each (tracemalloc). Target (issue 14): rotation within 3× of the
read pass, memory flat (it does not grow with the number of rows). Exits non-zero above 3×.
"""

import base64
import os
import sys
import time
import tracemalloc
import uuid

from bench.common import scratch_database

CASES = int(os.environ.get("BENCH_CASES", 100_000))
BATCH = 500
TARGET = 3.0


def main():
    old_key = base64.b64encode(os.urandom(32)).decode()
    with scratch_database("rotation", CASEWORK_ENCRYPTION_KEYS=f"k-old:{old_key}"):
        sys.exit(run(old_key))


def _measure(fn):
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6, result


def run(old_key):
    import datetime

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import override_settings

    from casework.crypto.cipher import keyring, reset_keyring_cache
    from casework.crypto.fields import Sealed, associated_data, encrypted_fields
    from casework.crypto.rotation import rotate_model
    from casework.models import Case, Team

    call_command("migrate", verbosity=0)
    teams = list(Team.objects.all())
    started = time.perf_counter()
    for first in range(0, CASES, 2000):
        batch = []
        for n in range(first, min(CASES, first + 2000)):
            batch.append(Case(
                id=uuid.uuid4(), reference=f"BENCH-{n}", team=teams[n % len(teams)], opened_on=datetime.date(2023, 1, 1),
                given_names=f"Given{n}", family_name=f"Family{n}", date_of_birth=datetime.date(1980, 1, 1 + n % 28),
                national_number=f"{80010100000 + n}", phone="+32 470 00 00 00", address=f"Street {n}, 1080 Molenbeek",
                notes="A note of ordinary length about the follow-up. " * 3, name_index=f"{n:064d}"[-64:],
            ))
        Case.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"wrote {Case.objects.count():,} cases in {time.perf_counter() - started:.1f} s")

    fields = encrypted_fields(Case)

    def read_pass():
        ring = keyring()
        last, values = None, 0
        while True:
            with transaction.atomic():
                page = Case.objects.order_by("pk")
                if last is not None:
                    page = page.filter(pk__gt=last)
                pks = list(page.values_list("pk", flat=True)[:BATCH])
                if not pks:
                    return values
                for row in Case.objects.filter(pk__in=pks).only("pk", *(f.attname for f in fields)):
                    for field in fields:
                        sealed = row.__dict__.get(field.attname)
                        if isinstance(sealed, Sealed):
                            ring.decrypt(sealed.token, associated_data(row, field))
                            values += 1
                last = pks[-1]

    read_seconds, read_mb, values = _measure(read_pass)
    ring = settings.CASEWORK_KEYRING
    new_key = ("k-new", os.urandom(32))
    with override_settings(CASEWORK_KEYRING={**ring, "encryption_keys": [new_key, *ring["encryption_keys"]]}):
        reset_keyring_cache()
        rotate_seconds, rotate_mb, report = _measure(lambda: rotate_model(Case, batch_size=BATCH))
    ratio = rotate_seconds / read_seconds
    print(f"{'pass':<44} {'seconds':>8} {'peak MB':>8} {'× read':>7}")
    print(f"{'baseline: read and decrypt every value':<44} {read_seconds:>8.1f} {read_mb:>8.1f} {1:>7.1f}   ({values:,} values)")
    print(f"{'rotate_model(Case)':<44} {rotate_seconds:>8.1f} {rotate_mb:>8.1f} {ratio:>7.1f}   ({report.values_rewritten:,} values)")
    if report.values_rewritten != values:
        print("error: not every value was rotated")
        return 1
    if ratio > TARGET:
        print(f"error: rotation is {ratio:.1f}× its read pass (target ≤ {TARGET}×)")
        return 1
    return 0


if __name__ == "__main__":
    main()
