"""The audit log gets lanes (docs/decisions/0014): several hash chains that writers append to
in parallel, instead of one chain every audited request queued for.

The events written so far become lane 1, each at the position equal to its ``seq`` and marked
as hashed in the former encoding (format 1), so every existing hash still verifies. Lanes 2 to
16 start empty. On PostgreSQL, giving the existing events their position is the one UPDATE the
audit table ever sees: the append-only trigger is set aside for this statement only, inside
this migration's transaction, by the owner role that migrations run as.
"""

from django.db import migrations, models

GENESIS_HASH = "0" * 64
LANES = 16


def place_existing_events_in_lane_one(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        cursor.execute("UPDATE audit_auditevent SET position = seq, lane = 1, format = 1")
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")


def create_lane_heads(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    for lane in range(2, LANES + 1):
        ChainHead.objects.get_or_create(pk=lane, defaults={"position": 0, "hash": GENESIS_HASH})


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_lists_review_outcome")]

    operations = [
        migrations.RenameField("chainhead", "seq", "position"),
        migrations.AddField("auditevent", "lane", models.PositiveSmallIntegerField(default=1)),
        migrations.AddField("auditevent", "position", models.PositiveBigIntegerField(null=True)),
        migrations.AddField("auditevent", "format", models.PositiveSmallIntegerField(default=1)),
        migrations.RunPython(place_existing_events_in_lane_one, migrations.RunPython.noop),
        migrations.RunPython(create_lane_heads, migrations.RunPython.noop),
    ]
