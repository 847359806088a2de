"""Changes to accounts, each in the audit chain (issue 8, section 2).

- A password set by someone else (an administrator in the admin) must be changed by its owner
  at the next login (``AccountState.must_change_password``, enforced by
  ``casework.middleware.PasswordChangeRequiredMiddleware``).
- A password change or a deactivation ends the account's other open sessions: they are deleted
  from the session store (Django would also refuse them, but a reactivated account must not
  find its old sessions alive).
- Events carry usernames and field names, never a password or a name's value beyond the
  username (the audit log's actor_username already holds usernames).
"""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from audit.services import Origin, audit_record
from casework.models import AccountState

NAME_FIELDS = ("username", "first_name", "last_name", "email")


def _event(*, actor, action, origin, user, **detail):
    audit_record(actor=actor, action=action, origin=origin, target_type="user", target_id=user.pk,
                 detail={"username": user.get_username(), **detail})


def end_other_sessions(user, *, keep_session_key=None) -> int:
    """Delete every open session of ``user`` except ``keep_session_key``. The session table holds
    one row per signed-in browser; only unexpired ones are decoded."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep_session_key:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def must_change_password(user) -> bool:
    return AccountState.objects.filter(user=user, must_change_password=True).exists()


def account_created(*, actor, origin: Origin, user) -> None:
    """Audit an account just created (by the admin's add form)."""
    with transaction.atomic():
        AccountState.objects.update_or_create(user=user, defaults={"must_change_password": actor is not None and actor.pk != user.pk})
        _event(actor=actor, action=Action.ACCOUNT_CREATE, origin=origin, user=user, active=user.is_active)


def account_changed(*, actor, origin: Origin, user, previous: dict, keep_session_key=None) -> None:
    """Audit what changed on ``user`` compared with ``previous`` (field name → old value):
    names and username in one event, activation or deactivation in another."""
    with transaction.atomic():
        renamed = sorted(field for field in NAME_FIELDS if field in previous and previous[field] != getattr(user, field))
        if renamed:
            extra = {"previous_username": previous["username"]} if "username" in renamed else {}
            _event(actor=actor, action=Action.ACCOUNT_RENAME, origin=origin, user=user, fields=renamed, **extra)
        if "is_active" in previous and previous["is_active"] != user.is_active:
            action = Action.ACCOUNT_ACTIVATE if user.is_active else Action.ACCOUNT_DEACTIVATE
            _event(actor=actor, action=action, origin=origin, user=user)
            if not user.is_active:
                end_other_sessions(user, keep_session_key=keep_session_key)


def account_set_password(*, actor, origin: Origin, user, raw_password, keep_session_key=None) -> None:
    """Set ``user``'s password. Set by someone else: the owner must change it at next login.
    Either way the account's other sessions end."""
    by_owner = actor is not None and actor.pk == user.pk
    with transaction.atomic():
        user.set_password(raw_password)
        user.save(update_fields=["password"])
        AccountState.objects.update_or_create(user=user, defaults={"must_change_password": not by_owner})
        action = Action.ACCOUNT_PASSWORD_CHANGE if by_owner else Action.ACCOUNT_PASSWORD_SET
        _event(actor=actor, action=action, origin=origin, user=user)
        end_other_sessions(user, keep_session_key=keep_session_key)
