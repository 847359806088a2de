from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit.actions import Action
from audit.services import SYSTEM, audit_record
from casework.crypto.cipher import keyring
from casework.crypto.rotation import RotationReport, count_by_key, encrypted_models, rotate_model


class Command(BaseCommand):
    help = "Re-encrypt every stored value (history included) under the newest key. Resumable; safe while the app serves."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--check", action="store_true", help="only report how many values each key protects")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch_size, check, no_progress, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        ring = keyring()
        if check:
            counts = count_by_key().by_key
            for key_id, count in sorted(counts.items()):
                marker = "(newest)" if key_id == ring.active_key_id else "(old: rotate before removing it)"
                self.stdout.write(f"{key_id}: {count} values {marker}")
            old = sum(count for key_id, count in counts.items() if key_id != ring.active_key_id)
            self.stdout.write(f"{old} values on old keys")
            return
        report = RotationReport()
        for model in encrypted_models():
            total = model._base_manager.count()
            with tqdm(total=total, desc=model._meta.label, unit="rows", disable=no_progress, file=self.stderr) as bar:
                rotate_model(model, batch_size=batch_size, progress=bar.update, report=report)
        audit_record(actor=None, actor_username="rotate_keys", action=Action.KEY_ROTATION, origin=SYSTEM,
                     target_type="keyring", target_id=ring.active_key_id,
                     detail={"rows_seen": report.rows_seen, "rows_rewritten": report.rows_rewritten,
                             "values_rewritten": report.values_rewritten})
        self.stdout.write(self.style.SUCCESS(
            f"Rotation to key {ring.active_key_id} done: {report.values_rewritten} values in "
            f"{report.rows_rewritten} of {report.rows_seen} rows re-encrypted."))
