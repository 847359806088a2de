"""Anonymous contacts and collective activities: the services' work that is not a session on
a named file (docs/decisions/0011-records-contacts-activities-hotel-outcomes.md).

Neither holds an identity. An anonymous contact keeps only categories (kind, who asked, topic),
a date, a duration and an optional note, encrypted and bound to its row like a case note. A
collective activity keeps the number of participants, never their names."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.crypto.fields import EncryptedTextField
from casework.models import Case, ChoiceLabels, Team

NOTE_MAX = 2000
DURATION_MAX = 600
PARTICIPANTS_MAX = 5000


class ContactQuerySet(models.QuerySet):
    def for_teams(self, teams):
        return self.filter(team__in=teams)


class AnonymousContact(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        DROP_IN = "drop_in", _("drop-in hours")
        LISTENING_SPACE = "listening_space", _("listening space")
        PHONE = "phone", _("phone call")
        ADVICE_FAMILY = "advice_family", _("advice to a family member")
        ADVICE_PROFESSIONAL = "advice_professional", _("advice to a professional")

    class Asker(models.TextChoices):
        PERSON = "person", _("the person concerned")
        FAMILY = "family", _("a relative")
        PROFESSIONAL = "professional", _("a professional")
        OTHER = "other", _("someone else")

    class Topic(models.TextChoices):
        VICTIMISATION = "victimisation", _("being a victim of crime")
        DOMESTIC_VIOLENCE = "domestic_violence", _("domestic violence")
        JUSTICE = "justice", _("justice procedure")
        DETENTION = "detention", _("life in detention")
        REINTEGRATION = "reintegration", _("reintegration after release")
        RADICALISATION = "radicalisation", _("radicalisation concerns")
        FAMILY = "family", _("family situation")
        SOCIAL = "social", _("housing, income or papers")
        HEALTH = "health", _("health and wellbeing")
        OTHER = "other", _("other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind of contact"), max_length=24, choices=Kind.choices)
    asker = models.CharField(_("who asked"), max_length=16, choices=Asker.choices)
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(DURATION_MAX)])
    note = EncryptedTextField(_("note"), max_length=NOTE_MAX, blank=True,
                              help_text=_("Optional, encrypted. Write no name or anything that identifies the person."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    # The person wants a file: a worker asks, a lead opens the case (only leads open cases).
    case_requested = models.BooleanField(_("case requested"), default=False)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("case"))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("anonymous contact")
        verbose_name_plural = _("anonymous contacts")
        default_permissions = ()
        indexes = [
            # The list, newest first (casework.contacts.selectors.NEWEST_FIRST): a lead's by team,
            # a worker's by who recorded it; the team's also serves the plan's date ranges.
            models.Index(fields=["team", "-date", "-created_at", "-id"], name="contact_team_newest"),
            models.Index(fields=["recorded_by", "-date", "-created_at", "-id"], name="contact_recorder_newest"),
        ]
        constraints = [models.CheckConstraint(condition=Q(duration_minutes__gte=1, duration_minutes__lte=DURATION_MAX),
                                              name="contacts_contact_duration_range")]


class ActivityQuerySet(models.QuerySet):
    def for_teams(self, teams):
        return self.filter(team__in=teams)

    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class CollectiveActivity(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        AWARENESS = "awareness", _("awareness session")
        TRAINING = "training", _("training given")
        GROUP_SESSION = "group_session", _("group session")
        COLLECTIVE_PROJECT = "collective_project", _("collective project")
        CSIL = "csil", _("CSIL meeting")
        AUTHORITIES_WORKGROUP = "authorities_workgroup", _("working group of higher authorities")
        POLICE_CELL = "police_cell", _("contact with the police radicalisation cell")
        NETWORK_MEETING = "network_meeting", _("other network meeting")
        COURSE_FOLLOWED = "course_followed", _("colloquium, course or study day followed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind of activity"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200,
                             help_text=_("What it was about, e.g. 'Awareness session for teachers'. No names of participants."))
    partners = models.CharField(_("partners"), max_length=300, blank=True,
                                help_text=_("Organisations involved, separated by commas."))
    participants = models.PositiveIntegerField(
        _("number of participants"), default=0, validators=[MaxValueValidator(PARTICIPANTS_MAX)],
        help_text=_("A number only, never names. Not counting the team's own workers."))
    workers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("workers"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    # Entered by workers, confirmed by the lead: only confirmed activities count for the plan.
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("collective activity")
        verbose_name_plural = _("collective activities")
        default_permissions = ()
        indexes = [
            models.Index(fields=["team", "kind", "date"], name="contacts_activity_team_kind"),
            models.Index(fields=["team", "-date", "-created_at", "-id"], name="activity_team_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(participants__lte=PARTICIPANTS_MAX), name="contacts_activity_participants_max"),
            models.CheckConstraint(condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                                   | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                                   name="contacts_activity_confirmed_together"),
        ]

    @property
    def confirmed(self):
        return self.confirmed_at is not None
