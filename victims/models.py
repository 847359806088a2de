"""MEDLOC-SCAV: victims of crime, with domestic violence as a first-class case."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.crypto.fields import EncryptedDateField
from casework.models import Case, ChoiceLabels


class VictimDetails(ChoiceLabels, models.Model):
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


# ---------------------------------------------------------------------------------------------
# Social hotel register (decision 0011). Stay dates are plain, like a session's date or a case's
# opening date: nights and occupancy are counted by aggregate queries without decrypting
# anything. Who stayed stays in the case file (encrypted identity).


class HotelRoom(models.Model):
    name = models.CharField(_("room"), max_length=40, unique=True, help_text=_("A room label, e.g. 'Room 2'."))
    beds = models.PositiveSmallIntegerField(_("beds"), default=1)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("social hotel room")
        verbose_name_plural = _("social hotel rooms")
        default_permissions = ()

    def __str__(self):
        return self.name


class HotelStayQuerySet(models.QuerySet):
    def overlapping(self, first_day, last_day):
        """Stays with at least one night in [first_day, last_day]; an open stay runs to today."""
        return self.filter(Q(check_out__isnull=True) | Q(check_out__gt=first_day), check_in__lte=last_day)


class HotelStay(models.Model):
    """A night is counted on the day it begins: a stay from 03/01 to 05/01 is two nights."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hotel_stays", verbose_name=_("case"))
    room = models.ForeignKey(HotelRoom, on_delete=models.PROTECT, related_name="stays", verbose_name=_("room"))
    check_in = models.DateField(_("arrival"))
    check_out = models.DateField(_("departure"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = HotelStayQuerySet.as_manager()

    class Meta:
        ordering = ["-check_in"]
        verbose_name = _("social hotel stay")
        verbose_name_plural = _("social hotel stays")
        default_permissions = ()
        indexes = [models.Index(fields=["check_in"], name="victims_stay_check_in")]
        constraints = [models.CheckConstraint(condition=Q(check_out__isnull=True) | Q(check_out__gt=models.F("check_in")),
                                              name="victims_stay_out_after_in")]


class HotelWaitingEntry(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        PLACED = "placed", _("given a room")
        WITHDRAWN = "withdrawn", _("no longer needed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hotel_waiting", verbose_name=_("case"))
    asked_on = models.DateField(_("asked on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["asked_on", "pk"]
        verbose_name = _("social hotel waiting list entry")
        verbose_name_plural = _("social hotel waiting list")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(status="waiting"), name="victims_waiting_once")]


# ---------------------------------------------------------------------------------------------
# Outcomes: a short self-assessment at intake and at closing (decision 0011).

SCALE_MAX = 10


class SelfAssessment(ChoiceLabels, models.Model):
    class Moment(models.TextChoices):
        INTAKE = "intake", _("at intake")
        CLOSING = "closing", _("at closing")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="self_assessments", verbose_name=_("case"))
    moment = models.CharField(_("moment"), max_length=8, choices=Moment.choices)
    assessed_on = models.DateField(_("date"))
    safety = models.PositiveSmallIntegerField(
        _("feeling safe (0–10)"), validators=[MaxValueValidator(SCALE_MAX)],
        help_text=_("'How safe do you feel these days?' 0 = not at all, 10 = completely."))
    coping = models.PositiveSmallIntegerField(
        _("coping (0–10)"), validators=[MaxValueValidator(SCALE_MAX)],
        help_text=_("'How well are you coping with what happened?' 0 = not at all, 10 = fully."))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["case", "moment"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["case", "moment"], name="victims_assessment_once_per_moment"),
            models.CheckConstraint(condition=Q(safety__lte=SCALE_MAX, coping__lte=SCALE_MAX), name="victims_assessment_scale"),
        ]
