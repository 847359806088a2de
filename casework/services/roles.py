"""Granting and revoking roles, with separation of duties (docs/decisions/0005-role-approval.md).

- Nobody requests, approves, refuses or revokes a role of their own account.
- Administrator, auditor and coordinator are never combined with worker or lead on one account
  (pending requests count: they are about to be a role).
- A worker or lead role is only *requested*: it takes effect when a second person approves it,
  the team's lead for a worker role, another administrator for a lead role. The approver is
  never the requester nor the person concerned. Organisation-wide roles (administrator,
  auditor, coordinator) are granted by an administrator directly; they open no case file.
- Operators bootstrap the first accounts with ``manage.py role_grant``: its requests carry no
  requester (actor None, origin SYSTEM) and only organisation-wide roles take effect at once;
  a worker or lead role requested there waits for an approver like any other.

Every step is audited in the same transaction: the request (ROLE_REQUEST), the approval or
refusal (ROLE_APPROVE / ROLE_REFUSE), the activation (ROLE_GRANT) and the revocation
(ROLE_REVOKE). Revoking a worker role also ends the worker's assignments in that team, so that
granting the role again later does not silently give back every old case.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import SYSTEM, Origin, audit_record
from casework.models import Case, Role
from casework.services.cases import case_unassign


# What the administrator role may manage in the Django admin: accounts, teams and roles only.
ADMIN_PERMISSIONS = [
    ("auth", "add_user"), ("auth", "change_user"), ("auth", "view_user"),
    ("casework", "view_team"), ("casework", "change_team"),
    ("casework", "add_role"), ("casework", "change_role"), ("casework", "delete_role"), ("casework", "view_role"),
]


def _sync_admin_access(user):
    """Staff status and admin permissions follow the administrator role, nothing else: no
    superuser, no group, no permission granted any other way."""
    is_admin = Role.objects.filter(user=user, kind=Role.Kind.ADMINISTRATOR).exists()
    perms = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in ADMIN_PERMISSIONS]
    user.groups.clear()
    user.user_permissions.set(perms if is_admin else [])
    if user.is_staff != is_admin or user.is_superuser:
        user.is_staff, user.is_superuser = is_admin, False
        user.save(update_fields=["is_staff", "is_superuser"])


def _event(*, actor, action, origin, role, actor_username=None, **extra):
    detail = {"role": role.kind, "username": role.user.get_username(), **extra}
    return audit_record(actor=actor, action=action, origin=origin, target_type="user", target_id=role.user_id,
                        team=role.team.code if role.team_id else "", detail=detail, actor_username=actor_username)


def _is_administrator(user):
    return user is not None and Role.objects.filter(user=user, kind=Role.Kind.ADMINISTRATOR).exists()


def may_approve(user, role) -> bool:
    """Whether ``user`` may approve or refuse the pending ``role``: never their own, never one
    they requested; the team's lead for a worker role, an administrator for a lead role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role.user_id == user.pk or role.requested_by_id == user.pk:
        return False
    if role.kind == Role.Kind.WORKER:
        return Role.objects.filter(user=user, kind=Role.Kind.LEAD, team_id=role.team_id).exists()
    if role.kind == Role.Kind.LEAD:
        return _is_administrator(user)
    return False


def check_role_request(*, actor, user, kind, team, origin=None):
    """Raise ValidationError (shown to the requester) or PermissionDenied unless ``actor`` may
    request this role for ``user``. ``actor`` None is an operator's command (origin SYSTEM)."""
    if actor is None:
        if origin != SYSTEM:
            raise PermissionDenied("a request without an actor is for operator commands only")
    else:
        if actor.pk == user.pk:
            raise ValidationError(_("Nobody can grant or change a role of their own account."))
        if not _is_administrator(actor):
            raise PermissionDenied("only an administrator requests roles")
    if kind not in Role.Kind.values:
        raise ValidationError(_("Unknown role."))
    if (kind in Role.TEAM_KINDS) != (team is not None):
        raise ValidationError(_("Social workers and team leads belong to a team; other roles have none."))
    held = set(Role.all_objects.filter(user=user, status__in=Role.OPEN_STATUSES).values_list("kind", flat=True))
    if kind in Role.TEAM_KINDS and held & set(Role.GLOBAL_KINDS) or kind in Role.GLOBAL_KINDS and held & set(Role.TEAM_KINDS):
        raise ValidationError(_("Administrator, auditor and coordinator cannot be combined with social worker or "
                                "team lead on one account."))


