import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadicalisationConfig(AppConfig):
    name = "radicalisation"
    verbose_name = _("Radicalisation unit (Pôle Radicalisme)")
    default_auto_field = "django.db.models.BigAutoField"
    team_code = "RAD"

    def team_demo_details(self, *, rng, opened_on, today, n):
        from radicalisation.models import RadicalisationDetails as D

        discussed = rng.random() < 0.4
        return {
            "requester": rng.choices([r.value for r in D.Requester], weights=[2, 3, 3])[0],
            "concern": rng.choice([c.value for c in D.Concern]),
            "discussed_in_csilr": discussed,
            "csilr_date": opened_on + datetime.timedelta(days=rng.randint(0, 20)) if discussed and opened_on + datetime.timedelta(days=20) <= today else None,
        }
