"""SCAPI: detainees and offenders, in prison or after release."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.crypto.fields import EncryptedDateField, EncryptedTextField
from casework.models import Case, ChoiceLabels


class DetentionDetails(ChoiceLabels, models.Model):
    class Prison(models.TextChoices):
        HAREN = "haren", "Haren"
        SAINT_GILLES = "saint_gilles", "Saint-Gilles / Sint-Gillis"
        FOREST = "forest", "Forest / Vorst"
        ITTRE = "ittre", "Ittre"
        NIVELLES = "nivelles", "Nivelles"
        LEUZE = "leuze", "Leuze-en-Hainaut"
        MONS = "mons", "Mons"
        LANTIN = "lantin", "Lantin"
        MARCHE = "marche", "Marche-en-Famenne"
        ANTWERPEN = "antwerpen", "Antwerpen"
        BRUGGE = "brugge", "Brugge"
        GENT = "gent", "Gent"
        LEUVEN = "leuven", "Leuven"
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PRE_TRIAL = "pre_trial", _("pre-trial detention")
        SENTENCED = "sentenced", _("serving a sentence")
        ELECTRONIC = "electronic", _("electronic monitoring")
        LIMITED = "limited", _("limited detention / leave")
        CONDITIONAL = "conditional", _("conditional release")
        RELEASED = "released", _("released")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="detention_details")
    prison = models.CharField(_("prison"), max_length=30, choices=Prison.choices)
    detention_status = models.CharField(_("detention status"), max_length=30, choices=Status.choices)
    # A release date next to a prison could identify someone: encrypted.
    expected_release = EncryptedDateField(_("expected release date"), null=True, blank=True)
    reintegration_goals = EncryptedTextField(_("reintegration goals"), max_length=5000, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("detention details")
        default_permissions = ()
