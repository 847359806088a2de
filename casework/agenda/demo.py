"""Demo agenda: team follow-up intervals, appointments today and this week for each worker,
one appointment left unrecorded, and a case with a short interval so that follow-ups are due."""

import datetime

from django.utils import timezone

from audit.services import SYSTEM
from casework.agenda import services
from casework.agenda.models import Appointment, CaseFollowUp, TeamFollowUp
from casework.models import Case, Place, SessionKind, Team

INTERVALS = {"SCAPI": 30, "MEDLOC-SCAV": 21, "RAD": 45}
WORKERS = {"worker.scapi": "SCAPI", "worker2.scapi": "SCAPI", "worker.scav": "MEDLOC-SCAV",
           "worker2.scav": "MEDLOC-SCAV", "worker.rad": "RAD"}
PLACES = {"SCAPI": [Place.PRISON, Place.OFFICE, Place.PHONE], "MEDLOC-SCAV": [Place.OFFICE, Place.HOME_VISIT, Place.VIDEO],
          "RAD": [Place.OFFICE, Place.OUTREACH, Place.PHONE]}
# (days from today, hour, minute); the first is in the past and still to be recorded.
SLOTS = [(-2, 14, 0), (0, 9, 30), (0, 14, 0), (1, 10, 0), (3, 11, 0), (5, 15, 30)]


def seed_agenda_demo(stdout, users):
    for code, days in INTERVALS.items():
        team = Team.objects.filter(code=code).first()
        if team is not None:
            TeamFollowUp.objects.get_or_create(team=team, defaults={"days": days})
    today = timezone.localdate()
    created = 0
    for username, code in WORKERS.items():
        worker = users.get(username)
        lead = users.get(f"lead.{code.split('-')[-1].lower()}")
        if worker is None or lead is None or Appointment.objects.filter(worker=worker).exists():
            continue
        cases = list(Case.objects.open().filter(team__code=code).assigned_to(worker).select_related("team").order_by("reference"))
        kinds = list(SessionKind.objects.filter(team__code=code, active=True).order_by("position"))
        if not cases or not kinds:
            continue
        # One case with a short interval of its own: due for a follow-up in the demo.
        CaseFollowUp.objects.get_or_create(case=cases[-1], defaults={"days": 7})
        planned_for = cases[:-1] or cases  # the case with the short interval is left to plan
        for i, (offset, hour, minute) in enumerate(SLOTS):
            case = planned_for[i % len(planned_for)]
            starts_at = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=offset), datetime.time(hour, minute)))
            services.appointment_plan(actor=lead, origin=SYSTEM, case=case, worker=worker, starts_at=starts_at,
                                      duration_minutes=45 if i % 2 else 60, place=PLACES[code][i % 3], kind=kinds[i % len(kinds)])
            created += 1
    stdout.write(f"Agenda: {created} new demo appointments.")
