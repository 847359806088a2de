import datetime
import random

import pytest
from django.utils import timezone

from audit.services import SYSTEM
from casework.extensions import team_app
from casework.models import Case, Team
from casework.national_number import make_national_number
from casework.services.cases import case_open
from casework.partners.models import Partner, TeamReferral


def fresh_case(personas, team_code, *, given="Wanda", family="Testperson", national_number=None, phone="+32 470 11 22 33",
               address="Rue Testée 1, 1080 Molenbeek", notes="Note privée de test: ne jamais copier.", workers=()):
    """A new open case of ``team_code`` opened by its lead, with a note that must never leave the team."""
    team = Team.objects.get(code=team_code)
    lead = personas[f"lead.{team.reference_prefix.lower()}"]
    opened_on = timezone.localdate() - datetime.timedelta(days=10)
    return case_open(
        actor=lead, origin=SYSTEM, team=team, opened_on=opened_on,
        identity={"given_names": given, "family_name": family, "date_of_birth": datetime.date(1985, 5, 17),
                  "national_number": national_number or "", "phone": phone, "address": address, "notes": notes},
        details=team_app(team_code).team_demo_details(rng=random.Random(1), opened_on=opened_on, today=timezone.localdate(), n=1),
        workers=[personas[w] for w in workers],
    )


@pytest.fixture
def partner(db):
    return Partner.objects.filter(active=True).order_by("name").first()


@pytest.fixture
def pending_referral(db):
    """The seeded referral from SCAPI waiting for MEDLOC-SCAV's lead."""
    return TeamReferral.objects.get(status=TeamReferral.Status.PENDING, from_team__code="SCAPI", to_team__code="MEDLOC-SCAV")


@pytest.fixture
def nrn():
    return make_national_number("850517", 417)


def case_of(reference):
    return Case.objects.get(reference=reference)
