"""Case list speed at 100,000 cases (PostgreSQL), beside a plain-table baseline in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 .venv/bin/python -m bench.cases

Creates a scratch database (``bench_cases_<pid>``), migrates it, fills 100,000 cases across the
three teams and gives one SCAPI worker 332 assigned cases (DESIGN.md's measured set-up), then
times, as the median of repeated runs:
- baseline: the newest 50 cases of the plain table, no permission (``ORDER BY opened_on DESC LIMIT 50``);
- the worker's "my cases" query (casework.access.assigned_cases), newest 50;
- the same page as the view builds it (annotations and the assignments prefetch);
- guardian's defaults (user OR group permissions), for comparison with DESIGN.md;
- a team lead's register (filter on the team), first and last page of 25, before (OFFSET with
  per-row session annotations and an exact COUNT, as the lists were) and now (keyset on the
  denormalised columns, bounded count); and a filtered last page.
The scratch database is dropped at the end. BENCH_EXPLAIN=1 also prints the worker query's plan.
"""

import os
import statistics
import time

from bench.common import scratch_database

CASES = int(os.environ.get("BENCH_CASES", 100_000))
ASSIGNED = int(os.environ.get("BENCH_ASSIGNED", 332))
REPEAT = int(os.environ.get("BENCH_REPEAT", 30))
SESSIONS_PER_CASE = int(os.environ.get("BENCH_SESSIONS_PER_CASE", 10))


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


def _old_annotate_for_list(cases):
    """The lists before keyset paging (kept here to measure against): session count and last
    session as correlated subqueries, computed by the database for every row an OFFSET skips."""
    from django.db.models import Count, Max, OuterRef, Prefetch, Subquery
    from django.db.models.functions import Coalesce

    from casework.models import Assignment, Session

    per_case = Session.objects.filter(case=OuterRef("pk")).order_by().values("case")
    return (cases.select_related("team")
            .annotate(old_session_count=Coalesce(Subquery(per_case.annotate(n=Count("pk")).values("n")[:1]), 0),
                      old_last_session_on=Subquery(per_case.annotate(last=Max("held_on")).values("last")[:1]))
            .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("worker"))))


