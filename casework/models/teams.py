from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.i18n import localized


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


class Role(models.Model):
    """A user's role. Worker and lead are per team (a user may be in several teams); auditor,
    coordinator and administrator are organisation-wide and carry no team."""

    class Kind(models.TextChoices):
        WORKER = "worker", _("social worker")
        LEAD = "lead", _("team lead")
        AUDITOR = "auditor", _("auditor")
        COORDINATOR = "coordinator", _("coordinator")
        ADMINISTRATOR = "administrator", _("administrator")

    TEAM_KINDS = (Kind.WORKER, Kind.LEAD)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="roles", verbose_name=_("team"))

    objects = RoleQuerySet.as_manager()

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
            models.UniqueConstraint(fields=["user", "kind", "team"], name="role_unique_per_team"),
            models.UniqueConstraint(fields=["user", "kind"], condition=Q(team__isnull=True), name="role_unique_global"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()}" + (f" ({self.team.code})" if self.team_id else "")
