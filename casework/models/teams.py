from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.i18n import localized
from casework.models.choices import ChoiceLabels


class Team(models.Model):
    """One of the prevention teams that keep case files (SCAPI, MEDLOC-SCAV, RAD)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    reference_prefix = models.CharField(_("reference prefix"), max_length=8, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def name(self):
        return localized(self, "name")


class RoleQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class ActiveRoleManager(models.Manager.from_queryset(RoleQuerySet)):
    """``Role.objects``: active roles only, so that every access check (casework.access, forms,
    anomaly rules) ignores requests still waiting for a second person, refused ones and
    revoked ones. ``Role.all_objects`` sees every row (the approval pages, the admin)."""

    def get_queryset(self):
        return super().get_queryset().filter(status=Role.Status.ACTIVE)


class AccountState(models.Model):
    """What the product keeps about an account beyond Django's user: whether its password was
    set by someone else and must be changed by its owner at the next login."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state", verbose_name=_("user"))
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("account state")
        verbose_name_plural = _("account states")
        default_permissions = ()


class Role(ChoiceLabels, models.Model):
    """A user's role. Worker and lead are per team (a user may be in several teams); auditor,
    coordinator and administrator are organisation-wide and carry no team."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("social worker")
        LEAD = "lead", _("team lead")
        AUDITOR = "auditor", _("auditor")
        COORDINATOR = "coordinator", _("coordinator")
        ADMINISTRATOR = "administrator", _("administrator")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        ACTIVE = "active", _("active")
        REFUSED = "refused", _("refused")
        REVOKED = "revoked", _("revoked")

    TEAM_KINDS = (Kind.WORKER, Kind.LEAD)
    GLOBAL_KINDS = (Kind.AUDITOR, Kind.COORDINATOR, Kind.ADMINISTRATOR)
    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="roles", verbose_name=_("team"))

    # Rows created directly in code (benchmarks, fixtures) are active; every path a person
    # takes goes through casework.services.roles, which sets the status explicitly.
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved or refused by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = ActiveRoleManager()
    all_objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user__username", "kind", "team__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["worker", "lead"], team__isnull=False) | Q(~Q(kind__in=["worker", "lead"]), team__isnull=True),
                name="role_team_only_for_team_roles",
                violation_error_message=_("Social workers and team leads belong to a team; other roles have none."),
            ),
            # Refused and revoked rows stay as history; one open (pending or active) row at a time.
            models.UniqueConstraint(fields=["user", "kind", "team"], condition=Q(status__in=["pending", "active"]),
                                    name="role_unique_per_team"),
            models.UniqueConstraint(fields=["user", "kind"], condition=Q(team__isnull=True, status__in=["pending", "active"]),
                                    name="role_unique_global"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()}" + (f" ({self.team.code})" if self.team_id else "")

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING
