"""Pages under load: gunicorn over 100,000 cases, 1,000,000 sessions and 1,000,000 audit
events, each page beside its plain twin (bench/http_site.py) in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 .venv/bin/python -m bench.http

Builds a scratch database (BENCH_CASES, BENCH_SESSIONS, BENCH_EVENTS override the sizes;
BENCH_CHECKPOINT_DAYS the days of checkpoints, one every ten minutes), starts gunicorn with
4 workers on 127.0.0.1 in production mode (DEBUG off), and for 10 and then 50 concurrent users
sends a fixed number of GET requests to each page and to its plain twin (the same query
without the permission check, decryption or audit write). Prints p50/p95/p99, throughput and
errors per page and the p50 ratio to the plain twin (target ≤ 1.5×). Every request goes to the
loopback address; the load is bounded in count and stops by itself. Exits non-zero on any
error (a status other than 200).
"""

import base64
import concurrent.futures
import datetime
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.common import scratch_database

CASES = int(os.environ.get("BENCH_CASES", 100_000))
SESSIONS = int(os.environ.get("BENCH_SESSIONS", 1_000_000))
EVENTS = int(os.environ.get("BENCH_EVENTS", 1_000_000))
# Five years of what accumulates with time (issue 14): checkpoints every ten minutes, the
# worker's notifications, the nightly indicator computations.
YEARS = 5
CHECKPOINT_DAYS = int(os.environ.get("BENCH_CHECKPOINT_DAYS", YEARS * 365))
NOTIFICATIONS_PER_DAY = 20
ASSIGNED = 332
REQUESTS = {10: int(os.environ.get("BENCH_REQUESTS_10", 300)), 50: int(os.environ.get("BENCH_REQUESTS_50", 500))}
PORT = int(os.environ.get("BENCH_PORT", 8765))
ROOT = Path(__file__).resolve().parent.parent


def fresh_keys(name):
    """Throw-away keys and a checkpoint folder for one benchmark run (never the real ones)."""
    return {
        "SECRET_KEY": base64.b64encode(os.urandom(40)).decode(),
        "CASEWORK_ENCRYPTION_KEYS": f"bench1:{base64.b64encode(os.urandom(32)).decode()}",
        "CASEWORK_BLIND_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        "AUDIT_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
        "AUDIT_CHECKPOINT_DIR": tempfile.mkdtemp(prefix=f"bench-{name}-checkpoints-"),
    }


def main():
    keys = fresh_keys("http")
    with scratch_database("http", **keys):
        sys.exit(run(keys))


def run(keys):
    started = time.perf_counter()
    targets = build()
    print(f"data set ready in {time.perf_counter() - started:.0f} s", flush=True)
    server = start_gunicorn(keys)
    try:
        results = measure(targets)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return report(results)


# --- the data set ---------------------------------------------------------------------------

