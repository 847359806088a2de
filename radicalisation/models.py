"""Pôle Radicalisme: people affected by violent radicalisation, their families, professionals."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.crypto.fields import EncryptedDateField
from casework.models import Case, ChoiceLabels


class RadicalisationDetails(ChoiceLabels, models.Model):
    class Requester(models.TextChoices):
        PERSON = "person", _("the person themself")
        FAMILY = "family", _("family or close relations")
        PROFESSIONAL = "professional", _("a professional")

    class Concern(models.TextChoices):
        RELIGIOUS = "religious", _("religiously inspired extremism")
        FAR_RIGHT = "far_right", _("far-right extremism")
        FAR_LEFT = "far_left", _("far-left extremism")
        POLARISATION = "polarisation", _("polarisation and conspiracy thinking")
        RETURNEE = "returnee", _("returnee or family of a returnee")
        OTHER = "other", _("other or unclear")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="radicalisation_details")
    requester = models.CharField(_("who asked"), max_length=20, choices=Requester.choices)
    concern = models.CharField(_("concern"), max_length=20, choices=Concern.choices)
    discussed_in_csilr = models.BooleanField(_("discussed in the CSIL-R"), default=False)
    csilr_date = EncryptedDateField(_("date discussed in the CSIL-R"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("radicalisation details")
        default_permissions = ()
