"""Writes of anonymous contacts and collective activities: keyword-only, an explicit actor and
origin, one transaction with its audit event. Team membership is checked here, not only in the
views, so no path records work for a team the actor is not in."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import Origin, audit_record
from casework.access import roles_of
from casework.contacts.models import NOTE_MAX, AnonymousContact, CollectiveActivity
from casework.models import Role
from casework.services.cases import case_open


def _check_date(date: datetime.date):
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if date.year < 2000:
        raise ValidationError({"date": _("Enter a date after 2000.")})


def _audit(actor, origin, action, obj, **detail):
    audit_record(actor=actor, action=action, origin=origin, target_type=type(obj).__name__.lower(),
                 target_id=obj.pk, team=obj.team.code, detail=detail)


def contact_record(*, actor, origin: Origin, team, date, kind, asker, topic, duration_minutes, note="") -> AnonymousContact:
    if team.pk not in roles_of(actor).casework_teams:
        raise PermissionDenied("not a member of the team")
    _check_date(date)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Keep the note under %(max)s characters.") % {"max": NOTE_MAX}})
    with transaction.atomic():
        contact = AnonymousContact(team=team, date=date, kind=kind, asker=asker, topic=topic,
                                   duration_minutes=duration_minutes, note=note, recorded_by=actor)
        contact.full_clean()
        contact.save()
        _audit(actor, origin, Action.CONTACT_CREATE, contact, kind=kind)
    return contact


def contact_request_case(*, actor, origin: Origin, contact: AnonymousContact) -> AnonymousContact:
    """The person wants a file: the lead sees the request and opens the case."""
    with transaction.atomic():
        current = AnonymousContact.objects.select_for_update().select_related("team").get(pk=contact.pk)
        if current.case_id or current.case_requested:
            return current
        current.case_requested = True
        current.save(update_fields=["case_requested"])
        _audit(actor, origin, Action.CONTACT_CASE_REQUEST, current)
    return current


def contact_convert(*, actor, origin: Origin, contact: AnonymousContact, opened_on, identity: dict, details: dict, workers=()):
    """Open a case for the person of an anonymous contact, through the core's ``case_open``
    (which only a lead of the team may reach), and link the contact to it in one transaction."""
    if contact.team_id not in roles_of(actor).lead_teams:
        raise PermissionDenied("only a lead of the team opens a case")
    with transaction.atomic():
        current = AnonymousContact.objects.select_for_update().select_related("team").get(pk=contact.pk)
        if current.case_id:
            raise ValidationError(_("A case was already opened for this contact."))
        case = case_open(actor=actor, origin=origin, team=current.team, opened_on=opened_on,
                         identity=identity, details=details, workers=workers)
        current.case, current.case_requested = case, False
        current.save(update_fields=["case", "case_requested"])
        _audit(actor, origin, Action.CONTACT_CONVERT, current, case=case.reference)
    return case


def activity_record(*, actor, origin: Origin, team, date, kind, title, partners="", participants=0, workers=()) -> CollectiveActivity:
    roles = roles_of(actor)
    if team.pk not in roles.casework_teams:
        raise PermissionDenied("not a member of the team")
    _check_date(date)
    workers = list(workers) or [actor]
    members = set(Role.objects.filter(team=team, kind__in=[Role.Kind.WORKER, Role.Kind.LEAD], user__in=workers)
                  .values_list("user_id", flat=True))
    if any(w.pk not in members for w in workers):
        raise ValidationError({"workers": _("Only members of the team can be named as its workers.")})
    with transaction.atomic():
        activity = CollectiveActivity(team=team, date=date, kind=kind, title=(title or "").strip(),
                                      partners=(partners or "").strip(), participants=participants, recorded_by=actor)
        # A lead's own entry needs no second look.
        if team.pk in roles.lead_teams:
            activity.confirmed_by, activity.confirmed_at = actor, timezone.now()
        activity.full_clean()
        activity.save()
        activity.workers.set(workers)
        _audit(actor, origin, Action.ACTIVITY_CREATE, activity, kind=kind, participants=participants,
               confirmed=activity.confirmed)
    return activity


def activity_confirm(*, actor, origin: Origin, activity: CollectiveActivity) -> CollectiveActivity:
    if activity.team_id not in roles_of(actor).lead_teams:
        raise PermissionDenied("only a lead of the team confirms")
    with transaction.atomic():
        current = CollectiveActivity.objects.select_for_update().select_related("team").get(pk=activity.pk)
        if current.confirmed:
            return current
        current.confirmed_by, current.confirmed_at = actor, timezone.now()
        current.save(update_fields=["confirmed_by", "confirmed_at"])
        _audit(actor, origin, Action.ACTIVITY_CONFIRM, current)
    return current
