"""Writes of the social hotel register and of the victims' self-assessments: keyword-only, an
explicit actor and origin, one transaction with its audit event. The caller has authorised the
case (``casework.access.get_case_for_user`` with CHANGE)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import Origin, audit_record
from victims.models import HotelRoom, HotelStay, HotelWaitingEntry, SelfAssessment

TEAM_CODE = "MEDLOC-SCAV"


def _check_victim_case(case):
    if case.team.code != TEAM_CODE:
        raise ValidationError(_("Only victim assistance cases have a social hotel stay or a self-assessment."))


def _audit(actor, origin, action, case, **detail):
    audit_record(actor=actor, action=action, origin=origin, target_type="case", target_id=case.pk,
                 target_ref=case.reference, team=case.team.code, detail=detail)


def _room_full(room, check_in, check_out, exclude=None):
    """Whether some night of [check_in, check_out) already has as many stays as the room has
    beds. The room's stays are locked so two workers cannot fill the same bed."""
    end = check_out or datetime.date.max
    others = (HotelStay.objects.select_for_update().filter(room=room).exclude(pk=getattr(exclude, "pk", None))
              .filter(check_in__lt=end).exclude(check_out__isnull=False, check_out__lte=check_in))
    events = []
    for stay in others:
        events.append((max(stay.check_in, check_in), 1))
        events.append((min(stay.check_out or datetime.date.max, end), -1))
    occupied = 0
    for _day, change in sorted(events, key=lambda e: (e[0], e[1])):
        occupied += change
        if occupied >= room.beds:
            return True
    return False


def _check_stay_dates(check_in, check_out):
    today = timezone.localdate()
    if check_in > today:
        raise ValidationError({"check_in": _("The arrival cannot be in the future.")})
    if check_out is not None and check_out <= check_in:
        raise ValidationError({"check_out": _("The departure must be at least one night after the arrival.")})
    if check_out is not None and check_out > today + datetime.timedelta(days=1):
        raise ValidationError({"check_out": _("The departure cannot be in the future; leave it empty while the person stays.")})


def stay_start(*, actor, origin: Origin, case, room: HotelRoom, check_in, check_out=None) -> HotelStay:
    _check_victim_case(case)
    _check_stay_dates(check_in, check_out)
    if not room.active:
        raise ValidationError({"room": _("This room is not in use.")})
    with transaction.atomic():
        if _room_full(room, check_in, check_out):
            raise ValidationError({"room": _("The room is already taken for these nights.")})
        stay = HotelStay(case=case, room=room, check_in=check_in, check_out=check_out)
        stay.full_clean()
        stay.save()
        HotelWaitingEntry.objects.filter(case=case, status=HotelWaitingEntry.Status.WAITING).update(
            status=HotelWaitingEntry.Status.PLACED, closed_on=check_in)
        _audit(actor, origin, Action.HOTEL_CHANGE, case, op="stay_start", stay=stay.pk)
    return stay


def stay_end(*, actor, origin: Origin, stay: HotelStay, check_out) -> HotelStay:
    with transaction.atomic():
        current = HotelStay.objects.select_for_update().select_related("case__team", "room").get(pk=stay.pk)
        _check_stay_dates(current.check_in, check_out)
        if _room_full(current.room, current.check_in, check_out, exclude=current):
            raise ValidationError({"check_out": _("The room is already taken for these nights.")})
        current.check_out = check_out
        current.full_clean()
        current.save(update_fields=["check_out"])
        _audit(actor, origin, Action.HOTEL_CHANGE, current.case, op="stay_end", stay=current.pk)
    return current


def waiting_add(*, actor, origin: Origin, case, asked_on) -> HotelWaitingEntry:
    _check_victim_case(case)
    if asked_on > timezone.localdate():
        raise ValidationError({"asked_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        existing = HotelWaitingEntry.objects.select_for_update().filter(case=case, status=HotelWaitingEntry.Status.WAITING).first()
        if existing:
            return existing
        entry = HotelWaitingEntry.objects.create(case=case, asked_on=asked_on)
        _audit(actor, origin, Action.HOTEL_CHANGE, case, op="waiting_add")
    return entry


def waiting_withdraw(*, actor, origin: Origin, entry: HotelWaitingEntry) -> HotelWaitingEntry:
    with transaction.atomic():
        current = HotelWaitingEntry.objects.select_for_update().select_related("case__team").get(pk=entry.pk)
        if current.status == HotelWaitingEntry.Status.WAITING:
            current.status, current.closed_on = HotelWaitingEntry.Status.WITHDRAWN, timezone.localdate()
            current.save(update_fields=["status", "closed_on"])
            _audit(actor, origin, Action.HOTEL_CHANGE, current.case, op="waiting_withdraw")
    return current


def assessment_record(*, actor, origin: Origin, case, moment, assessed_on, safety, coping) -> SelfAssessment:
    """Record (or correct) the intake or closing self-assessment of a victim's case."""
    _check_victim_case(case)
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date cannot be in the future.")})
    if assessed_on < case.opened_on:
        raise ValidationError({"assessed_on": _("The date cannot be before the case was opened.")})
    for name, value in (("safety", safety), ("coping", coping)):
        if value is None or not 0 <= value <= 10:
            raise ValidationError({name: _("Choose a score from 0 to 10.")})
    with transaction.atomic():
        assessment, created = SelfAssessment.objects.select_for_update().get_or_create(
            case=case, moment=moment, defaults={"assessed_on": assessed_on, "safety": safety, "coping": coping})
        if not created:
            assessment.assessed_on, assessment.safety, assessment.coping = assessed_on, safety, coping
            assessment.full_clean()
            assessment.save()
        _audit(actor, origin, Action.OUTCOME_RECORD, case, moment=moment, op="create" if created else "update")
    return assessment
