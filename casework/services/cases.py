"""State changes of case files: each a function with keyword-only arguments, an explicit
actor and origin, one transaction, and its audit event written in that transaction.

Callers (views, seed_demo, tasks) check access first through casework.access; these functions
check the invariants that no caller may break (team membership of assigned workers, dates,
versions)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from audit.actions import Action
from audit.services import Origin, audit_record
from casework.access import CHANGE, VIEW
from casework.extensions import app_hooks
from casework.crypto.blind_index import FULL_NAME, NATIONAL_NUMBER, blind_index
from casework.models import Assignment, Case, ReferenceCounter, Role, Session
from casework.teams import details_model_for, details_of

IDENTITY_FIELDS = ("given_names", "family_name", "date_of_birth", "national_number", "phone", "address", "notes")

class StaleVersion(Exception):
    """Someone else saved the record since the form was opened (optimistic locking)."""

    def __init__(self, current):
        super().__init__("stale version")
        self.current = current


def _save(instance, actor):
    """Save, telling django-simple-history who made the change (also outside a request)."""
    instance._history_user = actor
    instance.save()


def _today():
    return timezone.localdate()


def _apply_blind_indexes(case):
    case.name_index = blind_index(FULL_NAME, f"{case.given_names} {case.family_name}")
    case.national_number_index = blind_index(NATIONAL_NUMBER, case.national_number or "")


def _next_reference(team, year):
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(team=team, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{team.reference_prefix}-{year}-{counter.last:04d}"


def _check_worker_of_team(worker, team):
    if not Role.objects.filter(user=worker, kind=Role.Kind.WORKER, team=team).exists():
        raise ValidationError(_("This person is not a social worker of the team."), code="not_team_worker")


def case_event_record(*, actor, origin: Origin, action: Action, case: Case, **detail):
    """The audit event of an action on a case (a read by a view, or a change by a service)."""
    audit_record(
        actor=actor, action=action, origin=origin, target_type="case", target_id=case.pk,
        target_ref=case.reference, team=case.team.code, detail=detail,
    )


def case_find_duplicates(*, actor, origin: Origin, teams, national_number="", given_names="", family_name=""):
    """Cases of ``teams`` (the actor's own) with the same national number or full name, found
    through the blind indexes. Audited: a look-up says something about a person."""
    nrn_index = blind_index(NATIONAL_NUMBER, national_number)
    name_index = blind_index(FULL_NAME, f"{given_names} {family_name}")
    matches = Case.objects.none()
    if nrn_index:
        matches |= Case.objects.filter(team__in=teams, national_number_index=nrn_index)
    if name_index:
        matches |= Case.objects.filter(team__in=teams, name_index=name_index)
    found = list(matches.select_related("team").distinct().order_by("-opened_on")[:20])
    audit_record(
        actor=actor, action=Action.CASE_DUPLICATE_CHECK, origin=origin, target_type="case",
        detail={"matches": len(found), "by_national_number": bool(nrn_index), "by_name": bool(name_index)},
    )
    return found


def case_open(*, actor, origin: Origin, team, opened_on: datetime.date, identity: dict, details: dict, workers=()) -> Case:
    if opened_on > _today():
        raise ValidationError({"opened_on": _("A case cannot be opened in the future.")})
    with transaction.atomic():
        case = Case(team=team, opened_on=opened_on, reference=_next_reference(team, opened_on.year))
        for field in IDENTITY_FIELDS:
            if field in identity:
                setattr(case, field, identity[field])
        _apply_blind_indexes(case)
        case.full_clean(exclude=["reference"])
        _save(case, actor)
        details_model = details_model_for(team)
        row = details_model(case=case, **details)
        row.full_clean(exclude=["case"])
        _save(row, actor)
        case_event_record(actor=actor, origin=origin, action=Action.CASE_CREATE, case=case)
        for worker in workers:
            _assign(actor=actor, origin=origin, case=case, worker=worker)
        # Apps react in the same transaction (casework.partners tells both leads when the
        # person already has a file in another team).
        for _config, hook in app_hooks("case_opened"):
            hook(case=case, actor=actor, origin=origin)
    return case


def _locked(model, pk, expected_version):
    current = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current)
    return current


def case_update(*, actor, origin: Origin, case: Case, expected_version: int, identity: dict, details: dict) -> Case:
    """Apply edited identity and team details. Raises StaleVersion if the case changed since
    ``expected_version``; the caller shows both versions, so neither edit is lost."""
    with transaction.atomic():
        current = _locked(Case, case.pk, expected_version)
        if not current.is_open:
            raise ValidationError(_("A closed case cannot be edited; reopen it first."))
        changed = [f for f in IDENTITY_FIELDS if f in identity and getattr(current, f) != identity[f]]
        for field in changed:
            setattr(current, field, identity[field])
        details_row = details_of(current)
        changed_details = [f for f, v in details.items() if getattr(details_row, f) != v]
        for field in changed_details:
            setattr(details_row, field, details[field])
        if changed or changed_details:
            _apply_blind_indexes(current)
            current.version += 1
            current.full_clean(exclude=["reference"])
            _save(current, actor)
            if changed_details:
                details_row.full_clean(exclude=["case"])
                _save(details_row, actor)
            case_event_record(actor=actor, origin=origin, action=Action.CASE_UPDATE, case=current, fields=sorted(changed + changed_details))
    return current


def case_close(*, actor, origin: Origin, case: Case, expected_version: int, closed_on: datetime.date, reason: str) -> Case:
    with transaction.atomic():
        current = _locked(Case, case.pk, expected_version)
        if not current.is_open:
            raise ValidationError(_("This case is already closed."))
        if closed_on < current.opened_on:
            raise ValidationError({"closed_on": _("A case cannot be closed before the day it was opened.")})
        if closed_on > _today():
            raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
        last_session = Session.objects.filter(case=current).order_by("-held_on").values_list("held_on", flat=True).first()
        if last_session is not None and closed_on < last_session:
            raise ValidationError({"closed_on": _("A case cannot be closed before its last session (%(date)s).") % {
                "date": date_format(last_session, "SHORT_DATE_FORMAT")}})
        current.status, current.closed_on, current.closure_reason = Case.Status.CLOSED, closed_on, reason
        # Retention counts from this server time, never from the typed date (which may be
        # backdated, e.g. to when the last contact really was).
        current.closed_at = timezone.now()
        current.version += 1
        current.full_clean(exclude=["reference"])
        _save(current, actor)
        case_event_record(actor=actor, origin=origin, action=Action.CASE_CLOSE, case=current, reason=reason,
                          closed_on=closed_on.isoformat())
    return current


def closing_undoable_by(case: Case, user, *, today=None) -> bool:
    """True when ``user`` closed ``case`` today and nothing changed since: they may undo it."""
    if case.is_open or user is None:
        return False
    last = case.history.order_by("-history_date", "-history_id").first()
    return (last is not None and last.status == Case.Status.CLOSED and last.history_user_id == user.pk
            and timezone.localdate(last.history_date) == (today or _today()))


def case_close_undo(*, actor, origin: Origin, case: Case, expected_version: int) -> Case:
    """The worker who closed a file reopens it the same day (a mistaken or hasty closing)."""
    with transaction.atomic():
        current = _locked(Case, case.pk, expected_version)
        if not closing_undoable_by(current, actor):
            raise ValidationError(_("Only the person who closed this case can undo it, on the same day."), code="not_undoable")
        current.status, current.closed_on, current.closure_reason = Case.Status.OPEN, None, ""
        current.closed_at = None  # retention no longer runs for an open case
        current.version += 1
        _save(current, actor)
        case_event_record(actor=actor, origin=origin, action=Action.CASE_REOPEN, case=current, undo_of_closing=True)
    return current


def case_reopen(*, actor, origin: Origin, case: Case, expected_version: int) -> Case:
    with transaction.atomic():
        current = _locked(Case, case.pk, expected_version)
        if current.is_open:
            raise ValidationError(_("This case is already open."))
        current.status, current.closed_on, current.closure_reason = Case.Status.OPEN, None, ""
        current.closed_at = None
        current.version += 1
        _save(current, actor)
        case_event_record(actor=actor, origin=origin, action=Action.CASE_REOPEN, case=current)
    return current


def _assign(*, actor, origin, case, worker):
    _check_worker_of_team(worker, case.team)
    created = not Assignment.objects.filter(case=case, worker=worker).exists()
    if created:
        _save(Assignment(case=case, worker=worker, assigned_by=actor), actor)
        assign_perm(f"casework.{VIEW}", worker, case)
        assign_perm(f"casework.{CHANGE}", worker, case)
        case_event_record(actor=actor, origin=origin, action=Action.CASE_ASSIGN, case=case, worker=worker.get_username())
    return created


def case_assign(*, actor, origin: Origin, case: Case, worker) -> bool:
    """Assign a worker of the case's team: grants view and change object permissions."""
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        return _assign(actor=actor, origin=origin, case=case, worker=worker)


def case_unassign(*, actor, origin: Origin, case: Case, worker) -> bool:
    """Remove a worker: the object permissions go in the same transaction, so the worker's
    very next request is refused."""
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        deleted = 0
        for assignment in Assignment.objects.filter(case=case, worker=worker):
            assignment._history_user = actor
            assignment.delete()
            deleted += 1
        remove_perm(f"casework.{VIEW}", worker, case)
        remove_perm(f"casework.{CHANGE}", worker, case)
        if deleted:
            case_event_record(actor=actor, origin=origin, action=Action.CASE_UNASSIGN, case=case, worker=worker.get_username())
    return bool(deleted)


def _check_session(case, kind, held_on):
    if kind.team_id != case.team_id or not kind.active:
        raise ValidationError({"kind": _("Choose a kind of session of this team.")})
    if held_on > _today():
        raise ValidationError({"held_on": _("A session cannot be recorded in the future.")})
    if held_on < case.opened_on:
        raise ValidationError({"held_on": _("A session cannot take place before the case was opened.")})


def _refresh_contact(case_id):
    """Recompute the case's denormalised last contact and session count (the lists read them)
    from its sessions, in the caller's transaction. An UPDATE of these two columns only: no
    history row, no new version (an edit form open on the case stays valid)."""
    per_case = Session.objects.filter(case=OuterRef("pk")).order_by().values("case")
    Case.objects.filter(pk=case_id).update(
        last_contact_on=Subquery(per_case.annotate(last=Max("held_on")).values("last")[:1]),
        session_count=Coalesce(Subquery(per_case.annotate(n=Count("pk")).values("n")[:1]), 0),
    )


def session_record(*, actor, origin: Origin, case: Case, kind, held_on, duration_minutes, notes="", worker=None,
                   place="") -> Session:
    with transaction.atomic():
        current = Case.objects.select_for_update().select_related("team").get(pk=case.pk)
        if not current.is_open:
            raise ValidationError(_("Sessions cannot be added to a closed case."))
        _check_session(current, kind, held_on)
        session = Session(case=current, kind=kind, held_on=held_on, duration_minutes=duration_minutes,
                          notes=notes, worker=worker or actor, place=place or "")
        session.full_clean()
        _save(session, actor)
        _refresh_contact(current.pk)
        audit_record(actor=actor, action=Action.SESSION_CREATE, origin=origin, target_type="session",
                     target_id=session.pk, target_ref=current.reference, team=current.team.code,
                     detail={"kind": kind.code})
    return session


def session_update(*, actor, origin: Origin, session: Session, expected_version: int, kind, held_on, duration_minutes, notes,
                   place=None) -> Session:
    with transaction.atomic():
        current = _locked(Session, session.pk, expected_version)
        # Lock the case too, so it cannot be closed while this session changes.
        case = Case.objects.select_for_update().select_related("team").get(pk=current.case_id)
        if not case.is_open:
            # Its figures may already be in reported indicators: a closed file is frozen.
            raise ValidationError(_("The sessions of a closed case cannot be changed; reopen it first."))
        _check_session(case, kind, held_on)
        values = {"kind": kind, "held_on": held_on, "duration_minutes": duration_minutes, "notes": notes}
        if place is not None:
            values["place"] = place
        changed = [f for f, v in values.items() if getattr(current, f) != v]
        if changed:
            for field in changed:
                setattr(current, field, values[field])
            current.version += 1
            current.full_clean()
            _save(current, actor)
            if "held_on" in changed:
                _refresh_contact(case.pk)
            audit_record(actor=actor, action=Action.SESSION_UPDATE, origin=origin, target_type="session",
                         target_id=current.pk, target_ref=case.reference, team=case.team.code,
                         detail={"fields": sorted(changed)})
    return current
