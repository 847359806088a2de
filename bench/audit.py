"""Audit log speed on PostgreSQL, each figure beside a plain baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 .venv/bin/python -m bench.audit

Creates a scratch database (``bench_audit_<pid>``), migrates it, and measures:

1. Append throughput with 8 and with 16 concurrent writers (processes, each with its own
   database connection), each appending for SECONDS seconds through
   ``audit.services.audit_record``: one transaction per event, a lane's head locked, the hash
   computed. Baseline: the same writers insert the same rows, one transaction each, through
   the ORM into a table with the same columns and indexes but no chain (an identity key, no
   head lock, no hash). Targets (issue 14): 8 writers reach at least half of the baseline,
   and 16 writers append more per second than 8.
2. Verification speed: ``audit.verification.verify_chain`` over CHAIN_EVENTS events spread
   over the lanes (built with COPY, hashes computed as the service does). Baselines: the
   same keyset-batched read of the same rows without hashing, and a plain sequential read
   (``SELECT … ORDER BY seq`` through a server-side cursor).
3. Append throughput with the app hosts modelled (``APP_MS`` of request work on the writer's
   own host and ``RTT_MS`` of network round trip per statement and per commit, both waited
   out with ``sleep`` so they take none of this machine's two cores): plain INSERT, the
   16 lanes, and one chain with one head lock (the design before decision 0014), each with 8
   and 16 writers. On two cores the unmodelled run above cannot grow from 8 to 16 writers
   (plain INSERTs do not either); this run shows whether a lock, rather than the machine,
   caps audited requests as app hosts are added.
4. The workspace's paging at that size: a filtered page deep in the log by keyset (what the
   views do) beside the same page by OFFSET.

The scratch database is dropped at the end, whatever happens. Runs in well under two minutes.
"""

import datetime
import json
import secrets
import statistics
import tempfile
import time
import uuid

from bench.common import scratch_database

WRITER_COUNTS = (8, 16)
SECONDS = 5.0
CHAIN_EVENTS = 100_000
# The modelled app hosts: a request's own work on its host, and one LAN round trip.
APP_MS = 10.0
RTT_MS = 0.5
ACTIONS = ["case_view", "case_list", "session_create", "case_update", "login"]


def main():
    with tempfile.TemporaryDirectory(prefix="bench-audit-checkpoints-") as checkpoints:
        with scratch_database("audit", AUDIT_CHECKPOINT_DIR=checkpoints):
            run()


def _plain_model():
    """The baseline table: the audit event's columns and indexes, without the chain."""
    from django.conf import settings
    from django.db import models

    class PlainEvent(models.Model):
        seq = models.BigAutoField(primary_key=True)
        at = models.DateTimeField(db_index=True)
        actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
        actor_username = models.CharField(max_length=150, blank=True)
        action = models.CharField(max_length=40, db_index=True)
        target_type = models.CharField(max_length=40, blank=True)
        target_id = models.CharField(max_length=64, blank=True, db_index=True)
        target_ref = models.CharField(max_length=40, blank=True, db_index=True)
        team = models.CharField(max_length=20, blank=True)
        client_ip = models.GenericIPAddressField(null=True, blank=True)
        user_agent = models.CharField(max_length=300, blank=True)
        justification = models.TextField(blank=True)
        detail = models.JSONField(default=dict, blank=True)
        prev_hash = models.CharField(max_length=64)
        hash = models.CharField(max_length=64, unique=True)

        class Meta:
            app_label = "bench"
            db_table = "bench_plain_event"
            indexes = [
                models.Index(fields=["actor", "-seq"], name="bench_actor_seq"),
                models.Index(fields=["target_ref", "-seq"], name="bench_ref_seq"),
                models.Index(fields=["action", "-seq"], name="bench_action_seq"),
                models.Index(fields=["team", "-seq"], name="bench_team_seq"),
                models.Index(fields=["actor_username", "-seq"], name="bench_username_seq"),
            ]

    return PlainEvent


def _payload(number, index):
    return {
        "action": ACTIONS[index % len(ACTIONS)], "target_type": "case", "target_id": str(uuid.uuid4()),
        "target_ref": f"SCAV-2026-{index % 9999:04d}", "team": "MEDLOC-SCAV",
        "detail": {"writer": number, "index": index, "part": "detail"},
    }


