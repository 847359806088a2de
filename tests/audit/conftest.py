"""Fixtures of the audit tests: an empty checkpoint directory per test, and an "attacker" who
edits the audit table by raw SQL with database-owner rights."""

import pytest
from django.db import connection

from audit.hashing import HASHED_FIELDS, event_hash
from audit.models import AuditEvent

EVENT_COLUMNS = tuple(HASHED_FIELDS) + ("hash",)


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    """Every audit test writes its checkpoints to its own empty directory."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    # The seeded chain has no checkpoint in this empty directory; in a long test run its
    # events grow older than the overdue limit, so tests that are not about it give a day.
    settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES = 24 * 60
    return settings.AUDIT_CHECKPOINT_DIR


class Attacker:
    """Someone with the database owner's rights who bypasses the application.

    On PostgreSQL they first switch off the append-only trigger (as the table's owner may);
    the test's transaction is rolled back afterwards, trigger included."""

    def __init__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def row(self, seq):
        return AuditEvent.objects.filter(seq=seq).values(*EVENT_COLUMNS).get()

    def rehash(self, seq):
        """Recompute an event's stored hash from its current content (a careful forger)."""
        self.execute("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", [event_hash(self.row(seq)), seq])

    def move(self, seq, to):
        self.execute("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [to, seq])

    def rewind_head(self, seq):
        self.execute("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", [seq, self.row(seq)["hash"]])


@pytest.fixture
def attacker(db):
    return Attacker()


@pytest.fixture
def celery_tasks():
    """The Celery app's task registry as a worker sees it: importing the default modules runs
    the autodiscovery of every app's tasks.py, as the worker does when it starts."""
    from casework.celery import app

    app.loader.import_default_modules()
    return app.tasks
