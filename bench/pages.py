"""Where a page's time goes: each page of ``bench.http`` and its plain twin, in process through
the test client, one request at a time, split into SQL, template rendering and the rest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 .venv/bin/python -m bench.pages

Builds the same data set as ``bench.http`` (smaller by default: BENCH_CASES=10000,
BENCH_SESSIONS=100000, BENCH_EVENTS=100000, BENCH_CHECKPOINT_DAYS=30; set them for more) and
prints, per page, the median time of BENCH_PAGE_REQUESTS requests (40), the queries of one
request, and the mean milliseconds spent in SQL and in rendering templates. A companion to
``bench.http``, not a target of its own: it says what to work on when a ratio there is high.
"""

import collections
import functools
import os
import statistics
import sys
import tempfile
import time

for _name, _value in (("BENCH_CASES", "10000"), ("BENCH_SESSIONS", "100000"), ("BENCH_EVENTS", "100000"),
                      ("BENCH_CHECKPOINT_DAYS", "30")):
    os.environ.setdefault(_name, _value)

from bench import http as bench_http  # noqa: E402  (reads the sizes above when imported)
from bench.common import scratch_database  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", 40))


def main():
    # The production settings gunicorn runs with in bench.http, in this process.
    os.environ.update({"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "bench.http_site", "ALLOWED_HOSTS": "testserver",
                       "SECURE_COOKIES": "0", "SECURE_SSL_REDIRECT": "0", "CASEWORK_REQUIRE_2FA": "0",
                       "LOG_LEVEL": "WARNING"})
    os.environ.pop("REDIS_URL", None)
    keys = {**bench_http.fresh_keys("pages"), "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-pages-static-")}
    with scratch_database("pages", **keys):
        sys.exit(run())


class _Timers:
    """Time spent in a few functions, outermost calls only (a template including another one
    counts once)."""

    def __init__(self):
        self.seconds = collections.Counter()
        self._depth = collections.Counter()

    def wrap(self, owner, attribute, name):
        original = getattr(owner, attribute)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            self._depth[name] += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._depth[name] -= 1
                if not self._depth[name]:
                    self.seconds[name] += time.perf_counter() - started

        setattr(owner, attribute, timed)
        return original, timed

    def wrap_everywhere(self, module, attribute, name):
        """Wrap a function and every name it was imported under (``from casework.access import
        roles_of`` binds the original in the importing module, which ``wrap`` alone misses)."""
        original, timed = self.wrap(module, attribute, name)
        for loaded in list(sys.modules.values()):
            if getattr(loaded, "__dict__", None) is not None and loaded.__dict__.get(attribute) is original:
                setattr(loaded, attribute, timed)


def run():
    import django.db.backends.utils as db_utils
    import django.template.backends.django as template_backend
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    targets = bench_http.build()
    call_command("collectstatic", "--noinput", verbosity=0)
    timers = _Timers()
    timers.wrap(template_backend.Template, "render", "render")
    timers.wrap(db_utils.CursorWrapper, "execute", "sql")
    timers.wrap(db_utils.CursorWrapper, "executemany", "sql")
    # What the plain twin leaves out (issue 14): the access path, the audit append, decryption.
    # One name, outermost calls only, so a refusal's audit inside the access check counts once.
    import audit.services
    import casework.access
    from casework.crypto.cipher import KeyRing

    for module, attribute in ((casework.access, "roles_of"), (casework.access, "_case_access"),
                              (audit.services, "audit_record")):
        timers.wrap_everywhere(module, attribute, "security")
    timers.wrap(KeyRing, "decrypt", "security")

    print(f"\n{'page':<36} {'':<6} {'median':>7} {'queries':>7} {'SQL':>6} {'render':>6} {'rest':>6} "
          f"{'security':>8} {'× without':>9}")
    for label, cookie, path, plain_path in targets:
        client = Client()
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
        for kind, url in (("page", path), ("plain", plain_path)):
            for _ in range(3):  # warm the caches
                assert client.get(url, HTTP_ACCEPT_LANGUAGE="fr").status_code == 200, url
            timers.seconds.clear()
            times = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
            median = statistics.median(times)
            sql, render, security = (timers.seconds[key] / REQUESTS * 1000 for key in ("sql", "render", "security"))
            print(f"{label:<36} {kind:<6} {median:>7.1f} {len(queries):>7} {sql:>6.1f} {render:>6.1f} "
                  f"{median - sql - render:>6.1f} {security:>8.1f} {median / (median - security):>9.2f}", flush=True)
    print("(milliseconds per request; the median includes the test client's own work. 'security' is the\n"
          " time inside the access path, the audit append and decryption, and overlaps SQL and render;\n"
          " '× without' is the page against the same page less that time)")
    return 0


if __name__ == "__main__":
    main()
