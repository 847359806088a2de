from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DetaineesConfig(AppConfig):
    name = "detainees"
    verbose_name = _("Detainee support (SCAPI)")
    default_auto_field = "django.db.models.BigAutoField"
