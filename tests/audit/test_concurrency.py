"""Several writers appending at once (as several gunicorn workers and Celery workers do) never
fork or break a lane. Each thread has its own PostgreSQL connection, so the row locks on the
lanes' heads are contended for real, and the writers spread over several lanes.

The writers commit for real (they are other connections than the test's, whose transaction is
rolled back at the end): their events stay in the test database, chained like any others.
The test's own connection must not append before the writers finish: it would hold its lane's
lock until the end of the test (the writers would skip that lane)."""

import threading
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from audit.actions import Action
from audit.models import AuditEvent, ChainHead
from audit.services import audit_record
from audit.verification import verify_chain
from tests.conftest import require_postgres

WRITERS = 8
EVENTS_EACH = 30


class Rollback(Exception):
    pass


def _run_writers(users, *, rollback_every=0):
    barrier = threading.Barrier(WRITERS)
    errors, committed = [], []
    lock = threading.Lock()

    def write(number):
        try:
            barrier.wait(timeout=30)
            for index in range(EVENTS_EACH):
                marker = {"writer": number, "index": index}
                try:
                    with transaction.atomic():
                        audit_record(actor=users[number % len(users)], action=Action.CASE_VIEW, target_type="case",
                                     target_id=uuid.uuid4(), detail=marker)
                        if rollback_every and index % rollback_every == 0:
                            raise Rollback  # the action failed after its event was written
                except Rollback:
                    continue
                with lock:
                    committed.append(marker)
        except Exception as exc:  # reported by the test, with the thread's exception
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    assert not errors, errors
    return committed


@pytest.fixture
def writers_users(db):
    return list(get_user_model().objects.filter(username__in=["worker.scapi", "worker.scav", "worker.rad", "lead.scav"]))


def _heads():
    return dict(ChainHead.objects.values_list("pk", "position"))


def _assert_each_lane_grew_without_a_gap(before, count):
    """The new events fill each lane's positions right after its former head, with no gap,
    in the order the database numbered them; ``count`` in all."""
    new = list(AuditEvent.objects.filter(seq__gt=before["seq"]).order_by("seq").values_list("lane", "position"))
    assert len(new) == count
    for lane in {lane for lane, _position in new}:
        positions = [position for other, position in new if other == lane]
        assert positions == list(range(before[lane] + 1, before[lane] + 1 + len(positions)))
        assert ChainHead.objects.get(pk=lane).position == positions[-1]
    return {lane for lane, _position in new}


def _before():
    return {**_heads(), "seq": AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0}


@pytest.mark.postgres
def test_eight_parallel_writers_spread_over_lanes_without_a_gap_and_verify(writers_users):
    require_postgres()
    before = _before()
    committed = _run_writers(writers_users)

    lanes = _assert_each_lane_grew_without_a_gap(before, WRITERS * EVENTS_EACH)
    # They did not queue on one lock: each writer found a lane no one else held.
    assert len(lanes) > 1
    markers = [event["detail"] for event in AuditEvent.objects.filter(seq__gt=before["seq"]).values("detail")]
    assert sorted(markers, key=lambda m: (m["writer"], m["index"])) == sorted(committed, key=lambda m: (m["writer"], m["index"]))
    result = verify_chain()
    assert result.ok, [problem.message() for problem in result.problems]
    assert result.last_seq == AuditEvent.objects.order_by("-seq").first().seq


@pytest.mark.postgres
def test_writers_whose_actions_roll_back_leave_no_gap_in_any_lane(writers_users):
    require_postgres()
    before = _before()
    committed = _run_writers(writers_users, rollback_every=3)

    assert len(committed) == WRITERS * (EVENTS_EACH - EVENTS_EACH // 3)
    _assert_each_lane_grew_without_a_gap(before, len(committed))
    assert verify_chain().ok
