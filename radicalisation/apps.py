from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadicalisationConfig(AppConfig):
    name = "radicalisation"
    verbose_name = _("Radicalisation unit (Pôle Radicalisme)")
    default_auto_field = "django.db.models.BigAutoField"
