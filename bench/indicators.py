"""A year's indicators over 1,000,000 sessions (PostgreSQL): the service beside hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 .venv/bin/python -m bench.indicators

Creates a scratch database (``bench_indicators_<pid>``), migrates it, loads the 2023 plan and
copies it into BENCH_YEAR, then fills SESSIONS sessions of that year (INSERT … SELECT
generate_series straight into ``casework_session``; the encrypted notes column holds a
constant token, nothing is ever decrypted) over CASES cases of the three teams and all their
session kinds. It then times, as the median of REPEAT alternating runs:

- the service: ``casework.plan.services.indicators_compute(year=BENCH_YEAR)``, everything it
  does (the aggregate queries, the activity sums, replacing the stored values in one
  transaction, the run record and its audit event);
- the baseline: the hand-written SQL that produces the same counts over the same rows: one
  ``GROUP BY kind, month`` for the "number of sessions" indicators and, for each
  "distinct cases" indicator, ``COUNT(DISTINCT case_id)`` per month and for the year.

It checks that both give the same numbers, prints both times and the ratio (target: within
1.5×), and drops the scratch database at the end, whatever happens. BENCH_SESSIONS overrides
the number of sessions for a quick run. Takes about a minute.
"""

import os
import statistics
import sys
import time

from bench.common import scratch_database

SESSIONS = int(os.environ.get("BENCH_SESSIONS", 1_000_000))
CASES = 50_000
BENCH_YEAR = 2025
REPEAT = 7
TARGET_RATIO = 1.5


def main():
    with scratch_database("indicators"):
        ratio = run()
    if ratio > TARGET_RATIO:
        sys.exit(f"the service took {ratio:.2f}× the hand-written SQL (target: within {TARGET_RATIO}×)")


def fill(cursor, worker_id):
    # Cases: CASES rows spread over the three teams (constant tokens in the encrypted columns).
    cursor.execute("""
        INSERT INTO casework_case (id, reference, team_id, status, opened_on, closed_on, closure_reason,
            given_names, family_name, date_of_birth, national_number, phone, address, notes,
            name_index, national_number_index, version, created_at, updated_at)
        SELECT md5('case' || g)::uuid, 'BENCH-' || g, t.id, 'open', DATE '2023-01-01', NULL, '',
               'enc1:x:AA', 'enc1:x:AA', NULL, 'enc1:x:AA', 'enc1:x:AA', 'enc1:x:AA', 'enc1:x:AA', md5('n' || g), '', 1, now(), now()
        FROM generate_series(0, %s - 1) AS g
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM casework_team) AS t ON t.n = g %% 3
    """, [CASES])
    # Sessions: each on a case (so its team) and one of that team's kinds, spread over the year.
    cursor.execute("""
        WITH kinds AS (
            SELECT k.id, t.n AS team_n, row_number() OVER (PARTITION BY k.team_id ORDER BY k.id) - 1 AS kind_n,
                   count(*) OVER (PARTITION BY k.team_id) AS kinds_in_team
            FROM casework_sessionkind k
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM casework_team) AS t ON t.id = k.team_id
        )
        INSERT INTO casework_session (id, case_id, kind_id, held_on, duration_minutes, worker_id, notes, version, created_at, updated_at)
        SELECT md5('session' || s.g)::uuid, md5('case' || s.c)::uuid, k.id,
               make_date(%s, 1, 1) + ((s.g * 7919) %% 365)::int, 60, %s, 'enc1:x:AA', 1, now(), now()
        FROM (SELECT g, (g * 31) %% %s AS c FROM generate_series(0::bigint, %s - 1) AS g) AS s
        JOIN kinds k ON k.team_n = s.c %% 3 AND k.kind_n = (s.g / 3) %% k.kinds_in_team
    """, [BENCH_YEAR, worker_id, CASES, SESSIONS])
    cursor.execute("ANALYZE")


