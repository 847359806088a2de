import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.plan.services import PlanError, plan_load


class Command(BaseCommand):
    help = "Load (or update in place) a plan year from its JSON file, e.g. casework/plan/fixtures/plan-2023.json. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the plan file (format casework.plan/1)")

    def handle(self, *args, path, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from None
        try:
            plan_year = plan_load(data=data)
        except PlanError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Plan {plan_year.year} loaded."))
