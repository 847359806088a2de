"""The agenda's state changes: keyword-only arguments with ``actor`` and ``origin``, one
transaction each, the audit event inside it. Callers have authorised the case first
(``casework.access.get_case_for_user``); these functions keep the invariants (the worker of
an appointment is a worker of the case's team, a case is handed over only within its team)."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import Origin, audit_record
from casework.agenda.models import Appointment, CalendarFeed, CaseFollowUp, HomeVisit, TeamFollowUp
from casework.models import Assignment, Case, Role
from casework.services import cases as case_services


def _check_worker(worker, case):
    if not Role.objects.filter(user=worker, kind=Role.Kind.WORKER, team_id=case.team_id).exists():
        raise ValidationError({"worker": _("This person is not a social worker of the team.")})


def next_appointment_refresh(case_id):
    """Keep ``Case.next_appointment_at`` (the earliest appointment still planned) in step."""
    first = (Appointment.objects.filter(case_id=case_id, status=Appointment.Status.PLANNED)
             .aggregate(first=Min("starts_at"))["first"])
    Case.objects.filter(pk=case_id).update(next_appointment_at=first)


def appointment_plan(*, actor, origin: Origin, case, worker, starts_at, duration_minutes, place, kind) -> Appointment:
    if not case.is_open:
        raise ValidationError(_("Appointments cannot be planned on a closed case."))
    if kind.team_id != case.team_id or not kind.active:
        raise ValidationError({"kind": _("Choose a kind of session of this team.")})
    _check_worker(worker, case)
    with transaction.atomic():
        appointment = Appointment(case=case, worker=worker, starts_at=starts_at, duration_minutes=duration_minutes,
                                  place=place, kind=kind, created_by=actor)
        appointment.full_clean()
        appointment.save()
        next_appointment_refresh(case.pk)
        audit_record(actor=actor, action=Action.APPOINTMENT_PLAN, origin=origin, target_type="appointment",
                     target_id=appointment.pk, target_ref=case.reference, team=case.team.code,
                     detail={"worker": worker.get_username(), "place": place, "kind": kind.code})
    return appointment


def appointment_cancel(*, actor, origin: Origin, appointment) -> Appointment:
    with transaction.atomic():
        current = Appointment.objects.select_for_update().select_related("case__team").get(pk=appointment.pk)
        if current.status != Appointment.Status.PLANNED:
            raise ValidationError(_("This appointment is no longer planned."))
        current.status = Appointment.Status.CANCELLED
        current.save(update_fields=["status"])
        next_appointment_refresh(current.case_id)
        audit_record(actor=actor, action=Action.APPOINTMENT_CANCEL, origin=origin, target_type="appointment",
                     target_id=current.pk, target_ref=current.case.reference, team=current.case.team.code)
    return current


def appointment_record_session(*, actor, origin: Origin, appointment, kind, held_on, place, duration_minutes, notes=""):
    """Record the session an appointment was for, and mark the appointment done (one transaction)."""
    with transaction.atomic():
        current = Appointment.objects.select_for_update().select_related("case__team").get(pk=appointment.pk)
        if current.status != Appointment.Status.PLANNED:
            raise ValidationError(_("A session was already recorded for this appointment, or it was cancelled."))
        session = case_services.session_record(actor=actor, origin=origin, case=current.case, kind=kind, held_on=held_on,
                                               duration_minutes=duration_minutes, notes=notes, place=place)
        current.status, current.session = Appointment.Status.DONE, session
        current.save(update_fields=["status", "session"])
        next_appointment_refresh(current.case_id)
    return session


def follow_up_set(*, actor, origin: Origin, case=None, team=None, days) -> None:
    """Set a case's own follow-up interval (``days`` None: back to the team's), or a team's."""
    if days is not None and not 1 <= days <= 365:
        raise ValidationError({"days": _("Choose between 1 and 365 days.")})
    with transaction.atomic():
        if case is not None:
            if days is None:
                CaseFollowUp.objects.filter(case=case).delete()
            else:
                CaseFollowUp.objects.update_or_create(case=case, defaults={"days": days})
            audit_record(actor=actor, action=Action.FOLLOW_UP_SET, origin=origin, target_type="case", target_id=case.pk,
                         target_ref=case.reference, team=case.team.code, detail={"days": days})
        else:
            TeamFollowUp.objects.update_or_create(team=team, defaults={"days": days})
            audit_record(actor=actor, action=Action.FOLLOW_UP_SET, origin=origin, target_type="team", target_id=team.code,
                         team=team.code, detail={"days": days})


