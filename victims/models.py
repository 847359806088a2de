"""MEDLOC-SCAV: victims of crime, with domestic violence as a first-class case."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.crypto.fields import EncryptedDateField
from casework.models import Case


class VictimDetails(models.Model):
    class Offence(models.TextChoices):
        DOMESTIC_VIOLENCE = "domestic_violence", _("domestic violence")
        SEXUAL_VIOLENCE = "sexual_violence", _("sexual violence")
        ASSAULT = "assault", _("assault")
        THEFT_BURGLARY = "theft_burglary", _("theft or burglary")
        ROBBERY = "robbery", _("robbery")
        HARASSMENT = "harassment", _("harassment or stalking")
        HATE_CRIME = "hate_crime", _("hate crime")
        FRAUD = "fraud", _("fraud or scam")
        ROAD_TRAFFIC = "road_traffic", _("road traffic offence")
        OTHER = "other", _("other")

    class Referral(models.TextChoices):
        POLICE = "police", _("police")
        PUBLIC_PROSECUTOR = "prosecutor", _("public prosecutor / justice house")
        CPAS = "cpas", _("CPAS / OCMW")
        HOSPITAL = "hospital", _("hospital or doctor")
        ASSOCIATION = "association", _("association")
        SELF = "self", _("the person themself")
        FAMILY = "family", _("family or friends")
        OTHER = "other", _("other")

    class JusticeStage(models.TextChoices):
        NONE = "none", _("no complaint filed")
        COMPLAINT = "complaint", _("complaint filed")
        INVESTIGATION = "investigation", _("investigation")
        TRIAL = "trial", _("trial")
        JUDGMENT = "judgment", _("judgment")
        EXECUTION = "execution", _("execution of the sentence")
        DROPPED = "dropped", _("case dismissed")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="victim_details")
    offence = models.CharField(_("offence"), max_length=30, choices=Offence.choices)
    referral_source = models.CharField(_("referred by"), max_length=30, choices=Referral.choices)
    justice_stage = models.CharField(_("stage in the justice system"), max_length=30, choices=JusticeStage.choices, default=JusticeStage.NONE)
    social_hotel_stay = models.BooleanField(_("staying in the social hotel"), default=False)
    # Dates of a stay could single a person out: encrypted like the identity.
    social_hotel_from = EncryptedDateField(_("social hotel: from"), null=True, blank=True)
    social_hotel_until = EncryptedDateField(_("social hotel: until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("victim details")
        default_permissions = ()
        constraints = [models.CheckConstraint(condition=Q(social_hotel_stay=True) | Q(social_hotel_from__isnull=True), name="victim_hotel_dates_need_stay")]

    @property
    def is_domestic_violence(self):
        return self.offence == self.Offence.DOMESTIC_VIOLENCE
