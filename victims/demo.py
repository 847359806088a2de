"""Demo social hotel register and self-assessments, 2023 to today (idempotent: nothing is added
once the hotel has rooms). Runs after the core's cases, before the plan computes its figures."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from audit.services import SYSTEM
from casework.models import Case
from victims import services
from victims.models import HotelRoom, SelfAssessment

ROOMS = [("Chambre 1 / Kamer 1", 1), ("Chambre 2 / Kamer 2", 1), ("Chambre 3 / Kamer 3", 2), ("Studio", 1)]


def seed_victims_demo(*, stdout, users):
    if HotelRoom.objects.exists():
        return
    today = timezone.localdate()
    lead = users["lead.scav"]
    rng = random.Random("victims-demo")
    with transaction.atomic():
        rooms = [HotelRoom.objects.create(name=name, beds=beds) for name, beds in ROOMS]
        cases = list(Case.objects.filter(team__code=services.TEAM_CODE).select_related("team").order_by("opened_on", "reference"))
        assessments = stays = 0
        for case in cases:
            intake = rng.randint(1, 6), rng.randint(1, 6)
            services.assessment_record(actor=lead, origin=SYSTEM, case=case, moment=SelfAssessment.Moment.INTAKE,
                                       assessed_on=case.opened_on, safety=intake[0], coping=intake[1])
            assessments += 1
            if case.status == Case.Status.CLOSED and case.closed_on and rng.random() < 0.9:
                services.assessment_record(actor=lead, origin=SYSTEM, case=case, moment=SelfAssessment.Moment.CLOSING,
                                           assessed_on=case.closed_on, safety=min(10, intake[0] + rng.randint(-1, 5)),
                                           coping=min(10, intake[1] + rng.randint(-1, 4)))
                assessments += 1
        for room in rooms:
            for bed in range(room.beds):
                day = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 30) + bed * 7)
                while day < today:
                    candidates = [c for c in cases if c.opened_on <= day and (c.closed_on is None or c.closed_on > day)]
                    if not candidates:
                        day += datetime.timedelta(days=7)
                        continue
                    case = rng.choice(candidates)
                    out = day + datetime.timedelta(days=rng.randint(5, 60))
                    if case.closed_on:
                        out = min(out, max(case.closed_on, day + datetime.timedelta(days=1)))
                    services.stay_start(actor=lead, origin=SYSTEM, case=case, room=room, check_in=day,
                                        check_out=None if out >= today else out)
                    stays += 1
                    if out >= today:
                        break
                    day = out + datetime.timedelta(days=rng.randint(0, 12))
        waiting = [c for c in cases if c.status == Case.Status.OPEN and not c.hotel_stays.exists()][:2]
        for case in waiting:
            services.waiting_add(actor=lead, origin=SYSTEM, case=case, asked_on=max(case.opened_on, today - datetime.timedelta(days=9)))
    stdout.write(f"Social hotel: {len(rooms)} rooms, {stays} stays, {len(waiting)} waiting; {assessments} self-assessments.\n")
