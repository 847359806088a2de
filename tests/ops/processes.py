"""Real server processes for the ops tests (Celery worker and beat, gunicorn).

Every process is started in its own session (process group) with its output in a log file,
and stopped by the context manager that started it: SIGTERM to the whole group, a bounded
wait, then SIGKILL. Every wait here has a timeout, so a stuck process fails a test instead of
hanging the suite.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtualenv's bin/, where celery and gunicorn live


class Process:
    def __init__(self, name, popen, log_path):
        self.name = name
        self.popen = popen
        self.log_path = log_path

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def describe(self):
        state = "running" if self.alive() else f"exited with {self.popen.returncode}"
        return f"{self.name} ({state}); its output:\n{self.log()[-4000:]}"

    def wait_for_log(self, pattern, timeout):
        """The first match of ``pattern`` in the output; fails if the process exits first."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.log())
            if match:
                return match
            if not self.alive():
                pytest.fail(f"{self.name} exited before logging {pattern!r}: {self.describe()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{self.name} did not log {pattern!r} within {timeout}s: {self.describe()}")
            time.sleep(0.1)

    def stop(self, timeout=20):
        """SIGTERM (a warm shutdown for Celery, a graceful one for gunicorn), then SIGKILL."""
        if self.alive():
            _signal_group(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        # Children that outlived their parent (a gunicorn worker, say) go too.
        _signal_group(self.pid, signal.SIGKILL)
        return self.popen.returncode


def _signal_group(pgid, signum):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


@contextlib.contextmanager
def running(name, argv, *, env, log_dir):
    """Run ``argv`` from the repository root for the duration of the block."""
    log_path = Path(log_dir) / f"{name}.log"
    with open(log_path, "wb") as log:
        popen = subprocess.Popen(
            [str(arg) for arg in argv], cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    process = Process(name, popen, log_path)
    try:
        yield process
    finally:
        process.stop()


def unique_queue():
    """A queue of our own, so a test's task reaches only the worker the test started."""
    return f"casework-test-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def celery_worker(*, env, queue, log_dir, name="worker"):
    argv = [
        BIN / "celery", "-A", "casework", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
        "--hostname", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle",
        "-l", "info",
    ]
    try:
        with running(name, argv, env=env, log_dir=log_dir) as worker:
            yield worker
    finally:
        forget_queue(env["REDIS_URL"], queue)


def forget_queue(redis_url, queue):
    """Remove what kombu left in Redis for a test queue: the queue and its bindings (their key
    names change between kombu versions, but each contains the queue's unique name)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def wait_for_result(result, worker, timeout=30):
    """The task's return value, read from the result backend; fails fast if the worker died."""
    deadline = time.monotonic() + timeout
    while not result.ready():
        if not worker.alive():
            pytest.fail(f"the worker died before finishing task {result.id}: {worker.describe()}")
        if time.monotonic() > deadline:
            pytest.fail(f"task {result.id} not done within {timeout}s (state {result.state}): {worker.describe()}")
        time.sleep(0.1)
    try:
        return result.get(timeout=5)
    finally:
        result.forget()
