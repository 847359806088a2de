from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "casework.plan"
    label = "plan"
    verbose_name = _("Plan and indicators")
    default_auto_field = "django.db.models.BigAutoField"

    def seed_demo(self, *, stdout, users):
        from casework.plan.demo import seed_plan_demo

        seed_plan_demo(stdout)

    def workspaces(self, user, roles):
        from django.urls import reverse

        from casework.workspaces import Workspace

        if roles.coordinator:
            return [Workspace("indicators", _("Indicators"), reverse("plan:home"), order=40)]
        if roles.lead_teams:
            # Leads enter their team's activity records and attestations (never the figures).
            return [Workspace("activities", _("Activities"), reverse("plan:entry_home"), order=45)]
        return []
