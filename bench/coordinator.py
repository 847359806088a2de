"""The coordinator's year page, in process, on the demo plan (31 indicators, every chart).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 .venv/bin/python -m bench.coordinator

Creates a scratch database, migrates it, runs seed_demo (the plan of every year with its
sessions, activity records and attestations), computes the indicators of BENCH_YEAR, then
times REPEAT GET requests of /indicators/BENCH_YEAR/ by the demo coordinator through Django's
test client (middleware, access check, audit write and rendering included). Prints p50/p95.
BENCH_COLD=1 empties the cache before each request: the first view after a computation.
Target (issue 14): p50 ≤ 100 ms.
"""

import io
import os
import statistics
import time

from bench.common import scratch_database

REPEAT = int(os.environ.get("BENCH_REPEAT", 40))
TARGET_MS = 100


def main():
    with scratch_database("coordinator"):
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client
        from django.utils import timezone

        from casework.plan.services import indicators_compute

        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        year = int(os.environ.get("BENCH_YEAR", timezone.localdate().year - 1))
        indicators_compute(year=year)
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        client.force_login(get_user_model().objects.get(username="coordinator"))
        url = f"/indicators/{year}/"
        for _ in range(3):
            assert client.get(url).status_code == 200
        times = []
        cold = bool(os.environ.get("BENCH_COLD"))
        for _ in range(REPEAT):
            if cold:  # the first view after a computation: the figures are rebuilt and rendered
                from django.core.cache import cache

                cache.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)
        times.sort()
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        print(f"coordinator year page {url}{' (cold cache)' if cold else ''}: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {REPEAT} requests "
              f"({len(response.content) // 1024} KiB); target p50 ≤ {TARGET_MS} ms")


if __name__ == "__main__":
    main()
