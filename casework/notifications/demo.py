"""Demo notifications, so that the header shows an unread count on a fresh ``make run``."""

from casework.models import Case
from casework.notifications.models import Notification
from casework.notifications.services import notification_create


def seed_notifications_demo(stdout, users):
    created = 0
    for username in ("worker.scapi", "worker.scav", "worker.rad"):
        user = users.get(username)
        if user is None:
            continue
        cases = list(Case.objects.open().assigned_to(user).order_by("reference")[:2])
        if not cases:
            continue
        created += notification_create(recipient=user, kind=Notification.Kind.ASSIGNED, key="demo:assigned",
                                       case=cases[0], actor_username=f"lead.{username.split('.')[1]}") is not None
        created += notification_create(recipient=user, kind=Notification.Kind.FOLLOW_UP_OVERDUE, key="demo:overdue",
                                       case=cases[-1]) is not None
    for username in ("lead.scapi", "lead.scav", "lead.rad"):
        user = users.get(username)
        case = Case.objects.open().filter(team__roles__user=user, team__roles__kind="lead").order_by("reference").first() if user else None
        if case is not None:
            created += notification_create(recipient=user, kind=Notification.Kind.EMERGENCY_ACCESS, key="demo:emergency",
                                           case=case, actor_username="worker2.scapi" if case.team.code == "SCAPI" else "worker2.scav") is not None
    stdout.write(f"Notifications: {created} new demo notifications.")
