import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DetaineesConfig(AppConfig):
    name = "detainees"
    verbose_name = _("Detainee support (SCAPI)")
    default_auto_field = "django.db.models.BigAutoField"
    team_code = "SCAPI"

    def team_demo_details(self, *, rng, opened_on, today, n):
        from casework import demo_people
        from detainees.models import DetentionDetails as D

        return {
            "prison": rng.choice([p.value for p in D.Prison][:6]),
            "detention_status": rng.choice([s.value for s in D.Status]),
            "expected_release": opened_on + datetime.timedelta(days=rng.randint(60, 900)),
            "reintegration_goals": rng.choice(demo_people.REINTEGRATION_GOALS).format(n=f"SCAPI{n}"),
        }
