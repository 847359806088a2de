"""Friendly error pages in the user's language, revealing nothing about what was asked for."""

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


@requires_csrf_token
def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


@requires_csrf_token
def server_error(request):
    # No context processors that could touch the database again: it may be why we are here.
    from django.template import loader
    from django.http import HttpResponseServerError

    return HttpResponseServerError(loader.get_template("errors/500.html").render({"request": request}))


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)
