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
3. The workspace's paging at that size: a filtered page deep in the log by keyset (what the
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
