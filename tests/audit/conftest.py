"""Fixtures of the audit tests: an empty checkpoint directory per test, and an "attacker" who
edits the audit table by raw SQL with database-owner rights."""

import json

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
    the test's transaction is rolled back afterwards, trigger included.

    The attacker works on one lane: the lane of the newest event, which is where the test's
    own events are (one connection keeps its lane). Positions are positions in that lane."""

    def __init__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        self._lane = None

    @property
    def lane(self):
        if self._lane is None:
            self._lane = AuditEvent.objects.order_by("-seq").values_list("lane", flat=True).first()
        return self._lane

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def set(self, position, column, value):
        """UPDATE one column of the event at ``position``."""
        self.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE lane = %s AND position = %s",
                     [value, self.lane, position])

    def delete(self, position, *, and_later=False):
        self.execute(f"DELETE FROM audit_auditevent WHERE lane = %s AND position {'>=' if and_later else '='} %s",
                     [self.lane, position])

    def row(self, position):
        return AuditEvent.objects.filter(lane=self.lane, position=position).values(*EVENT_COLUMNS).get()

    def rehash(self, position):
        """Recompute an event's stored hash from its current content (a careful forger)."""
        self.set(position, "hash", event_hash(self.row(position)))

    def move(self, position, to):
        self.set(position, "position", to)

    def insert(self, row):
        """INSERT an event as given (every column)."""
        self.execute(
            f"INSERT INTO audit_auditevent ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})",
            [json.dumps(row[column]) if column == "detail" else row[column] for column in EVENT_COLUMNS])

    def rewind_head(self, position):
        self.execute("UPDATE audit_chainhead SET position = %s, hash = %s WHERE id = %s",
                     [position, self.row(position)["hash"], self.lane])


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
