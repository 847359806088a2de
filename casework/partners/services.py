"""Writes of the partners app: keyword-only arguments with an explicit actor and origin, one
transaction each, the audit event inside it.

The rule every function here keeps: no data leaves the team (a referral, a link, a copy)
without the person's consent in force for that recipient, or a legal ground recorded by the
team's lead. The views check who may act; these functions check that rule and the states.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import Origin, audit_record
from casework.access import is_lead_of
from casework.models import Case, ClosureReason
from casework.services.cases import case_close, case_event_record, case_open
from casework.services.retention import case_purge
from casework.partners.models import Consent, ErasureGround, FileLink, Partner, PartnerReferral, TeamReferral
from casework.partners import selectors


def _save(instance, actor):
    instance._history_user = actor
    instance.full_clean()
    instance.save()


def _today():
    return timezone.localdate()


def _event(*, actor, origin, action, target_type, target_id, case=None, team="", **detail):
    audit_record(actor=actor, action=action, origin=origin, target_type=target_type, target_id=str(target_id),
                 target_ref=case.reference if case else "", team=case.team.code if case else team, detail=detail)


# Partner directory --------------------------------------------------------------------------

def partner_save(*, actor, origin: Origin, partner: Partner | None = None, values: dict) -> Partner:
    with transaction.atomic():
        created = partner is None
        partner = partner or Partner()
        changed = [name for name, value in values.items() if getattr(partner, name) != value]
        for name in changed:
            setattr(partner, name, values[name])
        if changed or created:
            _save(partner, actor)
            _event(actor=actor, origin=origin, action=Action.PARTNER_CHANGE, target_type="partner", target_id=partner.pk,
                   created=created, fields=sorted(changed))
    return partner


# Consent -------------------------------------------------------------------------------------

def consent_record(*, actor, origin: Origin, case: Case, scope, given_on: datetime.date, manner,
                   team=None, partner=None, note="") -> Consent:
    if given_on > _today():
        raise ValidationError({"given_on": _("Consent cannot be given in the future.")})
    if scope == Consent.Scope.SHARE_TEAM and (team is None or team.pk == case.team_id):
        raise ValidationError({"team": _("Name the other team the person agreed to share with.")})
    if scope == Consent.Scope.SHARE_PARTNER and partner is None:
        raise ValidationError({"partner": _("Name the partner the person agreed to share with.")})
    if scope != Consent.Scope.SHARE_TEAM:
        team = None
    if scope != Consent.Scope.SHARE_PARTNER:
        partner = None
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)  # one writer per case: no double consent
        if Consent.objects.in_force().filter(case=case, scope=scope, team=team, partner=partner).exists():
            raise ValidationError({"scope": _("This consent is already recorded and in force.")})
        consent = Consent(case=case, scope=scope, team=team, partner=partner, given_on=given_on, manner=manner,
                          note=note, recorded_by=actor)
        _save(consent, actor)
        case_event_record(actor=actor, origin=origin, action=Action.CONSENT_RECORD, case=case, scope=scope,
                          recipient=team.code if team else (str(partner.pk) if partner else ""))
    return consent


def consent_withdraw(*, actor, origin: Origin, consent: Consent, withdrawn_on: datetime.date, note="") -> Consent:
    with transaction.atomic():
        current = Consent.objects.select_for_update().select_related("case__team").get(pk=consent.pk)
        if not current.in_force:
            raise ValidationError(_("This consent was already withdrawn."))
        if withdrawn_on > _today():
            raise ValidationError({"withdrawn_on": _("A withdrawal cannot be dated in the future.")})
        if withdrawn_on < current.given_on:
            raise ValidationError({"withdrawn_on": _("A consent cannot be withdrawn before it was given.")})
        current.withdrawn_on, current.withdrawal_note = withdrawn_on, note
        _save(current, actor)
        case_event_record(actor=actor, origin=origin, action=Action.CONSENT_WITHDRAW, case=current.case, scope=current.scope)
    return current


def _ground_or_consent(*, actor, case, consented: bool, legal_ground: str, field="legal_ground"):
    """Data may leave the team with the person's consent, or on a legal ground recorded by the
    team's lead; anything else is refused."""
    if consented:
        return ""
    if not legal_ground.strip():
        raise ValidationError({field: _("The person has not consented to this. A team lead may record the legal ground that allows it.")})
    if not is_lead_of(actor, case.team):
        raise ValidationError({field: _("Only the team lead may record a legal ground instead of consent.")})
    return legal_ground.strip()


