from django.core.management.base import BaseCommand

from casework.services.retention import expired_cases, purge_expired_cases


class Command(BaseCommand):
    help = "Purge closed cases past CASEWORK_RETENTION_DAYS, history included (also run nightly by Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count the cases that would be purged")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            self.stdout.write(f"{expired_cases().count()} closed cases are past the retention period.")
            return
        self.stdout.write(f"{purge_expired_cases()} cases purged.")
