"""What every benchmark shares: a scratch PostgreSQL database, created next to the one named by
DATABASE_URL, with Django set up against it, and dropped afterwards whatever happens."""

import contextlib
import os
import sys
from urllib.parse import urlparse, urlunparse


def _admin_connection(base_url):
    import psycopg

    parts = urlparse(base_url)
    return psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
                           password=parts.password, dbname="postgres", autocommit=True)


@contextlib.contextmanager
def scratch_database(bench_name, **environ):
    """Create ``bench_<name>_<pid>``, point Django at it (plus ``environ``), set Django up, and
    drop the database on the way out. Exits with a message unless DATABASE_URL is PostgreSQL:
    the figures are about PostgreSQL."""
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit(f"bench.{bench_name} needs DATABASE_URL=postgres://… (the figures are about PostgreSQL)")
    name = f"bench_{bench_name}_{os.getpid()}"
    with _admin_connection(base_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ.update(environ)
        os.environ["DATABASE_URL"] = urlunparse(urlparse(base_url)._replace(path=f"/{name}"))
        os.environ.setdefault("DEBUG", "1")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
        import django

        django.setup()
        yield name
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with _admin_connection(base_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
