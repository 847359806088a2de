from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "casework.plan"
    label = "plan"
    verbose_name = _("Plan and indicators")
    default_auto_field = "django.db.models.BigAutoField"