# Referrals to partners -------------------------------------------------------------------

def partner_referral_record(*, actor, origin: Origin, case: Case, partner: Partner, referred_on: datetime.date,
                            reason, follow_up="", legal_ground="") -> PartnerReferral:
    if referred_on > _today():
        raise ValidationError({"referred_on": _("A referral cannot be dated in the future.")})
    if referred_on < case.opened_on:
        raise ValidationError({"referred_on": _("A referral cannot be dated before the case was opened.")})
    if not partner.active:
        raise ValidationError({"partner": _("This partner is no longer in the directory.")})
    with transaction.atomic():
        current = Case.objects.select_for_update().select_related("team").get(pk=case.pk)
        consented = selectors.has_consent(current, Consent.Scope.SHARE_PARTNER, partner=partner)
        ground = _ground_or_consent(actor=actor, case=current, consented=consented, legal_ground=legal_ground)
        if PartnerReferral.objects.filter(case=current, partner=partner, referred_on=referred_on, reason=reason).exists():
            raise ValidationError({"partner": _("This referral is already recorded.")})
        referral = PartnerReferral(case=current, partner=partner, referred_on=referred_on, reason=reason,
                                   follow_up=follow_up, legal_ground=ground, recorded_by=actor)
        _save(referral, actor)
        case_event_record(actor=actor, origin=origin, action=Action.REFERRAL_RECORD, case=current,
                          partner=str(partner.pk), reason=reason, on_legal_ground=bool(ground))
    return referral


def partner_referral_update(*, actor, origin: Origin, referral: PartnerReferral, expected_version: int,
                            outcome, follow_up) -> PartnerReferral:
    with transaction.atomic():
        current = PartnerReferral.objects.select_for_update().select_related("case__team").get(pk=referral.pk)
        if current.version != expected_version:
            raise ValidationError(_("Someone else changed this referral meanwhile. Check it and save again."))
        changed = [name for name, value in (("outcome", outcome), ("follow_up", follow_up)) if getattr(current, name) != value]
        if changed:
            current.outcome, current.follow_up = outcome, follow_up
            current.version += 1
            _save(current, actor)
            case_event_record(actor=actor, origin=origin, action=Action.REFERRAL_UPDATE, case=current.case, fields=changed)
    return current


# Referrals and transfers between teams ----------------------------------------------------------

def team_referral_request(*, actor, origin: Origin, case: Case, to_team, kind, reason, legal_ground="") -> TeamReferral:
    if to_team.pk == case.team_id:
        raise ValidationError({"to_team": _("Choose another team than the case's own.")})
    with transaction.atomic():
        current = Case.objects.select_for_update().select_related("team").get(pk=case.pk)
        if not current.is_open:
            raise ValidationError(_("A closed case cannot be referred; reopen it first."))
        if TeamReferral.objects.filter(case=current, to_team=to_team, status=TeamReferral.Status.PENDING).exists():
            raise ValidationError({"to_team": _("This case is already waiting for that team's answer.")})
        consented = selectors.has_consent(current, Consent.Scope.SHARE_TEAM, team=to_team)
        ground = _ground_or_consent(actor=actor, case=current, consented=consented, legal_ground=legal_ground)
        referral = TeamReferral(case=current, kind=kind, from_team=current.team, to_team=to_team, reason=reason,
                                legal_ground=ground, requested_by=actor, requested_on=_today())
        _save(referral, actor)
        case_event_record(actor=actor, origin=origin, action=Action.TEAM_REFERRAL_REQUEST, case=current,
                          to_team=to_team.code, kind=kind, reason=reason, on_legal_ground=bool(ground))
    return referral


def team_referral_view_record(*, actor, origin: Origin, referral: TeamReferral):
    """The receiving lead read the minimum of a referral (name, date of birth, reason)."""
    audit_record(actor=actor, action=Action.TEAM_REFERRAL_VIEW, origin=origin, target_type="team_referral",
                 target_id=str(referral.pk), target_ref=referral.case.reference, team=referral.to_team.code,
                 detail={"from_team": referral.from_team.code})


def _locked_pending(referral):
    current = TeamReferral.objects.select_for_update().select_related("case__team", "to_team", "from_team").get(pk=referral.pk)
    if current.status != TeamReferral.Status.PENDING:
        raise ValidationError(_("This referral was already answered."))
    return current


def team_referral_decline(*, actor, origin: Origin, referral: TeamReferral, reason: str) -> TeamReferral:
    """Declined: nothing is copied; the sending team sees the answer and its reason."""
    if not reason.strip():
        raise ValidationError({"decision_reason": _("Say why the referral is declined.")})
    with transaction.atomic():
        current = _locked_pending(referral)
        current.status, current.decided_by, current.decided_on = TeamReferral.Status.DECLINED, actor, _today()
        current.decision_reason = reason.strip()
        _save(current, actor)
        audit_record(actor=actor, action=Action.TEAM_REFERRAL_DECLINE, origin=origin, target_type="team_referral",
                     target_id=str(current.pk), target_ref=current.case.reference, team=current.to_team.code,
                     detail={"from_team": current.from_team.code})
    return current


def consented_identity(case) -> dict:
    """The identity the receiving team gets: who the person is, and the contact details the
    person agreed to be contacted by. Never the notes, the sessions or the team's details."""
    scopes = selectors.scopes_in_force(case)
    identity = {name: getattr(case, name) for name in ("given_names", "family_name", "date_of_birth", "national_number")}
    if Consent.Scope.CONTACT_PHONE in scopes:
        identity["phone"] = case.phone
    if scopes & {Consent.Scope.CONTACT_LETTER, Consent.Scope.CONTACT_HOME}:
        identity["address"] = case.address
    return identity


def team_referral_accept(*, actor, origin: Origin, referral: TeamReferral, opened_on: datetime.date, details: dict) -> Case:
    """Open the linked case in the receiving team with the consented data only; a transfer
    also closes the sending team's case ("referred to another service")."""
    with transaction.atomic():
        current = _locked_pending(referral)
        source = Case.objects.select_for_update().select_related("team").get(pk=current.case_id)
        if not current.legal_ground and not selectors.has_consent(source, Consent.Scope.SHARE_TEAM, team=current.to_team):
            raise ValidationError(_("The person withdrew their consent to sharing with your team; nothing can be copied."))
        if current.kind == TeamReferral.Kind.TRANSFER and not source.is_open:
            raise ValidationError(_("The sending team closed this case meanwhile; ask them again."))
        if opened_on < current.requested_on:
            raise ValidationError({"opened_on": _("The new case cannot be opened before the referral was made.")})
        new_case = case_open(actor=actor, origin=origin, team=current.to_team, opened_on=opened_on,
                             identity=consented_identity(source), details=details)
        for consent in source.consents.in_force().filter(scope__in=selectors.PERSONAL_SCOPES):
            _save(Consent(case=new_case, scope=consent.scope, given_on=consent.given_on, manner=consent.manner,
                          recorded_by=actor), actor)
        link, _created = FileLink.objects.get_or_create(new_case=new_case, existing_case=source)
        link.status = FileLink.Status.LINKED
        link.new_lead_accepted_by, link.existing_lead_accepted_by = actor, current.requested_by
        link.save()
        current.status, current.decided_by, current.decided_on, current.new_case = (
            TeamReferral.Status.ACCEPTED, actor, _today(), new_case)
        _save(current, actor)
        audit_record(actor=actor, action=Action.TEAM_REFERRAL_ACCEPT, origin=origin, target_type="team_referral",
                     target_id=str(current.pk), target_ref=source.reference, team=current.to_team.code,
                     detail={"from_team": current.from_team.code, "new_case": new_case.reference, "kind": current.kind,
                             "copied": sorted(consented_identity(source))})
        if current.kind == TeamReferral.Kind.TRANSFER:
            case_close(actor=actor, origin=origin, case=source, expected_version=source.version,
                       closed_on=max(_today(), source.opened_on), reason=ClosureReason.REFERRED)
    return new_case


# Another team's file -----------------------------------------------------------------------------

def file_links_on_open(*, case: Case, actor, origin: Origin):
    """The ``case_opened`` hook: the person's national number (blind index) is already in
    another team's file. Both leads learn that a file exists and whom to contact; nothing else."""
    if not case.national_number_index:
        return []
    others = (Case.objects.filter(national_number_index=case.national_number_index).exclude(team=case.team)
              .select_related("team"))
    links = []
    for other in others:
        link, created = FileLink.objects.get_or_create(new_case=case, existing_case=other)
        if created:
            for mine, theirs in ((case, other), (other, case)):
                case_event_record(actor=actor, origin=origin, action=Action.FILE_LINK_NOTICE, case=mine,
                                  other_team=theirs.team.code)
        links.append(link)
    return links


