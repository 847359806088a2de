"""The shared case core: a case file, its sessions, assignments and object permissions.

Team-specific details live in the team apps (victims, detainees, radicalisation), one row per
case. Personal values are encrypted fields; the non-identifying reference (``SCAV-2026-0042``)
and categorical data are plaintext so that lists can filter and sort on them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from casework.crypto.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField
from casework.i18n import localized
from casework.models.choices import ChoiceLabels
from casework.models.teams import Team

NOTES_MAX_LENGTH = 20_000


class Place(models.TextChoices):
    """Where a session or an appointment takes place."""

    PRISON = "prison", _("prison")
    OFFICE = "office", _("office")
    HOME_VISIT = "home_visit", _("home visit")
    PHONE = "phone", _("phone")
    VIDEO = "video", _("video call")
    OUTREACH = "outreach", _("outreach")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("goals met")
    REFERRED = "referred", _("referred to another service")
    NO_CONTACT = "no_contact", _("contact lost")
    PERSON_ENDED = "person_ended", _("ended at the person's request")
    MOVED = "moved", _("moved out of the municipality")
    OTHER = "other", _("other")


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Case.Status.OPEN)

    def closed(self):
        return self.filter(status=Case.Status.CLOSED)

    def for_team(self, team):
        return self.filter(team=team)

    def assigned_to(self, user):
        """Cases on which ``user`` holds a direct object permission (guardian's FK table).

        An EXISTS over the user-permission table grows with the worker's caseload, not with the
        case table (DESIGN.md, performance facts)."""
        return self.filter(
            Exists(CaseUserObjectPermission.objects.filter(
                content_object=OuterRef("pk"), user=user, permission__codename="view_case",
            ))
        )


class Case(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases", verbose_name=_("team"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The server's time of closing: retention counts from it, never from the typed closed_on.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)

    # The person's identity: encrypted, bound to this row.
    given_names = EncryptedCharField(_("given names"), max_length=200)
    family_name = EncryptedCharField(_("family name"), max_length=200)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    national_number = EncryptedCharField(_("national register number"), max_length=20, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True)
    address = EncryptedTextField(_("address"), max_length=500, blank=True)
    notes = EncryptedTextField(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)

    # Legal hold (set and lifted by a lead, casework.partners): retention and erasure skip the
    # case while it holds. The reason may name a procedure, so it is encrypted like a note.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = EncryptedTextField(_("reason for the legal hold"), max_length=2000, null=True, blank=True)

    # Blind indexes (casework.crypto.blind_index) for duplicate checks; never the values.
    name_index = models.CharField(max_length=64, db_index=True, editable=False)
    national_number_index = models.CharField(max_length=64, db_index=True, blank=True, editable=False)

    # Optimistic locking: every update must name the version it was made from.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised by the agenda app's services (the earliest planned appointment to come), so
    # that lists sort and filter on it without a subquery per row.
    next_appointment_at = models.DateTimeField(_("next appointment"), null=True, blank=True, db_index=True, editable=False)

    # Denormalised for the lists (docs/decisions/0013-case-lists.md): kept by the session
    # services in the session's transaction, so a list page sorts, filters and shows them
    # from the case row alone, without counting sessions for rows it skips.
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True, editable=False)
    session_count = models.PositiveIntegerField(_("sessions"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "last_contact_on", "session_count",
                                                "next_appointment_at"])
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-reference"]
        default_permissions = ("view", "change")
        indexes = [
            models.Index(fields=["team", "status", "-opened_on"], name="case_team_status_opened"),
            # The team register's default order (no status filter), and the lists' order.
            models.Index(fields=["team", "-opened_on", "-reference"], name="case_team_opened"),
            models.Index(fields=["-opened_on", "-reference"], name="case_opened"),
            # One per sort of the lists (casework.case_lists.SORTS), behind the team and status
            # filters, so that every page, first or last, is an index range.
            models.Index(fields=["team", "status", "last_contact_on", "reference"], name="case_team_status_contact"),
            models.Index(fields=["team", "status", "session_count", "reference"], name="case_team_status_sessions"),
            models.Index(fields=["team", "status", "reference"], name="case_team_status_reference"),
            models.Index(fields=["team", "status", "next_appointment_at", "reference"], name="case_team_status_next"),
            models.Index(fields=["status", "last_contact_on", "reference"], name="case_status_contact"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="case_closed_has_date",
            ),
        ]

    def __repr__(self):
        # Never the person's name: a repr ends up in logs and tracebacks.
        return f"<Case {self.reference}>"

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def display_name(self):
        return f"{self.given_names} {self.family_name}"


class Assignment(models.Model):
    """A worker assigned to a case. Assignment and object permissions change together
    (casework.services.cases.case_assign / case_unassign)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "worker"], name="assignment_unique")]


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct foreign-key table: deleting a case deletes its permission rows."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """Declared so guardian never falls back to its generic table; no group gets case rights."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class ReferenceCounter(models.Model):
    """Per team and year, the last reference number handed out (locked while a case opens)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "year"], name="reference_counter_unique")]


class SessionKind(models.Model):
    """A kind of session a team records. Data, so that a later plan year can add kinds."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="session_kinds")
    code = models.SlugField(max_length=50)
    name_fr = models.CharField(max_length=200)
    name_nl = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["team__code", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["team", "code"], name="session_kind_unique")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return localized(self, "name")


class SessionQuerySet(models.QuerySet):
    def for_cases(self, cases):
        return self.filter(case__in=cases)


class Session(ChoiceLabels, models.Model):
    """A session or follow-up held with the person of a case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    kind = models.ForeignKey(SessionKind, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("kind"))
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    place = models.CharField(_("place"), max_length=20, choices=Place.choices, blank=True)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("worker"))
    notes = EncryptedTextField(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-held_on", "-created_at"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["kind", "held_on"], name="session_kind_held_on"),
            # The lists' "has a session of kind" filter: an EXISTS per case.
            models.Index(fields=["case", "kind"], name="session_case_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1, duration_minutes__lte=720), name="session_duration_range"),
        ]

    def __repr__(self):
        return f"<Session {self.pk}>"
