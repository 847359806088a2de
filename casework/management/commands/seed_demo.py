"""Deterministic, idempotent demo data: the single source of demo accounts, cases and sessions.

Running it twice changes nothing: accounts and roles are created only if missing, and a team's
cases only if the team has none yet. Each app adds its own demo rows through its
``seed_demo`` hook (``casework/extensions.py``).
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from audit.demo import seed_audit_demo
from audit.services import SYSTEM
from casework import demo_people
from casework.models import Case, ClosureReason, Role, SessionKind, Team
from casework.national_number import make_national_number
from casework.services.cases import case_close, case_open, session_record
from casework.services.roles import role_approve, role_request
from casework.extensions import app_hooks, team_app

DEFAULT_PASSWORD = "demo-Molenbeek-2026"
FIRST_YEAR = 2023

# username, full name, [(role, team code or None)]
ACCOUNTS = [
    ("worker.scapi", "Sara Vermeulen", [(Role.Kind.WORKER, "SCAPI")]),
    ("worker2.scapi", "Hicham Amrani", [(Role.Kind.WORKER, "SCAPI")]),
    ("lead.scapi", "Catherine Dumont", [(Role.Kind.LEAD, "SCAPI")]),
    ("worker.scav", "Leila Bennani", [(Role.Kind.WORKER, "MEDLOC-SCAV")]),
    ("worker2.scav", "Bart De Wolf", [(Role.Kind.WORKER, "MEDLOC-SCAV"), (Role.Kind.WORKER, "RAD")]),
    ("lead.scav", "Isabelle Renard", [(Role.Kind.LEAD, "MEDLOC-SCAV")]),
    ("worker.rad", "Samir Aouad", [(Role.Kind.WORKER, "RAD")]),
    ("lead.rad", "Koen Verstraete", [(Role.Kind.LEAD, "RAD")]),
    ("auditor", "Anne Lejeune", [(Role.Kind.AUDITOR, None)]),
    ("coordinator", "Marc Hendrickx", [(Role.Kind.COORDINATOR, None)]),
    ("admin", "Nathalie Collard", [(Role.Kind.ADMINISTRATOR, None)]),
    # The second administrator approves the team leads' roles (four-eyes, decision 0005).
    ("admin2", "Youssef El Idrissi", [(Role.Kind.ADMINISTRATOR, None)]),
]

# A request left pending for the demo: lead.scapi finds it on /role-requests/.
PENDING_REQUESTS = [("worker.rad", Role.Kind.WORKER, "SCAPI")]

# Cases opened per team per year, and the session kinds with their relative frequency.
PROFILE = {
    "SCAPI": {"cases": 10, "kinds": {"psychosocial_support": 5, "reintegration_followup": 3, "listening_space": 2}},
    "MEDLOC-SCAV": {"cases": 18, "kinds": {"social_followup": 5, "psychological_followup": 4, "justice_accompaniment": 2, "weekly_dropin": 2}},
    "RAD": {"cases": 7, "kinds": {"individual_consultation": 5, "family_support": 3, "professional_advice": 2}},
}


class Command(BaseCommand):
    help = "Load deterministic demo accounts, cases and sessions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of every demo account")
        parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of cases (tests use less)")

    def handle(self, *args, password, scale, **options):
        if settings.CASEWORK_PRODUCTION:
            # It would reset demo accounts such as ``admin`` to the published demo password.
            raise CommandError("seed_demo refuses to run in production mode (DEBUG is not set).")
        User = get_user_model()
        teams = {team.code: team for team in Team.objects.all()}
        admin_actor = None
        with transaction.atomic():
            users = {}
            for username, full_name, roles in ACCOUNTS:
                given, family = full_name.split(" ", 1)
                user, created = User.objects.get_or_create(username=username, defaults={"first_name": given, "last_name": family})
                if created or not user.check_password(password):
                    user.set_password(password)
                    user.save(update_fields=["password"])
                users[username] = user
            admin_actor = users["admin"]
            self._seed_roles(users, teams)

        created = 0
        for code, profile in PROFILE.items():
            team = teams[code]
            if Case.objects.filter(team=team).exists():
                continue
            created += self._seed_team(team, profile, users, scale)

        # Every app's own demo rows (the plan's years and figures, agendas, referrals, …) come
        # after the cases and sessions they refer to or count; the audit demo comes last.
        for _config, seed in app_hooks("seed_demo"):
            seed(stdout=self.stdout, users=users)
        seed_audit_demo(self.stdout)

        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new cases)."))
        self.stdout.write(f"Demo accounts (password: {password}):")
        with translation.override("en"):
            for username, full_name, roles in ACCOUNTS:
                described = ", ".join(f"{kind.label}" + (f" {team}" if team else "") for kind, team in roles)
                self.stdout.write(f"  {username:<15} {described}")

    def _seed_roles(self, users, teams):
        """Roles as the product gives them: organisation-wide roles by the operator's command,
        team roles requested by ``admin`` and approved by a second person (``admin2`` for a
        lead, the team's lead for a worker); one request stays pending."""
        wanted = [(username, kind, team_code) for username, _, roles in ACCOUNTS for kind, team_code in roles]
        order = {Role.Kind.ADMINISTRATOR: 0, Role.Kind.AUDITOR: 0, Role.Kind.COORDINATOR: 0, Role.Kind.LEAD: 1, Role.Kind.WORKER: 2}
        for username, kind, team_code in sorted(wanted, key=lambda row: order[row[1]]):
            team = teams.get(team_code)
            if kind in Role.TEAM_KINDS:
                role = role_request(actor=users["admin"], origin=SYSTEM, user=users[username], kind=kind, team=team)
                if role.is_pending:
                    approver = users["admin2"] if kind == Role.Kind.LEAD else users[f"lead.{team.reference_prefix.lower()}"]
                    role_approve(actor=approver, origin=SYSTEM, role=role)
            else:
                role_request(actor=None, origin=SYSTEM, user=users[username], kind=kind)
        for username, kind, team_code in PENDING_REQUESTS:
            role_request(actor=users["admin"], origin=SYSTEM, user=users[username], kind=kind, team=teams[team_code])

    def _seed_team(self, team, profile, users, scale):
        rng = random.Random(f"casework-demo-{team.code}")
        today = timezone.localdate()
        lead = next(u for name, u in users.items() if name == f"lead.{team.reference_prefix.lower()}")
        workers = [u for u in users.values() if u.roles.filter(kind=Role.Kind.WORKER, team=team).exists()]
        kinds = {kind.code: kind for kind in SessionKind.objects.filter(team=team)}
        kind_codes = list(profile["kinds"])
        kind_weights = list(profile["kinds"].values())
        count = 0
        for year in range(FIRST_YEAR, today.year + 1):
            last_day = today if year == today.year else datetime.date(year, 12, 31)
            span = (last_day - datetime.date(year, 1, 1)).days
            for _ in range(max(1, round(profile["cases"] * scale * (last_day.timetuple().tm_yday / 365)))):
                opened_on = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, span))
                with transaction.atomic():
                    self._seed_case(rng, team, lead, workers, kinds, kind_codes, kind_weights, opened_on, today, count)
                count += 1
        if team.code == "SCAPI":
            with transaction.atomic():
                self._seed_long_follow_up(team, lead, workers, kinds, kind_codes, today, count)
            count += 1
        return count

    def _seed_long_follow_up(self, team, lead, workers, kinds, kind_codes, today, n):
        """One SCAPI file followed weekly since its opening eight months ago: more sessions
        than the case page shows, so the demo has a case whose full list is on its sessions page.
        Its own random stream: the other demo cases stay as they were."""
        rng = random.Random(f"casework-demo-long-{team.code}")
        opened_on = today - datetime.timedelta(weeks=34)
        worker = next(u for u in workers if u.username == "worker.scapi")
        identity = {
            "given_names": rng.choice(demo_people.GIVEN_NAMES), "family_name": rng.choice(demo_people.FAMILY_NAMES),
            "date_of_birth": datetime.date(1987, 3, 14), "national_number": make_national_number("870314", 121, born_2000_or_later=False),
            "phone": "+32 485 12 34 56", "address": f"{rng.choice(demo_people.STREETS)} 12, 1080 Molenbeek-Saint-Jean",
            "notes": rng.choice(demo_people.CASE_NOTES["fr"]).format(n=f"{team.reference_prefix}{n}"),
        }
        case = case_open(actor=lead, origin=SYSTEM, team=team, opened_on=opened_on, identity=identity,
                         details=team_app(team.code).team_demo_details(rng=rng, opened_on=opened_on, today=today, n=n),
                         workers=[worker])
        for week in range(34):
            session_record(
                actor=worker, origin=SYSTEM, case=case, kind=kinds[kind_codes[0]], held_on=opened_on + datetime.timedelta(weeks=week, days=1),
                duration_minutes=rng.choice([45, 60, 60]),
                notes=rng.choice(demo_people.SESSION_NOTES).format(n=f"{team.reference_prefix}{n}-{week}"),
            )

    def _seed_case(self, rng, team, lead, workers, kinds, kind_codes, kind_weights, opened_on, today, n):
        given, family = rng.choice(demo_people.GIVEN_NAMES), rng.choice(demo_people.FAMILY_NAMES)
        born = datetime.date(rng.randint(1958, 2006), rng.randint(1, 12), rng.randint(1, 28))
        nrn = make_national_number(born.strftime("%y%m%d"), rng.randint(1, 998), born_2000_or_later=born.year >= 2000)
        identity = {
            "given_names": given, "family_name": family, "date_of_birth": born, "national_number": nrn,
            "phone": f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "address": f"{rng.choice(demo_people.STREETS)} {rng.randint(1, 250)}, 1080 Molenbeek-Saint-Jean",
            "notes": rng.choice(demo_people.CASE_NOTES[rng.choice(["fr", "nl"])]).format(n=f"{team.reference_prefix}{n}"),
        }
        assigned = rng.sample(workers, k=1 if len(workers) == 1 or rng.random() < 0.8 else 2)
        case = case_open(actor=lead, origin=SYSTEM, team=team, opened_on=opened_on, identity=identity,
                         details=team_app(team.code).team_demo_details(rng=rng, opened_on=opened_on, today=today, n=n), workers=assigned)
        sessions_until = min(today, opened_on + datetime.timedelta(days=rng.randint(30, 400)))
        for index in range(rng.randint(2, 9)):
            held_on = opened_on + datetime.timedelta(days=rng.randint(0, max(0, (sessions_until - opened_on).days)))
            kind = kinds[rng.choices(kind_codes, weights=kind_weights)[0]]
            session_record(
                actor=rng.choice(assigned), origin=SYSTEM, case=case, kind=kind, held_on=held_on,
                duration_minutes=rng.choice([30, 45, 60, 60, 90, 120]),
                notes=rng.choice(demo_people.SESSION_NOTES).format(n=f"{team.reference_prefix}{n}-{index}"),
            )
        if sessions_until < today and rng.random() < 0.7:
            case_close(actor=lead, origin=SYSTEM, case=case, expected_version=None, closed_on=sessions_until,
                       reason=rng.choice([r.value for r in ClosureReason]))
            # Demo history: these files were closed back then, so their retention runs from then.
            closed_at = timezone.make_aware(datetime.datetime.combine(sessions_until, datetime.time(17, 0)))
            Case.objects.filter(pk=case.pk).update(closed_at=closed_at)
        return case
