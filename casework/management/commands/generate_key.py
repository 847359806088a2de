from django.core.management.base import BaseCommand

from casework.crypto.keyring import new_key_b64


class Command(BaseCommand):
    help = "Print a new random 256-bit key (base64), for CASEWORK_ENCRYPTION_KEYS or CASEWORK_BLIND_INDEX_KEY."

    def add_arguments(self, parser):
        parser.add_argument("--id", help="key id to prefix, e.g. k2 (for CASEWORK_ENCRYPTION_KEYS)")

    def handle(self, *args, id=None, **options):
        key = new_key_b64()
        self.stdout.write(f"{id}:{key}" if id else key)