def handover(*, actor, origin: Origin, team, from_worker, to_worker, cases=None) -> list:
    """Move all of ``from_worker``'s cases in ``team`` (or the chosen ``cases``) to ``to_worker``
    in one step: each case is assigned to the new worker and unassigned from the old one, and
    the old worker's planned appointments on it move too. All or nothing."""
    if from_worker == to_worker:
        raise ValidationError({"to_worker": _("Choose another worker to hand the cases over to.")})
    for worker in (from_worker, to_worker):
        if not Role.objects.filter(user=worker, kind=Role.Kind.WORKER, team=team).exists():
            raise ValidationError(_("Both people must be social workers of the team."))
    theirs = Case.objects.filter(team=team, assignments__worker=from_worker)
    if cases is not None:
        theirs = theirs.filter(pk__in=[c.pk for c in cases])
        if theirs.count() != len({c.pk for c in cases}):
            raise ValidationError(_("Some of the chosen cases are not assigned to this worker."))
    moved = []
    with transaction.atomic():
        for case in theirs.select_related("team").order_by("reference"):
            case_services.case_assign(actor=actor, origin=origin, case=case, worker=to_worker)
            case_services.case_unassign(actor=actor, origin=origin, case=case, worker=from_worker)
            Appointment.objects.filter(case=case, worker=from_worker, status=Appointment.Status.PLANNED).update(worker=to_worker)
            moved.append(case)
    return moved


def case_reassign(*, actor, origin: Origin, case, from_worker, to_worker) -> Case:
    """Reassign one case from one worker to another: one action, not add-then-remove."""
    if not Assignment.objects.filter(case=case, worker=from_worker).exists():
        raise ValidationError({"from_worker": _("This person is not assigned to the case.")})
    handover(actor=actor, origin=origin, team=case.team, from_worker=from_worker, to_worker=to_worker, cases=[case])
    return case


def home_visit_record(*, user):
    """Remember this visit of the home page; return the previous one (None on the first)."""
    now = timezone.now()
    visit = HomeVisit.objects.filter(user=user).first()
    if visit is None:
        HomeVisit.objects.create(user=user, previous_at=None, last_at=now)
        return None
    # Several loads within a few minutes count as one visit: a reload must not hide what's new.
    if (now - visit.last_at).total_seconds() > 15 * 60:
        visit.previous_at = visit.last_at
    visit.last_at = now
    visit.save(update_fields=["previous_at", "last_at"])
    return visit.previous_at


def feed_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def calendar_feed_create(*, actor, origin: Origin) -> str:
    """A new secret URL for the actor's calendar feed (any previous one stops working).
    Returns the secret; only its hash is stored."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(user=actor, defaults={"secret_hash": feed_secret_hash(secret)})
        audit_record(actor=actor, action=Action.CALENDAR_FEED, origin=origin, target_type="calendar_feed",
                     target_id=actor.pk, detail={"change": "created"})
    return secret


def calendar_feed_revoke(*, actor, origin: Origin) -> bool:
    with transaction.atomic():
        deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
        if deleted:
            audit_record(actor=actor, action=Action.CALENDAR_FEED, origin=origin, target_type="calendar_feed",
                         target_id=actor.pk, detail={"change": "revoked"})
    return bool(deleted)


def overdue_follow_ups_notify(*, today=None) -> int:
    """Tell each assigned worker of a case whose follow-up is overdue, once per due date (a new
    session moves the date on). Run by Celery beat; the notification holds the reference only."""
    from django.contrib.auth import get_user_model

    from casework.agenda import selectors
    from casework.notifications.models import Notification
    from casework.notifications.services import notification_create

    today = today or timezone.localdate()
    overdue = [f for f in selectors.follow_ups_due(Case.objects.all(), today=today) if f.overdue]
    by_case = {}
    for case_id, worker_id in Assignment.objects.filter(case_id__in=[f.case_id for f in overdue]).values_list("case_id", "worker_id"):
        by_case.setdefault(case_id, []).append(worker_id)
    cases = Case.objects.in_bulk([f.case_id for f in overdue])
    workers = get_user_model().objects.in_bulk({w for ws in by_case.values() for w in ws})
    created = 0
    for follow_up in overdue:
        for worker_id in by_case.get(follow_up.case_id, []):
            created += notification_create(
                recipient=workers[worker_id], kind=Notification.Kind.FOLLOW_UP_OVERDUE,
                key=f"overdue:{follow_up.case_id}:{follow_up.due_on.isoformat()}", case=cases[follow_up.case_id]) is not None
    return created
