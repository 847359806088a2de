"""Audit hooks on Django's own authentication signals (the only signals we use)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.actions import Action
from audit.services import Origin, audit_record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=Action.LOGIN, origin=Origin.from_request(request), target_type="user", target_id=user.pk)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "casework_logout_reason", None)  # "idle": IdleTimeoutMiddleware
        audit_record(actor=user, action=Action.LOGOUT, origin=Origin.from_request(request), target_type="user",
                     target_id=user.pk, detail={"reason": reason} if reason else None)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        actor=None, actor_username=str(credentials.get("username", "")), action=Action.LOGIN_FAILED,
        origin=Origin.from_request(request), target_type="user",
    )


@receiver(user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    # The session starts with its activity time, so the first page does not write it again.
    from casework.middleware import IdleTimeoutMiddleware

    if request is not None and hasattr(request, "session"):
        request.session[IdleTimeoutMiddleware.SESSION_KEY] = time.time()
