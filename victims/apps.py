import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VictimsConfig(AppConfig):
    name = "victims"
    verbose_name = _("Victim assistance (MEDLOC-SCAV)")
    default_auto_field = "django.db.models.BigAutoField"
    team_code = "MEDLOC-SCAV"

    def workspaces(self, user, roles):
        from django.urls import reverse

        from casework.workspaces import Workspace

        if self.team_code in roles.casework_team_codes:
            return [Workspace("hotel", _("Social hotel"), reverse("victims:hotel"), order=27)]
        return []

    def case_panels(self, request, case, *, emergency):
        from django.template.loader import render_to_string

        if case.team.code != self.team_code:
            return []
        return [render_to_string("victims/case_panel.html", {
            "stays": list(case.hotel_stays.select_related("room")), "assessments": list(case.self_assessments.all()),
        }, request=request)]

    def case_actions(self, request, case, *, emergency):
        from django.urls import reverse

        from casework import access
        from casework.extensions import CaseAction

        if case.team.code != self.team_code or emergency or not access.has_case_permission(request.user, case, access.CHANGE):
            return []
        return [CaseAction(_("Social hotel"), reverse("victims:case_hotel", args=[case.pk])),
                CaseAction(_("Self-assessment"), reverse("victims:case_assessment", args=[case.pk]))]

    def indicator_counters(self):
        from victims.counters import counters

        return counters()

    def seed_demo(self, *, stdout, users):
        from victims.demo import seed_victims_demo

        seed_victims_demo(stdout=stdout, users=users)

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
