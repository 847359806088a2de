"""``manage.py role_grant <username> <role> [--team CODE]``: the operator's way to give the
first roles (the first administrator, the auditor, the coordinator) before anyone can use the
admin. It runs as the operator (no account, origin SYSTEM, audited as ``role_grant``) and gives
no way around the four-eyes rule: a worker or lead role asked for here is a pending request
that a second person approves on /role-requests/ like any other. The web never reaches this
path: casework.services.roles refuses a request without an actor from any other origin."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.services import SYSTEM
from casework.models import Role, Team
from casework.services.roles import role_request


class Command(BaseCommand):
    help = "Grant an organisation-wide role, or request a team role (approved by a second person)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.Kind.values)
        parser.add_argument("--team", help="team code, for the social worker and team lead roles")

    def handle(self, *args, username, role, team=None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        team_obj = None
        if team:
            team_obj = Team.objects.filter(code=team).first()
            if team_obj is None:
                raise CommandError(f"no team with code {team!r}")
        try:
            granted = role_request(actor=None, origin=SYSTEM, user=user, kind=role, team=team_obj)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if granted.is_pending:
            self.stdout.write(f"{username}: {role} requested; it takes effect once approved on /role-requests/.")
        else:
            self.stdout.write(f"{username}: {role} is active.")