def build():
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.audit import _build_chain
    from casework.models import Assignment, Case, CaseUserObjectPermission, Role, Session, SessionKind, Team
    from casework.plan.demo import seed_plan_demo
    from django.contrib.auth.models import Permission

    call_command("migrate", verbosity=0)
    User = get_user_model()
    teams = {team.code: team for team in Team.objects.all()}
    scapi = teams["SCAPI"]
    people = {name: User.objects.create_user(f"bench.{name}") for name in ("worker", "lead", "auditor", "coordinator")}
    for name, kind, team in (("worker", Role.Kind.WORKER, scapi), ("lead", Role.Kind.LEAD, scapi),
                             ("auditor", Role.Kind.AUDITOR, None), ("coordinator", Role.Kind.COORDINATOR, None)):
        # Benchmark set-up, not a person's path: active at once (the approval flow is tested in
        # tests/casework/test_separation_of_duties.py).
        Role.objects.create(user=people[name], kind=kind, team=team)

    rng = random.Random(14)
    today = timezone.localdate()
    first_day = datetime.date(today.year - 4, 1, 1)
    span = (today - first_day).days
    team_list = list(teams.values())
    t0 = time.perf_counter()
    case_ids = {code: [] for code in teams}
    for first in range(0, CASES, 5000):
        batch = []
        for n in range(first, min(CASES, first + 5000)):
            team = team_list[n % len(team_list)]
            opened = first_day + datetime.timedelta(days=rng.randint(0, span))
            closed = n % 3 == 0 and opened < today - datetime.timedelta(days=30)
            case = Case(id=uuid.uuid4(), reference=f"{team.reference_prefix}-B{n:06d}", team=team, opened_on=opened,
                        status=Case.Status.CLOSED if closed else Case.Status.OPEN,
                        closed_on=opened + datetime.timedelta(days=20) if closed else None,
                        closure_reason="goals_met" if closed else "",
                        given_names=f"Given{n}", family_name=f"Family{n}", date_of_birth=datetime.date(1980, 1, 1 + n % 28),
                        national_number="", phone="", address="", notes="Intake note. " * 4, name_index=f"{n:064d}"[-64:])
            batch.append(case)
            case_ids[team.code].append(case.id)
        Case.objects.bulk_create(batch)
    print(f"  {CASES:,} cases in {time.perf_counter() - t0:.0f} s", flush=True)

    view_case = Permission.objects.get(content_type__app_label="casework", codename="view_case")
    change_case = Permission.objects.get(content_type__app_label="casework", codename="change_case")
    mine = rng.sample(case_ids["SCAPI"], ASSIGNED)
    CaseUserObjectPermission.objects.bulk_create(
        [CaseUserObjectPermission(permission=perm, user=people["worker"], content_object_id=case_id)
         for case_id in mine for perm in (view_case, change_case)])
    Assignment.objects.bulk_create([Assignment(case_id=case_id, worker=people["worker"], assigned_by=people["lead"]) for case_id in mine])

    kinds = {code: list(SessionKind.objects.filter(team__code=code)) for code in teams}
    t0 = time.perf_counter()
    all_cases = [(code, case_id) for code, ids in case_ids.items() for case_id in ids]
    opened_on = dict(Case.objects.values_list("id", "opened_on"))
    for first in range(0, SESSIONS, 10_000):
        batch = []
        for _ in range(first, min(SESSIONS, first + 10_000)):
            code, case_id = all_cases[rng.randrange(len(all_cases))]
            held = min(today, opened_on[case_id] + datetime.timedelta(days=rng.randint(0, 300)))
            batch.append(Session(case_id=case_id, kind=rng.choice(kinds[code]), held_on=held,
                                 duration_minutes=60, worker=people["worker"], notes=""))
        Session.objects.bulk_create(batch)
    # What session_record keeps on each case (the lists read it from the case row).
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE casework_case c SET session_count = s.n, last_contact_on = s.last
            FROM (SELECT case_id, count(*) AS n, max(held_on) AS last FROM casework_session GROUP BY case_id) s
            WHERE s.case_id = c.id
        """)
    print(f"  {SESSIONS:,} sessions in {time.perf_counter() - t0:.0f} s", flush=True)

    t0 = time.perf_counter()
    _build_chain(EVENTS)
    print(f"  {EVENTS:,} audit events in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    checkpoint_files = _write_checkpoints(CHECKPOINT_DAYS)
    print(f"  {checkpoint_files:,} checkpoints in {time.perf_counter() - t0:.0f} s", flush=True)

    t0 = time.perf_counter()
    seed_plan_demo(open(os.devnull, "w"))
    print(f"  plan years and figures in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    notifications, runs = _five_years_of_history(people["worker"], case_ids["SCAPI"], rng)
    print(f"  {YEARS} years of history: {notifications:,} notifications, {runs:,} indicator runs in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    # What autovacuum would have done on a database that grew over years (statistics and the
    # visibility map, which index-only scans rely on). VACUUM cannot run in a transaction.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    cookies = {}
    for name, user in people.items():
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies[name] = f"sessionid={store.session_key}"
    detail_case = mine[0]
    kind = kinds["SCAPI"][0].pk
    return [
        ("worker: my cases", cookies["worker"], "/cases/", "/plain/cases/"),
        ("worker: case detail", cookies["worker"], f"/cases/{detail_case}/", f"/plain/cases/{detail_case}/"),
        ("worker: record a session (form)", cookies["worker"], f"/cases/{detail_case}/sessions/new/",
         f"/plain/cases/{detail_case}/sessions/new/"),
        # ?status= : every file, open and closed, as the plain twin lists them.
        ("lead: register, first page", cookies["lead"], "/cases/team/?status=", "/plain/cases/team/"),
        ("lead: register, last page", cookies["lead"], "/cases/team/?status=&last=1", "/plain/cases/team/?last=1"),
        ("lead: register by session kind", cookies["lead"], f"/cases/team/?status=&kind={kind}", f"/plain/cases/team/?kind={kind}"),
        # Five years of the worker's notifications, none purged (the worst case).
        ("worker: notifications", cookies["worker"], "/notifications/", "/plain/notifications/"),
        ("auditor: log", cookies["auditor"], "/audit/", "/plain/audit/"),
        ("coordinator: year page", cookies["coordinator"], f"/indicators/{today.year}/", f"/plain/indicators/{today.year}/"),
    ]


def _five_years_of_history(worker, scapi_cases, rng):
    """What YEARS years leave behind besides cases and events: NOTIFICATIONS_PER_DAY
    notifications a day for the measured worker (all read but the last day's, as in real use:
    the header's unread count must not read them all) and one nightly indicator computation a
    day (the coordinator's page must not read them all)."""
    from django.db import connection
    from django.utils import timezone

    from casework.notifications.models import Notification
    from casework.plan.models import ComputationRun, PlanYear

    now = timezone.now()
    days = YEARS * 365
    rows = []
    for day in range(days, 0, -1):
        for n in range(NOTIFICATIONS_PER_DAY):
            rows.append(Notification(recipient=worker, kind=Notification.Kind.ASSIGNED, reference=f"SCAPI-B{day:04d}{n:02d}",
                                     case_id=rng.choice(scapi_cases), actor_username="bench.lead", key=f"bench:{day}:{n}",
                                     read_at=now - datetime.timedelta(days=day - 1) if day > 1 else None))
    created = Notification.objects.bulk_create(rows, batch_size=5000)
    # auto_now_add stamped them all now: spread them over the years they stand for.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Notification._meta.db_table} SET created_at = read_at WHERE read_at IS NOT NULL")
    years = {year.year: year for year in PlanYear.objects.all()}
    newest = max(years.values(), key=lambda year: year.year)
    runs = []
    for day in range(days, 0, -1):
        started = now - datetime.timedelta(days=day)
        runs.append(ComputationRun(plan_year=years.get(started.year, newest), trigger=ComputationRun.Trigger.SCHEDULE,
                                   started_at=started, finished_at=started + datetime.timedelta(seconds=40),
                                   as_of=started.date(), values_written=31))
    ComputationRun.objects.bulk_create(runs, batch_size=5000)
    return len(created), len(runs)


def _write_checkpoints(days):
    """A checkpoint every ten minutes for ``days`` days, filed as audit.checkpoints files them
    (without an fsync each: this is set-up, not what is measured)."""
    from audit import checkpoints
    from audit.services import lane_heads

    heads = lane_heads()
    root = checkpoints.directory()
    now = datetime.datetime.now(datetime.timezone.utc)
    count = 0
    for step in range(days * 144, 0, -1):
        at = now - datetime.timedelta(minutes=10 * step)
        checkpoint = checkpoints.checkpoint_sign(heads=heads, at=at)
        folder = checkpoints.day_folder(root, at)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / checkpoints.file_name(checkpoint)).write_text(checkpoints.checkpoint_json(checkpoint))
        count += 1
    return count


# --- the server -------------------------------------------------------------------------------

def start_gunicorn(keys):
    env = {**os.environ, **keys, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "bench.http_site", "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "CASEWORK_REQUIRE_2FA": "0", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)  # tasks in process, cache in memory: what is measured is the page
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="bench-http-static-")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "casework.wsgi:application", "-w", "4", "-b", f"127.0.0.1:{PORT}",
                               "--timeout", "120", "--no-control-socket", "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = _get("/healthz", "")
            if status in (200, 503):
                return server
        except OSError:
            pass
        if server.poll() is not None:
            sys.exit("gunicorn did not start")
        time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


_local = threading.local()


def _get(path, cookie):
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1", "Accept-Language": "fr"})
        response = connection.getresponse()
        body = response.read()
        return response.status, body
    except (OSError, http.client.HTTPException):
        connection.close()
        _local.connection = None
        raise


# --- the load ---------------------------------------------------------------------------------

def _load(path, cookie, users, requests):
    """``requests`` GETs of ``path`` by ``users`` threads; latencies in ms and error count."""
    latencies, errors = [], 0
    lock = threading.Lock()

    def one(_):
        nonlocal errors
        start = time.perf_counter()
        try:
            status, _body = _get(path, cookie)
        except (OSError, http.client.HTTPException):
            status = None
        elapsed = (time.perf_counter() - start) * 1000
        with lock:
            latencies.append(elapsed)
            if status != 200:
                errors += 1

    for _ in range(min(users, 20)):  # warm every worker's connection and caches
        try:
            _get(path, cookie)
        except (OSError, http.client.HTTPException):
            pass
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(one, range(requests)))
    seconds = time.perf_counter() - started
    return {"latencies": sorted(latencies), "errors": errors, "throughput": requests / seconds}


