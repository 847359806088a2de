"""Notifications: generated after commit by Celery tasks from audit events, identifiers and
references only, an unread count in the header, the optional e-mail digest."""

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from audit.services import SYSTEM
from casework.crypto import fields as crypto_fields  # noqa: F401  (the encrypted values are never copied here)
from casework.notifications.models import Notification
from casework.notifications.services import digests_send
from casework.services.cases import case_assign, case_unassign


def test_assignment_and_unassignment_notify_the_worker_after_commit(personas, scapi_case, django_capture_on_commit_callbacks):
    worker = personas["worker2.scapi"]
    before = set(Notification.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_assign(actor=personas["lead.scapi"], origin=SYSTEM, case=scapi_case, worker=worker)
        assert set(Notification.objects.values_list("pk", flat=True)) == before, "nothing before commit"
    assert callbacks
    (assigned,) = Notification.objects.filter(recipient=worker, kind="assigned").exclude(pk__in=before)
    assert (assigned.reference, assigned.actor_username) == (scapi_case.reference, "lead.scapi")
    with django_capture_on_commit_callbacks(execute=True):
        case_unassign(actor=personas["lead.scapi"], origin=SYSTEM, case=scapi_case, worker=worker)
    unassigned = Notification.objects.filter(recipient=worker, kind="unassigned").exclude(pk__in=before).get()
    assert unassigned.case is None and unassigned.url == "" and unassigned.reference == scapi_case.reference


def test_emergency_access_notifies_the_lead_and_the_assigned_workers(login, personas, scapi_case, django_capture_on_commit_callbacks):
    client = login("worker2.scapi")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:emergency", kwargs={"case_id": scapi_case.pk}), {"justification": "Prison called, urgent release."})
    told = set(Notification.objects.filter(kind="emergency_access", case=scapi_case, key__startswith="event:")
               .values_list("recipient__username", flat=True))
    assert told == {"lead.scapi", "worker.scapi"}


def test_a_notification_holds_no_personal_value(personas, scapi_case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_assign(actor=personas["lead.scapi"], origin=SYSTEM, case=scapi_case, worker=personas["worker2.scapi"])
    for row in Notification.objects.values():
        text = " ".join(str(value) for value in row.values())
        for value in (scapi_case.family_name, scapi_case.given_names):
            assert value not in text


def test_the_header_shows_the_unread_count_and_reading_clears_it(login, personas):
    client = login("worker.scapi")
    unread = Notification.objects.filter(recipient=personas["worker.scapi"], read_at__isnull=True).count()
    assert unread, "seed_demo leaves notifications"
    page = client.get(reverse("agenda:home")).content.decode()
    assert f"Notifications ({unread})" in page or f"({unread})" in page
    first = Notification.objects.filter(recipient=personas["worker.scapi"], read_at__isnull=True).first()
    opened = client.post(reverse("notifications:open", kwargs={"pk": first.pk}))
    assert opened.status_code == 302 and opened["Location"] == first.url
    client.post(reverse("notifications:list"))
    assert not Notification.objects.filter(recipient=personas["worker.scapi"], read_at__isnull=True).exists()


def test_someone_elses_notification_is_a_404(login, personas):
    theirs = Notification.objects.filter(recipient=personas["worker.scav"]).first()
    assert login("worker.scapi").post(reverse("notifications:open", kwargs={"pk": theirs.pk})).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_digest_says_only_how_many_and_goes_once(personas):
    user = personas["worker.scapi"]
    user.email = "sara@example.org"
    user.save(update_fields=["email"])
    n = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    assert digests_send() >= 1
    (message,) = [m for m in mail.outbox if m.to == ["sara@example.org"]]
    assert str(n) in message.body and "SCAPI-" not in message.body
    assert digests_send() == 0


def test_a_role_request_notifies_the_people_who_may_approve_it(personas, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    from casework.models import Role, Team
    from casework.services.roles import role_request

    newcomer = get_user_model().objects.create_user("newcomer.scapi", password="x" * 20)
    team = Team.objects.get(code="SCAPI")
    with django_capture_on_commit_callbacks(execute=True):
        role = role_request(actor=personas["admin"], origin=SYSTEM, user=newcomer, kind=Role.Kind.WORKER, team=team)
    told = set(Notification.objects.filter(kind="approval_waiting", key=f"role:{role.pk}")
               .values_list("recipient__username", flat=True))
    assert told == set(Role.objects.filter(kind=Role.Kind.LEAD, team=team).values_list("user__username", flat=True))
    assert "admin" not in told and "newcomer.scapi" not in told
    assert Notification.objects.filter(key=f"role:{role.pk}").first().url == reverse("role_requests")