def _run_writers(write_one, writers):
    """``writers`` processes (as gunicorn workers or app hosts are: no shared interpreter lock)
    each calling write_one(number, index) for SECONDS; return (events per second, events)."""
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(writers + 1)
    stop = context.Event()
    results = context.Queue()
    connections.close_all()  # each process opens its own connection

    def writer(number):
        index, error = 0, None
        try:
            barrier.wait()
            while not stop.is_set():
                write_one(number, index)
                index += 1
        except Exception as exc:
            error = repr(exc)
        finally:
            connections.close_all()
            results.put((index, error))

    processes = [context.Process(target=writer, args=(n,)) for n in range(writers)]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(SECONDS)
    stop.set()
    outcomes = [results.get(timeout=60) for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join(timeout=60)
    errors = [error for _count, error in outcomes if error]
    if errors:
        raise RuntimeError(errors[0])
    total = sum(count for count, _error in outcomes)
    return total / elapsed, total


class _RemoteHosts:
    """While active (and in the writer processes forked meanwhile): every statement and every
    commit first waits one network round trip, holding whatever its transaction holds, as it
    would between an app host and the database server."""

    def __init__(self, connection):
        self.connection = connection

    def _round_trip(self, execute, sql, params, many, context):
        time.sleep(RTT_MS / 1000)
        return execute(sql, params, many, context)

    def __enter__(self):
        connection = self.connection
        connection.execute_wrappers.append(self._round_trip)
        original_commit = connection._commit

        def commit():
            time.sleep(RTT_MS / 1000)
            return original_commit()

        connection._commit = commit
        return self

    def __exit__(self, *exc):
        self.connection.execute_wrappers.remove(self._round_trip)
        del self.connection._commit  # the class's method again


def _on_app_host(write_one):
    """A whole audited request on a modelled app host: its own work there, then the write."""

    def request(number, index):
        time.sleep(APP_MS / 1000)
        write_one(number, index)

    return request


def _one_chain_head_locked():
    """The head lock of the design before decision 0014: every writer queues for lane 1."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, position, hash, nextval(pg_get_serial_sequence('audit_auditevent', 'seq')) "
                       "FROM audit_chainhead WHERE id = 1 FOR UPDATE")
        return cursor.fetchone()


def _build_chain(count):
    """Append ``count`` valid events after the lanes' heads with COPY, dealt over the lanes in
    turn as busy writers would leave them: the hashes are computed exactly as audit_record
    computes them, so the result verifies. Returns the last ``seq``."""
    from django.db import connection

    from audit.hashing import FORMAT, HASHED_FIELDS, event_hash
    from audit.models import AuditEvent, ChainHead

    heads = {lane: [position, hash_] for lane, position, hash_ in ChainHead.objects.order_by("pk").values_list("pk", "position", "hash")}
    lanes = list(heads)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=60)
    columns = tuple(HASHED_FIELDS) + ("hash",)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY audit_auditevent ({', '.join(columns)}) FROM STDIN") as copy:
        for index in range(count):
            seq += 1
            lane = lanes[index % len(lanes)]
            head = heads[lane]
            at += datetime.timedelta(milliseconds=25)
            row = {"seq": seq, "lane": lane, "position": head[0] + 1, "format": FORMAT, "at": at, "actor_id": None,
                   "actor_username": f"bench.user{index % 40}", "client_ip": "10.0.0.1",
                   "user_agent": "Mozilla/5.0 bench", "justification": "", "prev_hash": head[1],
                   **_payload(index % 8, index)}
            row["hash"] = event_hash(row)
            heads[lane] = [row["position"], row["hash"]]
            copy.write_row([json.dumps(row[c]) if c == "detail" else row[c] for c in columns])
    for lane, (position, hash_) in heads.items():
        ChainHead.objects.filter(pk=lane).update(position=position, hash=hash_)
    with connection.cursor() as cursor:
        # COPY gave the numbers itself: the table's sequence continues after them.
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), %s)", [seq])
        cursor.execute("ANALYZE audit_auditevent")
    return seq


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _median_ms(fn, repeat=25):
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from audit.models import AuditEvent
    from audit.services import Origin, audit_record
    from audit.verification import _FIELDS, BATCH_SIZE, verify_chain

    call_command("migrate", verbosity=0)
    PlainEvent = _plain_model()
    with connection.schema_editor() as editor:
        editor.create_model(PlainEvent)
    users = [get_user_model().objects.create_user(f"bench.writer{n}") for n in range(max(WRITER_COUNTS))]
    origin = Origin(client_ip="10.0.0.1", user_agent="Mozilla/5.0 bench")
    print(f"PostgreSQL {connection.pg_version // 10000}, {' and '.join(map(str, WRITER_COUNTS))} writers, "
          f"{SECONDS:.0f} s per append run, {CHAIN_EVENTS:,} events for the verification")

    def plain_insert(number, index):
        with transaction.atomic():
            PlainEvent.objects.create(actor=users[number], actor_username=users[number].username, at=datetime.datetime.now(datetime.timezone.utc),
                                      client_ip=origin.client_ip, user_agent=origin.user_agent, prev_hash="",
                                      hash=secrets.token_hex(32), **_payload(number, index))

    def chained_append(number, index):
        with transaction.atomic():
            audit_record(actor=users[number], origin=origin, **_payload(number, index))

    appends = {}
    for writers in WRITER_COUNTS:
        appends[writers] = (_run_writers(plain_insert, writers), _run_writers(chained_append, writers))
    chain_count = sum(chained[1] for _plain, chained in appends.values())

    import audit.services

    remote = {}
    with _RemoteHosts(connection):
        for writers in WRITER_COUNTS:
            remote[("plain", writers)] = _run_writers(_on_app_host(plain_insert), writers)
            remote[("lanes", writers)] = _run_writers(_on_app_host(chained_append), writers)
            lanes_head_locked = audit.services._lane_head_locked
            audit.services._lane_head_locked = _one_chain_head_locked
            try:
                remote[("one chain", writers)] = _run_writers(_on_app_host(chained_append), writers)
            finally:
                audit.services._lane_head_locked = lanes_head_locked
    chain_count += sum(count for (kind, _writers), (_rate, count) in remote.items() if kind != "plain")
    assert AuditEvent.objects.count() == chain_count
    by_lane = {}
    for lane, position in AuditEvent.objects.order_by("seq").values_list("lane", "position"):
        by_lane.setdefault(lane, []).append(position)
    assert all(positions == list(range(1, len(positions) + 1)) for positions in by_lane.values()), \
        "the concurrent appends left a gap in a lane"

    build_seconds, last = _timed(lambda: _build_chain(CHAIN_EVENTS))
    verify_seconds, result = _timed(verify_chain)
    assert result.ok, [problem.message() for problem in result.problems]

    def keyset_read():
        previous, rows = 0, 0
        while True:
            batch = list(AuditEvent.objects.filter(seq__gt=previous, seq__lte=last).order_by("seq").values(*_FIELDS)[:BATCH_SIZE])
            if not batch:
                return rows
            rows += len(batch)
            previous = batch[-1]["seq"]

    def sequential_read():
        rows = 0
        with connection.connection.cursor(name="bench_scan") as cursor:
            cursor.itersize = BATCH_SIZE
            cursor.execute("SELECT * FROM audit_auditevent ORDER BY seq")
            for _ in cursor:
                rows += 1
        return rows

    read_seconds, read_rows = _timed(keyset_read)
    with transaction.atomic():  # a named (server-side) cursor lives in a transaction
        scan_seconds, scan_rows = _timed(sequential_read)

    # Paging: a filtered page about 90 % of the way back, by keyset (as the views do) and by OFFSET.
    deep_seq = last // 10
    deep_offset = AuditEvent.objects.filter(action="case_view", seq__gte=deep_seq).count()
    keyset_ms = _median_ms(lambda: list(AuditEvent.objects.filter(action="case_view", seq__lt=deep_seq).order_by("-seq")[:50]))
    offset_ms = _median_ms(lambda: list(AuditEvent.objects.filter(action="case_view").order_by("-seq")[deep_offset:deep_offset + 50]))
    first_ms = _median_ms(lambda: list(AuditEvent.objects.filter(action="case_view").order_by("-seq")[:50]))

    print()
    for writers, ((plain_rate, plain_count), (chain_rate, count)) in appends.items():
        print(f"{'append, ' + str(writers) + ' concurrent writers':<52} {'events/s':>10} {'events':>9} {'× baseline':>11}")
        print(f"{'baseline: plain INSERT, same rows, no chain':<52} {plain_rate:>10,.0f} {plain_count:>9,} {1:>11.2f}")
        print(f"{'audit_record (a free lane locked + hash chain)':<52} {chain_rate:>10,.0f} {count:>9,} "
              f"{chain_rate / plain_rate:>11.2f}")
    print(f"lanes used: {len(by_lane)}")
    (plain8, _), (eight, _) = appends[8]
    (plain16, _), (sixteen, _) = appends[16]
    print(f"target, 8 writers at least half of plain INSERT: {'met' if eight >= 0.5 * plain8 else 'NOT met'} "
          f"({eight / plain8:.2f}×)")
    # 16 writers can only append more than 8 where the machine has room for more: when plain
    # INSERTs themselves do not grow (CPU saturated), what shows that no lock caps the chain is
    # that it keeps its share of the baseline.
    print(f"target, 16 writers more than 8: {'met' if sixteen > eight else 'NOT met'} ({sixteen / eight:.2f}×; "
          f"plain INSERT from 8 to 16 writers: {plain16 / plain8:.2f}×; chained share of plain: "
          f"{eight / plain8:.2f}× at 8, {sixteen / plain16:.2f}× at 16)")
    print()
    print(f"append with the app hosts modelled: {APP_MS:g} ms of work per request on its own host, "
          f"{RTT_MS:g} ms round trip per statement and per commit")
    print(f"{'':<52} {'8 writers':>10} {'16 writers':>11} {'16 / 8':>7} {'× plain at 8':>13} {'× plain at 16':>14}")
    for kind, label in (("plain", "plain INSERT, same rows, no chain"), ("lanes", "audit_record, 16 lanes"),
                        ("one chain", "audit_record, one chain, one head lock (before 0014)")):
        at8, at16 = remote[(kind, 8)][0], remote[(kind, 16)][0]
        print(f"{label:<52} {at8:>10,.0f} {at16:>11,.0f} {at16 / at8:>7.2f} {at8 / remote[('plain', 8)][0]:>13.2f} "
              f"{at16 / remote[('plain', 16)][0]:>14.2f}")
    lanes8, lanes16 = remote[("lanes", 8)][0], remote[("lanes", 16)][0]
    print(f"target, 8 writers at least half of plain INSERT: {'met' if lanes8 >= 0.5 * remote[('plain', 8)][0] else 'NOT met'}; "
          f"16 writers more than 8: {'met' if lanes16 > lanes8 else 'NOT met'} ({lanes16 / lanes8:.2f}×)")
    print()
    print(f"{'verification over ' + format(last, ',') + ' events':<52} {'events/s':>10} {'seconds':>9} {'× baseline':>11}")
    print(f"{'baseline: sequential scan (server-side cursor)':<52} {scan_rows / scan_seconds:>10,.0f} {scan_seconds:>9.2f} {1:>11.2f}")
    print(f"{'baseline: keyset-batched read, no hashing':<52} {read_rows / read_seconds:>10,.0f} {read_seconds:>9.2f} "
          f"{(read_rows / read_seconds) / (scan_rows / scan_seconds):>11.2f}")
    print(f"{'verify_chain (read + recompute + link checks)':<52} {result.checked / verify_seconds:>10,.0f} {verify_seconds:>9.2f} "
          f"{(result.checked / verify_seconds) / (scan_rows / scan_seconds):>11.2f}")
    print(f"(chain of {CHAIN_EVENTS:,} events built by COPY in {build_seconds:.1f} s)")
    print()
    print(f"{'workspace: 50 events filtered on one action':<52} {'median ms':>10}")
    print(f"{'newest page':<52} {first_ms:>10.2f}")
    print(f"{'page 90 % back, keyset (before=seq), as the views do':<52} {keyset_ms:>10.2f}")
    print(f"{'same page by OFFSET ' + format(deep_offset, ','):<52} {offset_ms:>10.2f}")


if __name__ == "__main__":
    main()
