from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import Action
from audit.services import SYSTEM, audit_record
from casework.models import RecoveryCode


class Command(BaseCommand):
    help = "Remove a user's authenticator devices (lost phone); they enrol again at their next login."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        with transaction.atomic():
            deleted, _ = TOTPDevice.objects.filter(user=user).delete()
            RecoveryCode.objects.filter(user=user).delete()
            audit_record(actor=None, actor_username="reset_2fa", action=Action.TWO_FACTOR_RESET, origin=SYSTEM,
                         target_type="user", target_id=user.pk, detail={"devices": deleted})
        self.stdout.write(f"{deleted} device(s) removed for {username}.")
