"""Appointments, follow-up intervals, the home page's "last visit" and calendar feeds.

Nothing here is a personal value: an appointment holds a case, a worker, a time, a place
category and a session kind; a calendar feed holds only the hash of its secret."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models import Case, ChoiceLabels, Place, Session, SessionKind, Team

DEFAULT_FOLLOW_UP_DAYS = 30


class TeamFollowUp(models.Model):
    """How long a case of the team may go without a session before it is due a follow-up."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveSmallIntegerField(_("follow-up interval (days)"), default=DEFAULT_FOLLOW_UP_DAYS)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(days__gte=1, days__lte=365), name="team_follow_up_days")]


class CaseFollowUp(models.Model):
    """A case's own interval, overriding its team's (a person seen weekly, or every quarter)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="+")
    days = models.PositiveSmallIntegerField(_("follow-up interval (days)"))

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(days__gte=1, days__lte=365), name="case_follow_up_days")]


class Appointment(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("session recorded")
        CANCELLED = "cancelled", _("cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments",
                               verbose_name=_("worker"))
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=20, choices=Place.choices)
    kind = models.ForeignKey(SessionKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    session = models.OneToOneField(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["worker", "status", "starts_at"], name="appointment_worker_day"),
            models.Index(fields=["case", "status", "starts_at"], name="appointment_case_next"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=720),
                                   name="appointment_duration_range"),
        ]

    def __repr__(self):
        return f"<Appointment {self.pk}>"


class HomeVisit(models.Model):
    """When the user last opened the home page: "assigned to me since my last visit"."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    previous_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField()


class CalendarFeed(models.Model):
    """A worker's iCalendar feed. Only the SHA-256 of the secret in the URL is stored: the URL
    is shown once; revoking deletes the row and the old URL answers 404."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
