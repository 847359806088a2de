"""Granting and revoking roles: audited, and revoking a worker role ends the worker's access
to that team's cases at once (casework.access checks team membership on every request)."""

from django.contrib.auth.models import Permission
from django.db import transaction

from audit.actions import Action
from audit.services import Origin, audit_record
from casework.models import Role


# What the administrator role may manage in the Django admin: accounts, teams and roles only.
ADMIN_PERMISSIONS = [
    ("auth", "add_user"), ("auth", "change_user"), ("auth", "view_user"),
    ("casework", "view_team"), ("casework", "change_team"),
    ("casework", "add_role"), ("casework", "change_role"), ("casework", "delete_role"), ("casework", "view_role"),
]


def _sync_admin_access(user):
    """Staff status and admin permissions follow the administrator role, nothing else."""
    is_admin = Role.objects.filter(user=user, kind=Role.Kind.ADMINISTRATOR).exists()
    perms = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in ADMIN_PERMISSIONS]
    if is_admin:
        user.user_permissions.add(*perms)
    else:
        user.user_permissions.remove(*perms)
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])


def role_grant(*, actor, origin: Origin, user, kind, team=None) -> Role:
    with transaction.atomic():
        role, created = Role.objects.get_or_create(user=user, kind=kind, team=team)
        if created:
            audit_record(
                actor=actor, action=Action.ROLE_GRANT, origin=origin, target_type="user", target_id=user.pk,
                team=team.code if team else "", detail={"role": kind, "username": user.get_username()},
            )
            if kind == Role.Kind.ADMINISTRATOR:
                _sync_admin_access(user)
    return role


def role_revoke(*, actor, origin: Origin, role: Role) -> None:
    with transaction.atomic():
        deleted, _ = Role.objects.filter(pk=role.pk).delete()
        if deleted:
            audit_record(
                actor=actor, action=Action.ROLE_REVOKE, origin=origin, target_type="user", target_id=role.user_id,
                team=role.team.code if role.team_id else "", detail={"role": role.kind, "username": role.user.get_username()},
            )
            if role.kind == Role.Kind.ADMINISTRATOR:
                _sync_admin_access(role.user)
