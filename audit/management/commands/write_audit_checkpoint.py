"""``python manage.py write_audit_checkpoint``: sign the lanes' heads now (the task does it
every ten minutes)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audit.services import checkpoint_write


class Command(BaseCommand):
    help = "Write a signed checkpoint of the audit lanes' heads to AUDIT_CHECKPOINT_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint-dir", default=None, help="checkpoint directory (default: settings.AUDIT_CHECKPOINT_DIR)")

    def handle(self, *args, checkpoint_dir, **options):
        checkpoint = checkpoint_write(where=checkpoint_dir)
        if checkpoint is None:
            self.stdout.write(_("The audit chain is empty: nothing to sign."))
        else:
            self.stdout.write(_("Checkpoint: %(events)s events in %(lanes)s lanes (%(at)s)") % {
                "events": checkpoint.seq, "lanes": len(checkpoint.heads), "at": checkpoint.at.isoformat()})
