"""``python manage.py migrate``, run as the database's owner role when DATABASE_MIGRATION_URL
is set (docs/database-roles.sql): the running app's role (DATABASE_URL) owns nothing.

After migrating, the app role is granted row rights on every table (including those just
created) and UPDATE, DELETE and TRUNCATE on the audit table are revoked from it again.
Without DATABASE_MIGRATION_URL (development, SQLite, tests) it is Django's migrate unchanged."""

from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

CONNECTION_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


def grant_app_role(connection, app_role):
    """Row rights for the app role, and the audit table append-only for it."""
    role = connection.ops.quote_name(app_role)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM {role}")


class Command(migrate.Command):
    help = migrate.Command.help + " Runs as DATABASE_MIGRATION_URL's owner role when set."

    def handle(self, *args, **options):
        owner = getattr(settings, "DATABASE_MIGRATION", None)
        if not owner or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        connection = connections[DEFAULT_DB_ALIAS]
        app_role = connection.settings_dict["USER"]
        saved = {key: connection.settings_dict.get(key) for key in CONNECTION_KEYS}
        connection.close()
        connection.settings_dict.update({key: owner.get(key) for key in CONNECTION_KEYS})
        try:
            super().handle(*args, **options)
            if app_role and app_role != owner.get("USER"):
                grant_app_role(connection, app_role)
                if options["verbosity"]:
                    self.stdout.write(f"Granted row rights to {app_role}; the audit table stays append-only for it.")
        finally:
            connection.close()
            connection.settings_dict.update(saved)