def hand_written(cursor, sessions_kinds, distinct_indicators, first, last):
    """The same counts as the service, straight in SQL: {(indicator or kind key, month or None): n}."""
    result = {}
    cursor.execute("""
        SELECT kind_id, EXTRACT(MONTH FROM held_on)::int, count(*) FROM casework_session
        WHERE held_on BETWEEN %s AND %s AND kind_id = ANY(%s) GROUP BY 1, 2
    """, [first, last, list(sessions_kinds)])
    for kind_id, month, n in cursor.fetchall():
        result[("kind", kind_id, month)] = n
    for indicator_id, kinds in distinct_indicators.items():
        cursor.execute("""
            SELECT EXTRACT(MONTH FROM held_on)::int, count(DISTINCT case_id) FROM casework_session
            WHERE held_on BETWEEN %s AND %s AND kind_id = ANY(%s) GROUP BY 1
        """, [first, last, list(kinds)])
        for month, n in cursor.fetchall():
            result[(indicator_id, month)] = n
        cursor.execute("""
            SELECT count(DISTINCT case_id) FROM casework_session WHERE held_on BETWEEN %s AND %s AND kind_id = ANY(%s)
        """, [first, last, list(kinds)])
        result[(indicator_id, None)] = cursor.fetchone()[0]
    return result


def run():
    import datetime
    import json
    from pathlib import Path

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from casework.plan.models import Indicator, IndicatorValue
    from casework.plan.services import indicators_compute, plan_load, plan_year_copy

    call_command("migrate", verbosity=0)
    plan_file = Path(__file__).resolve().parent.parent / "casework" / "plan" / "fixtures" / "plan-2023.json"
    plan_load(data=json.loads(plan_file.read_text(encoding="utf-8")))
    if BENCH_YEAR != 2023:
        plan_year_copy(actor=None, source_year=2023, target_year=BENCH_YEAR)
    worker = get_user_model().objects.create_user("bench.worker")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        fill(cursor, worker.pk)
        cursor.execute("SELECT count(*) FROM casework_session")
        total = cursor.fetchone()[0]
    print(f"filled {total:,} sessions of {BENCH_YEAR} over {CASES:,} cases in {time.perf_counter() - started:.1f} s")

    casework = list(Indicator.objects.for_year(BENCH_YEAR).from_casework().prefetch_related("session_kinds"))
    sessions_kinds = {k.pk for i in casework if i.rule == Indicator.Rule.SESSIONS for k in i.session_kinds.all()}
    distinct = {i.pk: {k.pk for k in i.session_kinds.all()} for i in casework if i.rule == Indicator.Rule.DISTINCT_CASES}
    first, last = datetime.date(BENCH_YEAR, 1, 1), datetime.date(BENCH_YEAR, 12, 31)
    today = datetime.date(BENCH_YEAR + 1, 1, 10)  # the whole year has passed: twelve months

    service_ms, baseline_ms = [], []
    baseline = None
    for _ in range(REPEAT + 1):  # the first round warms caches and plans and is not counted
        start = time.perf_counter()
        indicators_compute(year=BENCH_YEAR, today=today)
        service_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            baseline = hand_written(cursor, sessions_kinds, distinct, first, last)
        baseline_ms.append((time.perf_counter() - start) * 1000)
    service, hand = statistics.median(service_ms[1:]), statistics.median(baseline_ms[1:])

    # Same numbers both ways.
    stored = {(v.indicator_id, v.month): v.value for v in IndicatorValue.objects.filter(indicator__in=casework)}
    for indicator in casework:
        for month in [None, *range(1, 13)]:
            if indicator.rule == Indicator.Rule.DISTINCT_CASES:
                expected = baseline.get((indicator.pk, month), 0)
            else:
                kinds = {k.pk for k in indicator.session_kinds.all()}
                expected = sum(n for key, n in baseline.items()
                               if key[0] == "kind" and key[1] in kinds and (month is None or key[2] == month))
            assert stored[(indicator.pk, month)] == expected, (indicator.name_en, month, stored[(indicator.pk, month)], expected)
    counted = sum(v for (i, m), v in stored.items() if m is None)
    print(f"{len(casework)} casework indicators ({len(distinct)} by distinct cases), {counted:,.0f} counted in the year; "
          f"values identical both ways")
    ratio = service / hand
    print(f"{'hand-written SQL GROUP BY (baseline)':<44} {hand:>9.1f} ms")
    print(f"{'indicators_compute (whole service)':<44} {service:>9.1f} ms")
    print(f"{'ratio':<44} {ratio:>9.2f} ×   (target ≤ {TARGET_RATIO}×)")
    return ratio


if __name__ == "__main__":
    main()
