from django.core.management.base import BaseCommand, CommandError

from casework.plan.services import PlanError, plan_year_copy


class Command(BaseCommand):
    help = "Copy a plan year (objectives, indicators, targets, counting rules) into a new year: copy_plan_year 2023 2024."

    def add_arguments(self, parser):
        parser.add_argument("source", type=int)
        parser.add_argument("target", type=int)

    def handle(self, *args, source, target, **options):
        try:
            plan_year_copy(actor=None, source_year=source, target_year=target)
        except PlanError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Plan {source} copied into {target}."))
