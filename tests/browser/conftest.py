"""The browser harness: a real headless Chromium, driven through chromedriver, against
pytest-django's live server.

Fixtures
- ``browser``: a fresh Chromium WebDriver for this test, French as the browser's language
  (as for most users here). Skipped when Chromium or chromedriver is missing (a failure
  in CI, where CASEWORK_REQUIRE_SERVICES=1). On failure, a screenshot and the page source go
  to /tmp/casework-browser/failures/.
- ``demo_world``: the demo data, committed, so that the live server's thread sees it.

Why ``demo_world`` is needed: a live-server test is transactional. The demo data the session
seeded is committed once for the whole suite, and every transactional test ends with a flush
of all tables, which also removes what the migrations created (teams, session kinds, the audit
chain's head). So each browser test starts from the post-migration state (Django's serialized
copy, restored) plus a small seed of its own. On PostgreSQL the audit table refuses TRUNCATE
(append-only trigger); the flushes of the test database run with triggers suspended for that
connection only (``session_replication_role = replica``, which needs a superuser, as the CI's
``postgres`` is).

Steps for journeys (log in, change language, log out, ...) are in tests/browser/helpers.py.
"""

import os
import shutil
import tempfile

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections

from tests.conftest import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FAILURES = "/tmp/casework-browser/failures"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.call_failed = report.failed


def _start_chromium():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.skip(f"browser tests need {path} (apt-get install chromium chromium-driver)")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never try to download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="casework-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1280,900", "--lang=fr", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER, log_output=os.devnull), options=options)
    except Exception:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(10)
    return driver, profile


@pytest.fixture
def browser(live_server, request):
    """A fresh Chromium for each test: no cookie, cache or open connection survives a test
    (an idle keep-alive connection would outlive the test in one of the live server's threads)."""
    # The live server answers each browser connection in a thread of its own; with persistent
    # database connections (CONN_MAX_AGE, set for PostgreSQL) such a thread would still hold its
    # database session when the test database is dropped.
    database = connections.settings[DEFAULT_DB_ALIAS]
    conn_max_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0
    driver, profile = _start_chromium()
    try:
        yield driver
        if getattr(request.node, "call_failed", False):
            os.makedirs(FAILURES, exist_ok=True)
            name = request.node.name.replace("/", "_")
            driver.save_screenshot(f"{FAILURES}/{name}.png")
            with open(f"{FAILURES}/{name}.html", "w") as page:
                page.write(driver.page_source)
    finally:
        # Quit before the test's database flush: nothing may still be talking to the live server.
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        database["CONN_MAX_AGE"] = conn_max_age


def _flush_test_database():
    with _triggers_suspended():
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)


class _triggers_suspended:
    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")

    def __exit__(self, *exc):
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")


@pytest.fixture
def demo_world(live_server, django_db_serialized_rollback, settings):
    """Demo accounts, cases and sessions (scale 0.1), committed for the live server.

    Seeding hashes eleven passwords: with Argon2 (about 0.5 s each here) that would be most of
    every browser test's set-up, so these tests store MD5 hashes. Logging in with Argon2 is
    covered by tests/test_foundation.py and the production smoke test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    _flush_test_database()
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--password", DEMO_PASSWORD, "--scale", "0.1", stdout=devnull)
    yield
    # The transactional test's own teardown flushes next, on this connection, then closes it
    # (so the setting ends with it).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
