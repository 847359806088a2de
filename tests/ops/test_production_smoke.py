"""The production way, end to end: a scratch PostgreSQL database migrated and seeded with
production settings (DEBUG=0, real keys), gunicorn serving the app with whitenoise serving the
collected static files, a Celery worker and Celery beat on Redis. One request path through
every layer (health, login page and its CSS, a real login to a worker's case list that decrypts
with the production keys, the friendly 404) and one task through the broker.

Needs PostgreSQL and Redis (skipped locally without them; a failure in CI).
"""

import base64
import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django_otp.oath import totp

from tests.conftest import require_postgres, require_redis
from tests.ops.processes import BIN, ROOT, celery_worker, running, unique_queue, wait_for_result

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "smoke-Password-4-production"


@pytest.fixture
def scratch_database():
    """A fresh, empty PostgreSQL database on the test server; dropped afterwards."""
    require_postgres()
    import psycopg
    from django.db import connection

    server = connection.settings_dict
    name = f"casework_smoke_{secrets.token_hex(4)}"
    params = {"host": server["HOST"] or "127.0.0.1", "port": server["PORT"] or 5432, "user": server["USER"],
              "password": server["PASSWORD"] or None, "dbname": "postgres", "connect_timeout": 5, "autocommit": True}
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = urllib.parse.quote(server["USER"]) + (":" + urllib.parse.quote(server["PASSWORD"]) if server["PASSWORD"] else "")
    try:
        yield f"postgres://{credentials}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def b64key():
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def production_env(scratch_database, tmp_path):
    redis_url = require_redis()
    (tmp_path / "checkpoints").mkdir()
    env = {name: os.environ[name] for name in ("PATH", "HOME", "TMPDIR") if name in os.environ}
    env.update({
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "casework.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "127.0.0.1",
        "CASEWORK_ENCRYPTION_KEYS": f"k1:{b64key()}",
        "CASEWORK_BLIND_INDEX_KEY": b64key(),
        "AUDIT_SIGNING_KEY": b64key(),
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
        "STATIC_ROOT": str(tmp_path / "static"),  # collectstatic writes here, not into the checkout
        "DATABASE_URL": scratch_database,
        "REDIS_URL": redis_url,
        "SECURE_COOKIES": "0",  # plain http on the loopback; production sits behind TLS
        "SECURE_SSL_REDIRECT": "0",  # likewise: no proxy here to speak HTTPS
    })
    return env


def manage(env, *args, timeout=180):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


class Client:
    """A small HTTP client with cookies, for loopback only (no proxy), every call bounded."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, response.headers, response.read().decode("utf-8", "replace"), response.url


def wait_until_serving(client, gunicorn, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return client.request("/healthz")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if not gunicorn.alive() or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz: {gunicorn.describe()}")
            time.sleep(0.2)


def test_gunicorn_and_celery_serve_a_request_and_a_task_in_production_mode(production_env, tmp_path):
    env = production_env
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    # seed_demo refuses production mode (it would reset real accounts to a published password):
    # the rig fills its scratch database in development mode, with the same keys and database.
    manage({**env, "DEBUG": "1"}, "seed_demo", "--password", PASSWORD, "--scale", "0.05")
    queue = unique_queue()

    gunicorn_argv = [BIN / "gunicorn", "casework.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "2",
                     "--timeout", "30", "--graceful-timeout", "5", "--no-control-socket", "--log-level", "info"]
    beat_argv = [BIN / "celery", "-A", "casework", "beat", "-l", "info",
                 "--schedule", tmp_path / "beat-schedule", "--pidfile", tmp_path / "beat.pid"]
    with contextlib.ExitStack() as stack:
        gunicorn = stack.enter_context(running("gunicorn", gunicorn_argv, env=env, log_dir=tmp_path))
        worker = stack.enter_context(celery_worker(env=env, queue=queue, log_dir=tmp_path))
        beat = stack.enter_context(running("beat", beat_argv, env=env, log_dir=tmp_path))

        # Port 0: the kernel picks a free port, gunicorn says which.
        port = gunicorn.wait_for_log(r"Listening at: http://127\.0\.0\.1:(\d+)", timeout=30).group(1)
        client = Client(f"http://127.0.0.1:{port}")

        status, headers, body, _ = wait_until_serving(client, gunicorn)
        assert status == 200, body
        assert headers.get_content_type() == "application/json"
        assert json.loads(body) == {"status": "ok", "database": "ok", "broker": "ok"}

        # The login page, with production security headers, and its CSS from whitenoise.
        status, headers, body, _ = client.request("/accounts/login/")
        assert status == 200, body
        assert re.search(r'<html lang="fr"', body)
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        css = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', body).group(1)
        assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", css), f"{css} is not a hashed (manifest) name"
        status, headers, stylesheet, _ = client.request(css)
        assert status == 200
        assert headers.get_content_type() == "text/css"
        assert "immutable" in headers["Cache-Control"], "whitenoise serves hashed files as immutable"
        assert stylesheet == (ROOT / "static" / "css" / "app.css").read_text()
        assert list((tmp_path / "static").glob("css/app.*.css")), "collected into STATIC_ROOT"

        # A real login (CSRF, Argon2, session in PostgreSQL), then the second factor that
        # production requires: enrolment with the key shown on the page, and a code computed
        # from it as an authenticator app does. The user lands on a case list decrypted with
        # the production keys that encrypted it.
        status, _, body, url = client.request("/accounts/login/", {
            "csrfmiddlewaretoken": csrf_token(body), "username": "worker.scapi", "password": PASSWORD, "next": ""})
        assert status == 200, body[:2000]
        setup = urllib.parse.urlsplit(url)
        assert setup.path == "/accounts/2fa/setup/", "production requires a second factor"
        secret = re.search(r"<code>([A-Z2-7 ]+)</code>", body).group(1).replace(" ", "")
        code = totp(base64.b32decode(secret + "=" * (-len(secret) % 8)))
        next_url = re.search(r'name="next" value="([^"]*)"', body).group(1)
        status, _, body, url = client.request(f"{setup.path}?{setup.query}", {
            "csrfmiddlewaretoken": csrf_token(body), "token": f"{code:06d}", "next": next_url})
        assert status == 200, body[:2000]
        # The ten recovery codes are shown once, then the user continues where they were going.
        assert len(re.findall(r"<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>", body)) == 10, body[:2000]
        continue_to = re.search(r'<a class="button primary" href="([^"]+)"', body).group(1)
        status, _, body, url = client.request(continue_to)
        assert status == 200, body[:2000]
        assert urllib.parse.urlsplit(url).path == "/agenda/", "workers land on their day"
        assert "worker.scapi" in body
        status, _, body, _ = client.request("/cases/")
        assert re.search(r'<a href="/cases/[0-9a-f-]{36}/">', body), "the worker's cases are listed"

        # No debug page in production: the friendly 404, in the user's language.
        status, _, body, _ = client.request("/no-such-page/")
        assert status == 404
        assert '<html lang="fr"' in body and "Traceback" not in body and "urlpatterns" not in body

        # A task through the broker to the worker.
        from casework.tasks import ping

        assert wait_for_result(ping.apply_async(queue=queue), worker, timeout=30) == "pong"

        beat.wait_for_log(r"beat: Starting", timeout=30)
        assert beat.alive(), beat.describe()

    for process in (gunicorn, worker, beat):
        assert "Traceback" not in process.log(), process.describe()