def run():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from guardian.shortcuts import get_objects_for_user

    from casework import access, case_lists
    from casework.models import Case, Role, SessionKind, Team
    from casework.selectors import list_rows

    call_command("migrate", verbosity=0)
    scapi = Team.objects.get(code="SCAPI")
    worker = get_user_model().objects.create_user("bench.worker")
    lead = get_user_model().objects.create_user("bench.lead")
    Role.objects.create(user=worker, kind=Role.Kind.WORKER, team=scapi)
    Role.objects.create(user=lead, kind=Role.Kind.LEAD, team=scapi)
    view_case = Permission.objects.get(content_type__app_label="casework", codename="view_case")
    kind = SessionKind.objects.filter(team=scapi).first()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Encrypted columns hold a constant token: these queries never decrypt.
        cursor.execute("""
            INSERT INTO casework_case (id, reference, team_id, status, opened_on, closed_on, closure_reason,
                given_names, family_name, date_of_birth, national_number, phone, address, notes,
                name_index, national_number_index, version, created_at, updated_at, session_count, last_contact_on)
            SELECT md5(g::text)::uuid, 'BENCH-' || g, t.id, CASE WHEN g %% 3 = 0 THEN 'closed' ELSE 'open' END,
                   DATE '2023-01-01' + (g %% 1400), CASE WHEN g %% 3 = 0 THEN DATE '2023-01-01' + (g %% 1400) END, '',
                   'enc1:x:AA', 'enc1:x:AA', NULL, 'enc1:x:AA', 'enc1:x:AA', 'enc1:x:AA', 'enc1:x:AA',
                   md5('n' || g), '', 1, now(), now(), 0, NULL
            FROM generate_series(1, %s) AS g
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM casework_team) AS t ON t.n = g %% 3
        """, [CASES])
        cursor.execute("""
            INSERT INTO casework_caseuserobjectpermission (permission_id, user_id, content_object_id)
            SELECT %s, %s, id FROM casework_case WHERE team_id = %s ORDER BY md5(id::text) LIMIT %s
        """, [view_case.pk, worker.pk, scapi.pk, ASSIGNED])
        # SESSIONS_PER_CASE sessions on every SCAPI case, then the denormalised columns as
        # session_record keeps them.
        cursor.execute("""
            INSERT INTO casework_session (id, case_id, kind_id, held_on, duration_minutes, worker_id, notes, version, created_at, updated_at)
            SELECT md5(c.id::text || s)::uuid, c.id, %s, c.opened_on + s * 7, 60, %s, 'enc1:x:AA', 1, now(), now()
            FROM casework_case c CROSS JOIN generate_series(1, %s) AS s WHERE c.team_id = %s
        """, [kind.pk, worker.pk, SESSIONS_PER_CASE, scapi.pk])
        cursor.execute("""
            UPDATE casework_case c SET session_count = s.n, last_contact_on = s.last
            FROM (SELECT case_id, count(*) AS n, max(held_on) AS last FROM casework_session GROUP BY case_id) s
            WHERE s.case_id = c.id
        """)
        cursor.execute("ANALYZE")
    register = Case.objects.filter(team=scapi)
    print(f"filled {Case.objects.count():,} cases ({register.count():,} in the register), "
          f"{SESSIONS_PER_CASE} sessions per register case, {ASSIGNED} assigned to one worker, in {time.perf_counter() - started:.1f} s")

    def old_page(number):
        paginator = Paginator(_old_annotate_for_list(register).order_by("-opened_on", "-reference"), 25)
        page = paginator.page(number if number != "last" else paginator.num_pages)
        return list(page.object_list), paginator.count

    def new_page(**where):
        opened = case_lists.SORTS["opened"]
        page = case_lists.keyset_page(list_rows(register), opened, descending=True, size=25, **where)
        return page.rows, case_lists.bounded_count(register)

    access.roles_of(worker)  # read once per request in the app; not what is measured here
    figures = {
        "baseline: plain table, newest 50": _median_ms(lambda: list(Case.objects.order_by("-opened_on")[:50])),
        "worker: my cases, newest 50": _median_ms(lambda: list(access.assigned_cases(worker).order_by("-opened_on", "-reference")[:50])),
        "worker: the list page's query (prefetch)": _median_ms(
            lambda: list(list_rows(access.assigned_cases(worker)).order_by("-opened_on", "-reference")[:50])),
        "guardian defaults (user OR group perms), newest 50": _median_ms(
            lambda: list(get_objects_for_user(worker, "casework.view_case", klass=Case).order_by("-opened_on")[:50])),
        "register first page, before (OFFSET, annotated, COUNT)": _median_ms(lambda: old_page(1)),
        "register last page, before (OFFSET, annotated, COUNT)": _median_ms(lambda: old_page("last")),
        "register first page, now (keyset, bounded count)": _median_ms(lambda: new_page()),
        "register last page, now (keyset, bounded count)": _median_ms(lambda: new_page(last=True)),
        "register, no contact > 90 days, last page, now": _median_ms(lambda: case_lists.keyset_page(
            list_rows(case_lists.apply_filters(register, status="open", no_contact_days=90)),
            case_lists.SORTS["last_contact"], descending=False, size=25, last=True)),
    }
    if os.environ.get("BENCH_EXPLAIN"):
        print(access.assigned_cases(worker).order_by("-opened_on", "-reference")[:50].explain(analyze=True))
    baseline = figures["baseline: plain table, newest 50"]
    print(f"{'query':<58} {'median ms':>10} {'× baseline':>11}")
    for label, value in figures.items():
        print(f"{label:<58} {value:>10.2f} {value / baseline:>11.1f}")


if __name__ == "__main__":
    main()
