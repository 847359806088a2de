from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.plan.models import PlanYear
from casework.plan.services import indicators_compute


class Command(BaseCommand):
    help = "Compute the indicators of a plan year (the same service as the nightly task and the recompute button)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="plan year (default: the current year)")

    def handle(self, *args, year, **options):
        year = year or timezone.localdate().year
        try:
            run = indicators_compute(year=year)
        except PlanYear.DoesNotExist:
            raise CommandError(f"there is no plan for {year} (load_plan or copy_plan_year first)") from None
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Indicators of {year} computed as of {run.as_of}: {run.values_written} values in {seconds:.2f} s."))
