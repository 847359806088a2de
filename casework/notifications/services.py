"""Writing notifications. Called from Celery tasks (never in the request that caused them):
``notifications_for_event`` for audit events, ``notification_create`` for other apps (the agenda's
overdue follow-ups; an approval waiting, see ``notify_approval_waiting``)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from audit.actions import Action
from audit.models import AuditEvent
from casework.models import Assignment, Case, Role
from casework.notifications.models import Notification
from casework.notifications.selectors import unread_of

Kind = Notification.Kind


def notification_create(*, recipient, kind, key, case=None, reference="", actor_username="", url=""):
    """One notification, once: a second call with the same recipient, kind and key adds nothing."""
    if case is not None:
        reference = reference or case.reference
        url = url or reverse("cases:detail", kwargs={"case_id": case.pk})
    try:
        with transaction.atomic():
            return Notification.objects.create(recipient=recipient, kind=kind, key=key, case=case, reference=reference,
                                               actor_username=actor_username, url=url)
    except IntegrityError:
        return None


def notify_approval_waiting(*, recipient, key, url, reference=""):
    """An approval is waiting for ``recipient`` (a role request for a lead or an administrator)."""
    return notification_create(recipient=recipient, kind=Kind.APPROVAL_WAITING, key=key, url=url, reference=reference)


def _notifications_for_role_request(event: AuditEvent) -> int:
    """A role request waits for a second person (docs/decisions/0005-role-approval.md): tell
    everyone who may decide it, the same people ``casework.selectors.role_requests_awaiting``
    lists it for (never the person concerned nor the requester)."""
    pending = Role.all_objects.filter(user_id=event.target_id, status=Role.Status.PENDING,
                                      kind=(event.detail or {}).get("role", ""))
    if event.team:
        pending = pending.filter(team__code=event.team)
    role = pending.select_related("team").order_by("-pk").first()
    if role is None:
        return 0
    if role.kind == Role.Kind.WORKER:
        deciders = Role.objects.filter(kind=Role.Kind.LEAD, team_id=role.team_id).values_list("user_id", flat=True)
    else:
        deciders = Role.objects.filter(kind=Role.Kind.ADMINISTRATOR).values_list("user_id", flat=True)
    recipients = (get_user_model().objects.filter(pk__in=set(deciders), is_active=True)
                  .exclude(pk=role.user_id).exclude(pk=role.requested_by_id or 0))
    created = 0
    for recipient in recipients:
        created += notify_approval_waiting(recipient=recipient, key=f"role:{role.pk}", url=reverse("role_requests"),
                                           reference=role.team.code if role.team_id else "") is not None
    return created


def notifications_for_event(event: AuditEvent) -> int:
    """The notifications an audit event calls for: assignment and unassignment (to the worker),
    emergency access (to the case's lead(s) and assigned workers, not to the one who opened it),
    a role request (to those who may approve it)."""
    if event.action == Action.ROLE_REQUEST:
        return _notifications_for_role_request(event)
    if event.target_type != "case" or not event.target_id:
        return 0
    case = Case.objects.filter(pk=event.target_id).first()
    User = get_user_model()
    created = 0
    if event.action in (Action.CASE_ASSIGN, Action.CASE_UNASSIGN):
        worker = User.objects.filter(username=(event.detail or {}).get("worker", "")).first()
        if worker is None or worker.pk == event.actor_id:
            return 0
        kind = Kind.ASSIGNED if event.action == Action.CASE_ASSIGN else Kind.UNASSIGNED
        # A case taken from the worker is no longer theirs to open: the reference, no link.
        notification = notification_create(
            recipient=worker, kind=kind, key=f"event:{event.seq}", case=case if kind == Kind.ASSIGNED else None,
            reference=event.target_ref, actor_username=event.actor_username)
        return int(notification is not None)
    if event.action == Action.BREAK_GLASS and case is not None:
        leads = Role.objects.filter(kind=Role.Kind.LEAD, team_id=case.team_id).values_list("user_id", flat=True)
        workers = Assignment.objects.filter(case=case).values_list("worker_id", flat=True)
        recipients = User.objects.filter(pk__in=set(leads) | set(workers), is_active=True).exclude(pk=event.actor_id)
        for recipient in recipients:
            notification = notification_create(
                recipient=recipient, kind=Kind.EMERGENCY_ACCESS, key=f"event:{event.seq}", case=case,
                actor_username=event.actor_username,
                url=reverse("agenda:case_readers", kwargs={"case_id": case.pk}))
            created += notification is not None
    return created


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's own notifications read (all unread ones, or those of ``ids``)."""
    unread = unread_of(user)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notifications_purge_read(*, now=None) -> int:
    """Delete the notifications read more than CASEWORK_NOTIFICATION_RETENTION_DAYS ago.

    A notification is a pointer (a reference, a colleague's name), useful until it has been
    read; keeping them for ever would make every user's list grow with the years. Unread ones
    stay until they are read. Not audited: a notification holds no case data, and the events it
    pointed to stay in the audit log."""
    days = int(getattr(settings, "CASEWORK_NOTIFICATION_RETENTION_DAYS", 180))
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _per_model = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted


def digests_send() -> int:
    """E-mail each user with an address "you have N new notifications" for those not yet
    e-mailed (and unread). The message says nothing else: no reference, no name, no link
    beyond the application's own address."""
    sent = 0
    pending = (Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
               .exclude(recipient__email="").values_list("recipient_id", flat=True).distinct())
    User = get_user_model()
    for user in User.objects.filter(pk__in=list(pending), is_active=True):
        with transaction.atomic():
            rows = Notification.objects.select_for_update().filter(recipient=user, read_at__isnull=True, emailed_at__isnull=True)
            n = rows.count()
            if not n:
                continue
            with override(settings.LANGUAGE_CODE):
                subject = _("Prevention casework: new notifications")
                body = ngettext("You have %(n)d new notification.", "You have %(n)d new notifications.", n) % {"n": n}
            send_mail(subject, body, None, [user.email])
            rows.update(emailed_at=timezone.now())
            sent += 1
    return sent
