"""Shared fixtures: the seeded demo database and its personas.

The demo data (``seed_demo``) is loaded once per test session, at a reduced scale; each test
runs in a transaction that is rolled back, so tests see the same seeded world.

``CASEWORK_REQUIRE_SERVICES=1`` (set by .ci/run) turns every skipped test into a failure, so a
missing PostgreSQL, Redis or Chromium cannot pass CI silently.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

DEMO_PASSWORD = "test-Password-4-demo"
REQUIRE_SERVICES = os.environ.get("CASEWORK_REQUIRE_SERVICES") == "1"


def _own_redis_database(url, worker):
    """The Redis URL of this test process's cache: the next database after REDIS_URL's for the
    main process, one further per xdist worker ("gw0", "gw1", …), wrapping within Redis's 16."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    offset = 1 + (int(worker[2:]) if worker.startswith("gw") else 0)
    database = (base + offset) % 16
    return urlunsplit(parts._replace(path=f"/{database if database != base else (database + 1) % 16}"))


@pytest.fixture(scope="session", autouse=True)
def _a_cache_of_its_own():
    """``cache.clear()`` on Redis is FLUSHDB: one test process clearing the cache (the plan's
    tests do, around each test) would empty another's cache between two requests, and the
    broker's queues with it. So each process caches in a Redis database of its own; Celery keeps
    REDIS_URL's."""
    from django.conf import settings
    from django.test import override_settings

    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("RedisCache"):
        yield
        return
    location = _own_redis_database(settings.REDIS_URL, os.environ.get("PYTEST_XDIST_WORKER", ""))
    with override_settings(CACHES={"default": {**settings.CACHES["default"], "LOCATION": location}}):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.test import override_settings

    # Demo documents (and every test's uploads) go to a scratch directory, not var/documents.
    documents_dir = tmp_path_factory.mktemp("documents")
    override_settings(STORAGES={**settings.STORAGES, "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(documents_dir)}}}).enable()
    with django_db_blocker.unblock():
        call_command("seed_demo", "--password", DEMO_PASSWORD, "--scale", "0.35", stdout=open(os.devnull, "w"))


@pytest.fixture
def personas(db):
    """The demo accounts by username: worker.scapi, lead.scav, auditor, coordinator, admin, …"""
    return {user.username: user for user in get_user_model().objects.all()}


@pytest.fixture
def login(client, personas):
    """``login("worker.scapi")`` signs the test client in as that persona and returns it."""

    def _login(username):
        client.force_login(personas[username])
        return client

    return _login


@pytest.fixture(autouse=True)
def _tasks_run_in_process_unless_marked_redis(request):
    """Celery tasks run in the test's process, as on the embedded default, even when REDIS_URL
    is set (CI): there no worker listens during ordinary tests, and a task sent to the broker
    would wait forever. Tests marked ``redis`` talk to the real broker and start their own
    worker (tests/ops)."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    from casework.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def pytest_runtest_logreport(report):
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped, but CASEWORK_REQUIRE_SERVICES=1 forbids skipping: {reason}"


def require_postgres():
    """Skip (or, in CI, fail) a test that needs PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


def require_redis():
    """Return REDIS_URL after checking Redis answers; skip (or fail in CI) otherwise."""
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip("needs Redis (set REDIS_URL=redis://…)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at REDIS_URL does not answer: {exc.__class__.__name__}")
    return settings.REDIS_URL
