from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.actions import Action
from audit.services import audit_record
from casework.plan.export import FORMATS, LANGUAGES, indicators_export
from casework.plan.selectors import plan_year_get


class Command(BaseCommand):
    help = "Export a plan year's figures (suppressed as on the page) as CSV or JSON, without any identifier."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=FORMATS, default="csv", dest="fmt")
        parser.add_argument("--lang", choices=LANGUAGES, default="fr")
        parser.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")

    def handle(self, *args, year, fmt, lang, output, **options):
        plan_year = plan_year_get(year)
        if plan_year is None:
            raise CommandError(f"there is no plan for {year}")
        _, body = indicators_export(plan_year=plan_year, fmt=fmt, language=lang)
        audit_record(actor=None, action=Action.INDICATORS_EXPORT, target_type="plan_year", target_id=year,
                     detail={"format": fmt, "language": lang, "via": "command"})
        if output == "-":
            self.stdout.write(body, ending="")
        else:
            try:
                Path(output).write_text(body, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror}") from None
            self.stderr.write(f"Written to {output}.")