def role_request(*, actor, origin: Origin, user, kind, team=None) -> Role:
    """Ask for a role. A worker or lead role is pending until approved; an organisation-wide
    role is active at once. Asking for a role already held or requested changes nothing."""
    with transaction.atomic():
        type(user).objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per account
        existing = Role.all_objects.filter(user=user, kind=kind, team=team, status__in=Role.OPEN_STATUSES).first()
        if existing is not None:
            if actor is not None and actor.pk == user.pk:
                raise ValidationError(_("Nobody can grant or change a role of their own account."))
            return existing
        check_role_request(actor=actor, origin=origin, user=user, kind=kind, team=team)
        now = timezone.now()
        pending = kind in Role.TEAM_KINDS
        role = Role.all_objects.create(
            user=user, kind=kind, team=team, requested_by=actor, requested_at=now,
            status=Role.Status.PENDING if pending else Role.Status.ACTIVE, decided_at=None if pending else now,
        )
        by_command = None if actor is not None else "role_grant"
        _event(actor=actor, action=Action.ROLE_REQUEST, origin=origin, role=role, actor_username=by_command)
        if not pending:
            _event(actor=actor, action=Action.ROLE_GRANT, origin=origin, role=role, actor_username=by_command)
            if kind == Role.Kind.ADMINISTRATOR:
                _sync_admin_access(user)
    return role


# The name the admin, commands and older callers use: a grant is always a request first.
role_grant = role_request


def role_approve(*, actor, origin: Origin, role: Role) -> Role:
    """The second person's approval: the role becomes active (approval, then activation)."""
    with transaction.atomic():
        current = Role.all_objects.select_for_update(of=("self",)).select_related("user", "team").get(pk=role.pk)
        if current.status != Role.Status.PENDING:
            raise ValidationError(_("This request has already been decided."))
        if not may_approve(actor, current):
            raise PermissionDenied("not an approver of this request")
        current.status, current.approved_by, current.decided_at = Role.Status.ACTIVE, actor, timezone.now()
        current.save(update_fields=["status", "approved_by", "decided_at"])
        requested_by = current.requested_by.get_username() if current.requested_by_id else "role_grant"
        _event(actor=actor, action=Action.ROLE_APPROVE, origin=origin, role=current, requested_by=requested_by)
        _event(actor=actor, action=Action.ROLE_GRANT, origin=origin, role=current, approved_by=actor.get_username())
    return current


def role_refuse(*, actor, origin: Origin, role: Role) -> Role:
    with transaction.atomic():
        current = Role.all_objects.select_for_update(of=("self",)).select_related("user", "team").get(pk=role.pk)
        if current.status != Role.Status.PENDING:
            raise ValidationError(_("This request has already been decided."))
        if not may_approve(actor, current):
            raise PermissionDenied("not an approver of this request")
        current.status, current.approved_by, current.decided_at = Role.Status.REFUSED, actor, timezone.now()
        current.save(update_fields=["status", "approved_by", "decided_at"])
        _event(actor=actor, action=Action.ROLE_REFUSE, origin=origin, role=current)
    return current


def role_revoke(*, actor, origin: Origin, role: Role) -> None:
    """End a role (or withdraw a pending request). Kept as a revoked row for the history. A
    revoked worker role ends the worker's assignments in that team."""
    with transaction.atomic():
        current = Role.all_objects.select_for_update(of=("self",)).select_related("user", "team").filter(pk=role.pk).first()
        if current is None or current.status not in Role.OPEN_STATUSES:
            return
        if actor is not None and actor.pk == current.user_id:
            raise ValidationError(_("Nobody can grant or change a role of their own account."))
        was_active = current.status == Role.Status.ACTIVE
        current.status, current.ended_at = Role.Status.REVOKED, timezone.now()
        current.save(update_fields=["status", "ended_at"])
        _event(actor=actor, action=Action.ROLE_REVOKE, origin=origin, role=current,
               actor_username=None if actor is not None else "role_revoke", **({} if was_active else {"pending": True}))
        if was_active and current.kind == Role.Kind.WORKER:
            assigned = Q(assignments__worker=current.user) | Q(pk__in=Case.objects.assigned_to(current.user).values("pk"))
            for case in Case.objects.filter(assigned, team_id=current.team_id).distinct():
                case_unassign(actor=actor, origin=origin, case=case, worker=current.user)
        if current.kind == Role.Kind.ADMINISTRATOR:
            _sync_admin_access(current.user)