def _percentile(values, fraction):
    return values[min(len(values) - 1, int(round(fraction * (len(values) - 1))))]


def measure(targets):
    results = []
    for users, requests in REQUESTS.items():
        for label, cookie, path, plain_path in targets:
            real = _load(path, cookie, users, requests)
            plain = _load(plain_path, cookie, users, requests)
            results.append((users, label, real, plain))
            print(f"  measured {label} at {users} users", flush=True)
    return results


def report(results):
    print(f"\n{'page':<36} {'users':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>7} {'err':>4} {'plain p50':>9} {'err':>4} {'× plain':>8}")
    failed = 0
    for users, label, real, plain in results:
        lat = real["latencies"]
        p50, plain_p50 = statistics.median(lat), statistics.median(plain["latencies"])
        print(f"{label:<36} {users:>5} {p50:>7.1f} {_percentile(lat, .95):>7.1f} {_percentile(lat, .99):>7.1f} "
              f"{real['throughput']:>7.1f} {real['errors']:>4} {plain_p50:>9.1f} {plain['errors']:>4} {p50 / plain_p50:>8.2f}")
        failed += real["errors"] + plain["errors"]
    print("(milliseconds; target: × plain ≤ 1.5 and no error)")
    if failed:
        print(f"error: {failed} requests did not answer 200")
        return 1
    return 0


if __name__ == "__main__":
    main()
