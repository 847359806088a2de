"""Case list speed at 100,000 cases (PostgreSQL), beside a plain-table baseline in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 .venv/bin/python -m bench.cases

Creates a scratch database (``bench_cases_<pid>``), migrates it, fills 100,000 cases across the
three teams and gives one SCAPI worker 332 assigned cases (DESIGN.md's measured set-up), then
times, as the median of repeated runs:
- baseline: the newest 50 cases of the plain table, no permission (``ORDER BY opened_on DESC LIMIT 50``);
- the worker's "my cases" query (casework.access.assigned_cases), newest 50;
- the same page as the view builds it (annotations and the assignments prefetch);
- guardian's defaults (user OR group permissions), for comparison with DESIGN.md;
- a team lead's register (filter on the team), newest 50.
The scratch database is dropped at the end. BENCH_EXPLAIN=1 also prints the worker query's plan.
"""

import os
import statistics
import time

from bench.common import scratch_database

CASES = 100_000
ASSIGNED = 332
REPEAT = 60


def _median_ms(fn):
    fn()  # warm the plan and the cache
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    with scratch_database("cases"):
        run()


def run():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import connection
    from guardian.shortcuts import get_objects_for_user

    from casework import access
    from casework.models import Case, Role, Team
    from casework.selectors import annotate_for_list

    call_command("migrate", verbosity=0)
    scapi = Team.objects.get(code="SCAPI")
    worker = get_user_model().objects.create_user("bench.worker")
    lead = get_user_model().objects.create_user("bench.lead")
    Role.objects.create(user=worker, kind=Role.Kind.WORKER, team=scapi)
    Role.objects.create(user=lead, kind=Role.Kind.LEAD, team=scapi)
    view_case = Permission.objects.get(content_type__app_label="casework", codename="view_case")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Encrypted columns hold a constant token: these queries never decrypt.
        cursor.execute("""
            INSERT INTO casework_case (id, reference, team_id, status, opened_on, closed_on, closure_reason,
                given_names, family_name, date_of_birth, national_number, phone, address, notes,
                name_index, national_number_index, version, created_at, updated_at)
            SELECT md5(g::text)::uuid, 'BENCH-' || g, t.id, CASE WHEN g %% 3 = 0 THEN 'closed' ELSE 'open' END,
                   DATE '2023-01-01' + (g %% 1400), CASE WHEN g %% 3 = 0 THEN DATE '2023-01-01' + (g %% 1400) END, '',
                   'enc1:x:AA', 'enc1:x:AA', NULL, 'enc1:x:AA', 'enc1:x:AA', 'enc1:x:AA', 'enc1:x:AA',
                   md5('n' || g), '', 1, now(), now()
            FROM generate_series(1, %s) AS g
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM casework_team) AS t ON t.n = g %% 3
        """, [CASES])
        cursor.execute("""
            INSERT INTO casework_caseuserobjectpermission (permission_id, user_id, content_object_id)
            SELECT %s, %s, id FROM casework_case WHERE team_id = %s ORDER BY md5(id::text) LIMIT %s
        """, [view_case.pk, worker.pk, scapi.pk, ASSIGNED])
        cursor.execute("ANALYZE")
    print(f"filled {Case.objects.count():,} cases, {ASSIGNED} assigned to one worker, in {time.perf_counter() - started:.1f} s")

    access.roles_of(worker)  # read once per request in the app; not what is measured here
    figures = {
        "baseline: plain table, newest 50": _median_ms(lambda: list(Case.objects.order_by("-opened_on")[:50])),
        "worker: my cases, newest 50": _median_ms(lambda: list(access.assigned_cases(worker).order_by("-opened_on", "-reference")[:50])),
        "worker: the list page's query (annotations + prefetch)": _median_ms(
            lambda: list(annotate_for_list(access.assigned_cases(worker)).order_by("-opened_on", "-reference")[:50])),
        "guardian defaults (user OR group perms), newest 50": _median_ms(
            lambda: list(get_objects_for_user(worker, "casework.view_case", klass=Case).order_by("-opened_on")[:50])),
        "lead: team register, newest 50": _median_ms(
            lambda: list(annotate_for_list(Case.objects.filter(team=scapi)).order_by("-opened_on", "-reference")[:50])),
    }
    if os.environ.get("BENCH_EXPLAIN"):
        print(access.assigned_cases(worker).order_by("-opened_on", "-reference")[:50].explain(analyze=True))
    baseline = figures["baseline: plain table, newest 50"]
    print(f"{'query':<58} {'median ms':>10} {'× baseline':>11}")
    for label, value in figures.items():
        print(f"{label:<58} {value:>10.2f} {value / baseline:>11.1f}")


if __name__ == "__main__":
    main()
