from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from casework.workspaces import workspaces_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    spaces = workspaces_for(request.user)
    if not spaces:
        # An account with no role yet: say so rather than show an empty page.
        return render(request, "casework/no_role.html", status=200)
    return redirect(spaces[0].url)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status for load balancers and monitoring. No login, no details:
    only "ok" or "error" per component (an error message could reveal hosts or versions)."""
    status = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(value in ("ok", "eager") for value in status.values())
    return JsonResponse({"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503)


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception:
        return "error"


def _check_broker():
    from django.conf import settings

    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        return "ok"
    except Exception:
        return "error"
