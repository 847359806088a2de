"""A real Celery worker against a real Redis: a task sent through the broker is run by a
separate worker process, and the settings are the ones that lose no task.

Needs REDIS_URL (skipped locally without it; .ci/run sets it and turns the skip into a failure).
"""

import os
import time

import pytest

from tests.conftest import require_redis
from tests.ops.processes import celery_worker, unique_queue, wait_for_result

pytestmark = pytest.mark.redis


def test_task_settings_lose_no_task():
    from casework.celery import app

    # Acknowledge after the task has run, and re-queue it if the worker dies meanwhile.
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    # One message at a time per worker process, so a dying worker holds back only one task.
    assert app.conf.worker_prefetch_multiplier == 1
    # Redis re-delivers an unacknowledged task after this delay: it must outlast the longest task.
    assert app.conf.broker_transport_options["visibility_timeout"] >= 3600
    # JSON only: no pickle from the broker.
    assert app.conf.task_serializer == "json" and list(app.conf.accept_content) == ["json"]


def test_a_real_worker_runs_a_task_sent_through_redis(tmp_path):
    redis_url = require_redis()
    from casework.celery import app
    from casework.tasks import ping

    assert not app.conf.task_always_eager, "with REDIS_URL set, tasks must go through the broker"
    queue = unique_queue()
    env = {**os.environ, "REDIS_URL": redis_url}

    # Sent before any worker listens: the task waits in Redis instead of running in process.
    result = ping.apply_async(queue=queue)
    time.sleep(0.5)
    assert result.state == "PENDING"

    with celery_worker(env=env, queue=queue, log_dir=tmp_path) as worker:
        assert wait_for_result(result, worker, timeout=30) == "pong"
        # And one sent while it runs.
        assert wait_for_result(ping.apply_async(queue=queue), worker, timeout=30) == "pong"
        worker.wait_for_log(r"casework\.ping\[[0-9a-f-]+\] succeeded", timeout=5)
    assert worker.popen.returncode == 0, f"the worker did not shut down cleanly on SIGTERM: {worker.describe()}"
    assert "Traceback" not in worker.log(), worker.describe()
