"""Partners, consent, referrals and links between the teams' files.

The partner directory is organisations only (no person). Everything about a person hangs off
a case and goes when the case goes (retention or erasure: the ``case_purging`` hook deletes
these rows and their history). Free text is encrypted and bound to its row, so the models
that hold some have UUID keys (the key must exist before the value is encrypted).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.crypto.fields import EncryptedTextField
from casework.models import Case, ChoiceLabels, Team

TEXT_MAX_LENGTH = 2000


class Partner(ChoiceLabels, models.Model):
    """An organisation the teams work with (CPAS/OCMW, justice house, prison, …)."""

    class Kind(models.TextChoices):
        CPAS = "cpas", _("public social welfare centre (CPAS/OCMW)")
        JUSTICE_HOUSE = "justice_house", _("justice house")
        PRISON = "prison", _("prison")
        POLICE = "police", _("police")
        HOSPITAL = "hospital", _("hospital or health service")
        SHELTER = "shelter", _("shelter")
        SCHOOL = "school", _("school")
        EMPLOYMENT = "employment", _("employment or training service")
        OTHER = "other", _("other organisation")

    class Language(models.TextChoices):
        FR = "fr", _("French")
        NL = "nl", _("Dutch")
        BOTH = "fr-nl", _("French and Dutch")

    name = models.CharField(_("organisation"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    contact = models.CharField(_("contact"), max_length=300, blank=True,
                               help_text=_("The organisation's service address, phone or e-mail; never a person's private details."))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.BOTH)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        default_permissions = ()

    def __str__(self):
        return self.name


class Reason(models.TextChoices):
    """Why a person is sent to a partner or another team (a category, never a story)."""

    HOUSING = "housing", _("housing")
    INCOME = "income", _("income and social aid")
    HEALTH = "health", _("physical health")
    MENTAL_HEALTH = "mental_health", _("mental health")
    LEGAL = "legal", _("legal aid")
    JUSTICE = "justice", _("justice procedure")
    VICTIM_SUPPORT = "victim_support", _("victim support")
    EMPLOYMENT = "employment", _("employment and training")
    FAMILY = "family", _("family support")
    SAFETY = "safety", _("safety and protection")
    OTHER = "other", _("other")


class ErasureGround(models.TextChoices):
    """GDPR art. 17 grounds a lead picks when erasing a file on request: a code, not free text,
    because the ground goes to the audit log, which never holds personal values."""

    NO_LONGER_NEEDED = "no_longer_needed", _("the data are no longer needed")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("the person withdrew their consent")
    OBJECTION = "objection", _("the person objects to the processing")
    UNLAWFUL = "unlawful", _("the data were processed unlawfully")
    LEGAL_OBLIGATION = "legal_obligation", _("a legal obligation requires erasure")


class ConsentQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(withdrawn_on__isnull=True)


class Consent(ChoiceLabels, models.Model):
    """What the person agreed to, when and how; withdrawn, never deleted while the case lives."""

    class Scope(models.TextChoices):
        PROCESSING = "processing", _("processing of their data by the team")
        SHARE_TEAM = "share_team", _("sharing with another team")
        SHARE_PARTNER = "share_partner", _("sharing with a partner")
        CONTACT_PHONE = "contact_phone", _("contact by phone")
        CONTACT_LETTER = "contact_letter", _("contact by letter")
        CONTACT_HOME = "contact_home", _("visits at home")

    class Manner(models.TextChoices):
        WRITTEN = "written", _("in writing")
        ORAL = "oral", _("orally")
        REPRESENTATIVE = "representative", _("through a representative")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("agreed to"), max_length=20, choices=Scope.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner"))
    given_on = models.DateField(_("given on"))
    manner = models.CharField(_("how"), max_length=20, choices=Manner.choices)
    note = EncryptedTextField(_("note"), max_length=TEXT_MAX_LENGTH, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_note = EncryptedTextField(_("note on the withdrawal"), max_length=TEXT_MAX_LENGTH, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["recorded_at"])
    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "scope"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="share_team", team__isnull=False, partner__isnull=True)
                           | Q(scope="share_partner", partner__isnull=False, team__isnull=True)
                           | (~Q(scope__in=["share_team", "share_partner"]) & Q(team__isnull=True, partner__isnull=True))),
                name="consent_recipient_matches_scope",
            ),
            models.CheckConstraint(condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                                   name="consent_withdrawn_after_given"),
        ]

    def __repr__(self):
        return f"<Consent {self.pk}>"

    @property
    def in_force(self):
        return self.withdrawn_on is None

    @property
    def recipient(self):
        return self.team or self.partner


class PartnerReferral(ChoiceLabels, models.Model):
    """A person sent to a partner (an "orientation"), with its follow-up and outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("not known yet")
        TAKEN_UP = "taken_up", _("taken up by the partner")
        NOT_TAKEN_UP = "not_taken_up", _("not taken up")
        REFUSED = "refused", _("refused by the partner")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="partner_referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("partner"))
    referred_on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    follow_up = EncryptedTextField(_("follow-up"), max_length=TEXT_MAX_LENGTH, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    legal_ground = EncryptedTextField(_("legal ground"), max_length=TEXT_MAX_LENGTH, blank=True,
                                      help_text=_("Only when the person has not consented: the law that allows it (recorded by a lead)."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on"]
        verbose_name = _("referral to a partner")
        verbose_name_plural = _("referrals to partners")
        default_permissions = ()
        indexes = [models.Index(fields=["referred_on"], name="partner_referral_date")]

    def __repr__(self):
        return f"<PartnerReferral {self.pk}>"


class TeamReferral(ChoiceLabels, models.Model):
    """A case referred (the sending team keeps its file) or transferred (the sending team
    closes it) to another team. Nothing is copied until the receiving lead accepts."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("referral")
        TRANSFER = "transfer", _("transfer")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the receiving lead")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REFERRAL)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team_referrals_sent")
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("to team"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    legal_ground = EncryptedTextField(_("legal ground"), max_length=TEXT_MAX_LENGTH, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reason = EncryptedTextField(_("reason for the decision"), max_length=TEXT_MAX_LENGTH, blank=True)
    new_case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on"]
        verbose_name = _("referral to another team")
        verbose_name_plural = _("referrals to other teams")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=~Q(from_team=models.F("to_team")), name="team_referral_other_team"),
            models.UniqueConstraint(fields=["case", "to_team"], condition=Q(status="pending"), name="team_referral_one_pending"),
        ]

    def __repr__(self):
        return f"<TeamReferral {self.pk}>"


class FileLink(ChoiceLabels, models.Model):
    """Two teams' files about the same person (same national number blind index).

    Created when the second file is opened: each lead then learns only that a file exists in the
    other team and whom to contact. The files are linked once both leads accept."""

    class Status(models.TextChoices):
        FOUND = "found", _("file found in another team")
        LINKED = "linked", _("files linked")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    new_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    existing_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(auto_now_add=True)
    new_lead_accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    existing_lead_accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # When a side's person has not consented to sharing with the other team, its lead's ground.
    new_legal_ground = EncryptedTextField(_("legal ground"), max_length=TEXT_MAX_LENGTH, blank=True)
    existing_legal_ground = EncryptedTextField(_("legal ground"), max_length=TEXT_MAX_LENGTH, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FOUND)

    class Meta:
        ordering = ["-found_at"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["new_case", "existing_case"], name="file_link_unique")]

    def __repr__(self):
        return f"<FileLink {self.pk}>"

    def side_of(self, case):
        return "new" if case.pk == self.new_case_id else "existing"

    def other_case(self, case):
        return self.existing_case if case.pk == self.new_case_id else self.new_case