def file_link_accept(*, actor, origin: Origin, link: FileLink, case: Case, legal_ground="") -> FileLink:
    """One lead agrees to link their file (``case``) with the other team's; linked once both did."""
    with transaction.atomic():
        current = FileLink.objects.select_for_update().select_related("new_case__team", "existing_case__team").get(pk=link.pk)
        side = current.side_of(case)
        mine, other = (current.new_case, current.existing_case) if side == "new" else (current.existing_case, current.new_case)
        consented = selectors.has_consent(mine, Consent.Scope.SHARE_TEAM, team=other.team)
        ground = _ground_or_consent(actor=actor, case=mine, consented=consented, legal_ground=legal_ground)
        if getattr(current, f"{side}_lead_accepted_by_id"):
            raise ValidationError(_("Your team already accepted this link."))
        setattr(current, f"{side}_lead_accepted_by", actor)
        setattr(current, f"{side}_legal_ground", ground)
        if current.new_lead_accepted_by_id and current.existing_lead_accepted_by_id:
            current.status = FileLink.Status.LINKED
        current.save()
        case_event_record(actor=actor, origin=origin, action=Action.FILE_LINK_ACCEPT, case=mine,
                          other_team=other.team.code, linked=current.status == FileLink.Status.LINKED,
                          on_legal_ground=bool(ground))
    return current


# Legal hold, erasure ---------------------------------------------------------------------------

def legal_hold_set(*, actor, origin: Origin, case: Case, reason: str) -> Case:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the legal hold.")})
    with transaction.atomic():
        current = Case.objects.select_for_update().select_related("team").get(pk=case.pk)
        current.legal_hold, current.legal_hold_reason = True, reason.strip()
        current._history_user = actor
        current.save()
        case_event_record(actor=actor, origin=origin, action=Action.LEGAL_HOLD_SET, case=current)
    return current


def legal_hold_lift(*, actor, origin: Origin, case: Case) -> Case:
    with transaction.atomic():
        current = Case.objects.select_for_update().select_related("team").get(pk=case.pk)
        if not current.legal_hold:
            raise ValidationError(_("This case is not under legal hold."))
        current.legal_hold, current.legal_hold_reason = False, ""
        current._history_user = actor
        current.save()
        case_event_record(actor=actor, origin=origin, action=Action.LEGAL_HOLD_LIFT, case=current)
    return current


def case_erase(*, actor, origin: Origin, case: Case, ground: str, requested_on: datetime.date) -> str:
    """Erase a file at the person's request (GDPR art. 17), as the retention purge does: the
    audit event keeps the reference, the ground and the request's date, nothing personal."""
    if ground not in ErasureGround.values:
        raise ValidationError({"ground": _("Choose the ground of the request.")})
    if requested_on > _today():
        raise ValidationError({"requested_on": _("The request cannot be dated in the future.")})
    with transaction.atomic():
        current = Case.objects.select_for_update().select_related("team").get(pk=case.pk)
        if current.legal_hold:
            raise ValidationError(_("This case is under legal hold: lift the hold before erasing it."))
        reference = current.reference
        case_purge(actor=actor, origin=origin, case=current, action=Action.CASE_ERASE,
                   justification=f"GDPR art. 17: {ground}, requested on {requested_on.isoformat()}")
    return reference


def case_rows_delete(*, case: Case):
    """The ``case_purging`` hook: the case's consents, referrals and links, and their history."""
    for model in (Consent, PartnerReferral):
        ids = list(model.objects.filter(case=case).values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).delete()
        model.history.filter(id__in=ids).delete()
    ids = list(TeamReferral.objects.filter(case=case).values_list("pk", flat=True))
    TeamReferral.objects.filter(pk__in=ids).delete()
    TeamReferral.history.filter(id__in=ids).delete()
    FileLink.objects.filter(new_case=case).delete()
    FileLink.objects.filter(existing_case=case).delete()


# Subject access ---------------------------------------------------------------------------------

def subject_access_record(*, actor, origin: Origin, cases, fmt: str, language: str):
    """One audit event per file included in the answer to a subject access request."""
    with transaction.atomic():
        for case in cases:
            case_event_record(actor=actor, origin=origin, action=Action.SUBJECT_ACCESS, case=case,
                              format=fmt, language=language, files=len(cases))
