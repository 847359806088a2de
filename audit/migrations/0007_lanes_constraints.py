"""Second half of the lanes (0006, in its own transaction so that no ALTER TABLE follows the
UPDATE there): every event has a position now; ``seq`` is numbered by the database from here
on, continuing after the last existing event."""

from django.db import migrations, models


def continue_numbering_after_the_last_event(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), "
                           "COALESCE((SELECT MAX(seq) FROM audit_auditevent), 0) + 1, false)")


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_lanes")]

    operations = [
        migrations.AlterField("auditevent", "position", models.PositiveBigIntegerField()),
        migrations.AlterField("auditevent", "format", models.PositiveSmallIntegerField(default=2)),
        migrations.AlterField("auditevent", "seq", models.BigAutoField(primary_key=True, serialize=False)),
        migrations.RunPython(continue_numbering_after_the_last_event, migrations.RunPython.noop),
        migrations.AddConstraint("auditevent", models.UniqueConstraint(fields=["lane", "position"], name="audit_lane_position")),
    ]
