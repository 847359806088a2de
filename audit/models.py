import collections

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.actions import ACTION_LABELS
from audit.hashing import HASHED_FIELDS
from casework.models.choices import ChoiceLabels


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One audited action. Append-only: written by audit.services.audit_record only.

    The log is several hash chains, its lanes (docs/decisions/0014): ``position`` is gap-free
    within ``lane`` (taken from that lane's ChainHead under a row lock in the action's
    transaction) and ``hash`` chains the event to its predecessor in the lane
    (audit.hashing). ``seq`` is the order of the whole log, given by the database as events
    are written: the auditor reads and pages by it; it may have gaps (a rolled-back action
    consumes a number). Never holds a decrypted value.
    """

    seq = models.BigAutoField(primary_key=True)
    lane = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveBigIntegerField()
    # Which canonical encoding ``hash`` was computed with (audit.hashing): 1 for the events
    # written before the log had lanes, 2 since.
    format = models.PositiveSmallIntegerField(default=2)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_ref = models.CharField(max_length=40, blank=True, db_index=True)
    team = models.CharField(max_length=20, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    justification = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        default_permissions = ()
        indexes = [
            models.Index(fields=["actor", "-seq"], name="audit_actor_seq"),
            models.Index(fields=["target_ref", "-seq"], name="audit_ref_seq"),
            models.Index(fields=["action", "-seq"], name="audit_action_seq"),
            models.Index(fields=["team", "-seq"], name="audit_team_seq"),
            # The workspace's user filter matches the username as recorded, which also finds
            # failed logins (no actor row) and keeps old events under the name used then.
            models.Index(fields=["actor_username", "-seq"], name="audit_username_seq"),
        ]
        constraints = [
            # Also the index the verification walks each lane by.
            models.UniqueConstraint(fields=["lane", "position"], name="audit_lane_position"),
        ]

    def save(self, *args, **kwargs):
        # Guard, not logic: an existing event is never rewritten (a trigger enforces the same
        # on PostgreSQL for anyone who bypasses the ORM).
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    def hashed_fields(self):
        return {name: getattr(self, name) for name in HASHED_FIELDS}

    @property
    def action_label(self):
        """The action in the active language (an action unknown to this version: its code)."""
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def detail_text(self):
        """``detail`` as "key=value" pairs for display and export."""
        return "; ".join(f"{key}={value}" for key, value in sorted((self.detail or {}).items()))

    def __str__(self):
        return f"#{self.seq} {self.action}"


class ChainHead(models.Model):
    """The head of one lane: its last position and that event's hash. ``id`` is the lane.

    A writer locks one head (SELECT … FOR UPDATE SKIP LOCKED: any head no one else holds) in
    its own transaction, so writers on different lanes never wait for each other, and a lane
    never forks; a rolled-back action rolls back its event and its lane's head. The lanes are
    created by migrations (audit 0006: LANES of them)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    position = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()


class AnomalyQuerySet(models.QuerySet):
    def unreviewed(self):
        return self.filter(reviewed_at__isnull=True)

    def reviewed(self):
        return self.filter(reviewed_at__isnull=False)


class Anomaly(ChoiceLabels, models.Model):
    """Something in the audit log an auditor should look at (audit.anomalies finds them).

    One row per rule, user, day (Europe/Brussels) and ``key`` (what distinguishes several
    findings of one rule on one day: a team code, an event's seq), so running the detection
    again updates a finding instead of duplicating it. Holds counts, codes and sequence numbers
    only, never a personal value: the evidence is the audit events themselves."""

    class Kind(models.TextChoices):
        MANY_CASES = "many_cases", _("many more cases read than usual")
        OFF_HOURS = "off_hours", _("access outside working hours")
        FOREIGN_TEAM = "foreign_team", _("attempt on a case of another team")
        REPEATED_REFUSALS = "repeated_refusals", _("repeated refused access")
        BREAK_GLASS = "break_glass", _("emergency access")
        ROLE_THEN_READS = "role_then_reads", _("case reads soon after a role was granted")

    kind = models.CharField(_("rule"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    actor_username = models.CharField(_("username"), max_length=150)
    day = models.DateField(_("day"))
    key = models.CharField(max_length=64, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    detail = models.JSONField(default=dict, blank=True)
    event_seqs = models.JSONField(default=list, blank=True)
    detected_at = models.DateTimeField(_("detected at"))
    updated_at = models.DateTimeField(_("last updated"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Outcome(models.TextChoices):
        JUSTIFIED = "justified", _("justified")
        BREACH = "breach", _("breach")
        ESCALATED = "escalated", _("escalated")

    # What the review concluded, beside its comment (empty for reviews made before outcomes).
    review_outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    # The ANOMALY_REVIEW audit event of the current review: the tamper-evident record of it.
    review_seq = models.PositiveBigIntegerField(null=True, blank=True)

    objects = AnomalyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("anomaly")
        verbose_name_plural = _("anomalies")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["kind", "actor", "day", "key"], name="anomaly_unique_finding"),
        ]
        indexes = [models.Index(fields=["reviewed_at", "-id"], name="anomaly_queue")]

    def __str__(self):
        return f"{self.kind} {self.actor_username} {self.day}"

    @property
    def is_reviewed(self):
        return self.reviewed_at is not None

    @property
    def summary(self):
        """One sentence in the active language saying what was found."""
        # Missing keys print as "?" rather than fail: the detail of old findings may lack a newer key.
        detail = collections.defaultdict(lambda: "?", {**self.detail, "count": self.count})
        if self.kind == self.Kind.MANY_CASES:
            return gettext("%(count)s distinct cases read in the day; usual day: %(median)s, threshold: %(threshold)s") % detail
        if self.kind == self.Kind.OFF_HOURS:
            if detail.get("weekend"):
                return ngettext("%(count)s case action on a weekend day", "%(count)s case actions on a weekend day",
                                self.count) % detail
            return ngettext("%(count)s case action outside working hours (%(working_hours)s)",
                            "%(count)s case actions outside working hours (%(working_hours)s)", self.count) % detail
        if self.kind == self.Kind.FOREIGN_TEAM:
            return ngettext("%(count)s refused attempt on a case of team %(team)s, which the user is not a member of",
                            "%(count)s refused attempts on cases of team %(team)s, which the user is not a member of",
                            self.count) % detail
        if self.kind == self.Kind.REPEATED_REFUSALS:
            return gettext("%(count)s refused accesses in the day (flagged from %(minimum)s)") % detail
        if self.kind == self.Kind.BREAK_GLASS:
            return gettext("emergency access to case %(reference)s (team %(team)s)") % detail
        return self.get_kind_display()
