"""``python manage.py detect_anomalies [--from YYYY-MM-DD] [--to YYYY-MM-DD]``: run the anomaly
rules now (the task runs them nightly, since its last run)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.services import anomalies_detect


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("Not a date (YYYY-MM-DD): %(text)s") % {"text": text}) from None


class Command(BaseCommand):
    help = "Run the audit anomaly rules over a range of days (default: since the last run) and store the findings."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first_day", type=_date, default=None, help="first day (default: the last run's last day)")
        parser.add_argument("--to", dest="last_day", type=_date, default=None, help="last day (default: today)")

    def handle(self, *args, first_day, last_day, **options):
        try:
            summary = anomalies_detect(first_day=first_day, last_day=last_day)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_(
            "Days %(first)s to %(last)s: %(found)s findings (%(created)s new, %(updated)s updated, "
            "%(reopened)s back in the review queue)."
        ) % {"first": summary.first_day, "last": summary.last_day, "found": summary.found, "created": summary.created,
             "updated": summary.updated, "reopened": summary.reopened})
