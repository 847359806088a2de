from django.core.management.base import BaseCommand

from casework.documents.services import document_blobs_sweep


class Command(BaseCommand):
    help = "Delete encrypted document files that no document points to (older than one hour); audited."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count them")

    def handle(self, *args, dry_run=False, **options):
        orphans = document_blobs_sweep(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {len(orphans)} orphan document file(s)")
