"""The app's database role owns nothing (issue 8, section 5): docs/database-roles.sql creates
the owner and app roles on a scratch database, `migrate` runs as the owner
(DATABASE_MIGRATION_URL), and then the app role, what gunicorn and Celery connect as, tries
to get rid of the audit trail the ways a table owner could. Every attempt is refused; the
ordinary work (reading and writing rows, appending events) still goes through.

Needs PostgreSQL (skipped on SQLite only when DATABASE_URL is not PostgreSQL; CI runs it)."""

import secrets
import subprocess
import sys
import urllib.parse

import pytest

from tests.conftest import require_postgres
from tests.ops.processes import ROOT

pytestmark = [pytest.mark.postgres]

SCRIPT = ROOT / "docs" / "database-roles.sql"


@pytest.fixture
def roles_database():
    """A fresh database, the roles of docs/database-roles.sql (under unique names), migrated
    as the owner role. Yields (connect(role) -> psycopg connection, owner, app)."""
    require_postgres()
    import psycopg
    from django.db import connection

    server = connection.settings_dict
    suffix = secrets.token_hex(4)
    name, owner, app = f"casework_roles_{suffix}", f"casework_owner_{suffix}", f"casework_app_{suffix}"
    host, port = server["HOST"] or "127.0.0.1", server["PORT"] or 5432
    admin_params = {"host": host, "port": port, "user": server["USER"], "password": server["PASSWORD"] or None,
                    "connect_timeout": 5, "autocommit": True}

    def connect(user, dbname=name):
        return psycopg.connect(**{**admin_params, "user": user, "password": None, "dbname": dbname})

    with psycopg.connect(**admin_params, dbname="postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        sql = SCRIPT.read_text().replace("casework_owner", owner).replace("casework_app", app)
        with psycopg.connect(**admin_params, dbname=name) as admin:
            admin.execute(sql)

        def url(user):
            return f"postgres://{urllib.parse.quote(user)}@{host}:{port}/{name}"

        env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "DEBUG": "1",
               "DJANGO_SETTINGS_MODULE": "casework.settings",
               "DATABASE_URL": url(app), "DATABASE_MIGRATION_URL": url(owner)}
        result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        yield connect, owner, app
    finally:
        with psycopg.connect(**admin_params, dbname="postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in (app, owner):
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


ATTACKS = [
    "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update",
    "DROP TRIGGER audit_event_no_update ON audit_auditevent",
    "ALTER TABLE audit_auditevent ADD COLUMN note text",
    "TRUNCATE audit_auditevent",
    "UPDATE audit_auditevent SET team = 'X'",
    "DELETE FROM audit_auditevent",
    "DROP TABLE audit_auditevent",
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TABLE audit_shadow (seq bigint)",
    "ALTER TABLE casework_case DISABLE TRIGGER ALL",
]


def test_the_app_role_cannot_disable_the_audit_trigger_alter_or_truncate_the_audit_table(roles_database):
    import psycopg

    connect, owner, app = roles_database
    with connect(app) as db:
        for statement in ATTACKS:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                db.execute(statement)


def test_the_app_role_owns_nothing_and_migrate_made_the_owner_role_own_every_table(roles_database):
    connect, owner, app = roles_database
    with connect(owner) as db:
        owners = dict(db.execute(
            "SELECT r.rolname, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_roles r ON r.oid = c.relowner WHERE n.nspname = 'public' GROUP BY r.rolname").fetchall())
    assert app not in owners
    assert set(owners) == {owner}


def test_the_app_role_still_does_its_work_reading_and_writing_rows_and_appending_events(roles_database):
    connect, owner, app = roles_database
    with connect(app) as db:
        db.execute("SELECT count(*) FROM casework_case").fetchone()
        with db.transaction():
            # What audit_record does: lock a free lane's head, number the event from the
            # table's sequence, append at the next position, move the head.
            lane, position, previous = db.execute(
                "SELECT id, position, hash FROM audit_chainhead ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED").fetchone()
            (seq,) = db.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'seq'))").fetchone()
            db.execute(
                "INSERT INTO audit_auditevent (seq, lane, position, format, at, actor_username, action, target_type,"
                " target_id, target_ref, team, user_agent, justification, detail, prev_hash, hash)"
                " VALUES (%s, %s, %s, 2, now(), '', 'login', '', '', '', '', '', '', '{}', %s, %s)",
                [seq, lane, position + 1, previous, secrets.token_hex(32)])
            db.execute("UPDATE audit_chainhead SET position = position + 1 WHERE id = %s", [lane])
        db.execute("INSERT INTO casework_submission (token, user_id, result_url, created_at) "
                   "SELECT gen_random_uuid(), id, '', now() FROM auth_user LIMIT 1")
