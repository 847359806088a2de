import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VictimsConfig(AppConfig):
    name = "victims"
    verbose_name = _("Victim assistance (MEDLOC-SCAV)")
    default_auto_field = "django.db.models.BigAutoField"
    team_code = "MEDLOC-SCAV"

    def team_demo_details(self, *, rng, opened_on, today, n):
        from victims.models import VictimDetails as D

        hotel = rng.random() < 0.15
        return {
            "offence": rng.choices([o.value for o in D.Offence], weights=[6, 2, 3, 2, 1, 2, 1, 1, 1, 1])[0],
            "referral_source": rng.choice([r.value for r in D.Referral]),
            "justice_stage": rng.choice([s.value for s in D.JusticeStage]),
            "social_hotel_stay": hotel,
            "social_hotel_from": opened_on if hotel else None,
            "social_hotel_until": min(today, opened_on + datetime.timedelta(days=rng.randint(7, 90))) if hotel else None,
        }
