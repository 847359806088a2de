from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from casework import access
from casework.notifications.models import Notification
from casework.notifications.selectors import has_unread, notification_page
from casework.notifications.services import notifications_mark_read


def _require_casework(request):
    if not access.roles_of(request.user).casework_teams:
        access.refuse(request, target_type="notifications", target_id="list", reason="no team")


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    _require_casework(request)
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("notifications:list")
    page = notification_page(request.user, older=request.GET.get("older"), newer=request.GET.get("newer"))
    return render(request, "notifications/list.html", {
        "notifications": page.rows, "page": page, "unread": has_unread(request.user),
    })


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one of the user's own notifications read and go to what it is about (the target
    page checks access again: a notification grants nothing)."""
    _require_casework(request)
    notification = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if notification is None:
        access.refuse(request, target_type="notification", target_id=pk, reason="not recipient")
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")
