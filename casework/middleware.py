import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from django.utils.http import urlencode


class NoStoreMiddleware:
    """Pages of signed-in users hold confidential data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class TwoFactorMiddleware:
    """A signed-in user reaches nothing but the second-factor pages until verified: the code
    of their enrolled device, or (where 2FA is required) enrolment first."""

    EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/healthz", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified() and not request.path.startswith(self.EXEMPT_PREFIXES):
            if user_has_device(user):
                target = "two_factor_verify"
            elif settings.CASEWORK_REQUIRE_2FA:
                target = "two_factor_setup"
            else:
                return self.get_response(request)
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """A session unused for CASEWORK_IDLE_TIMEOUT_MINUTES ends: a screen left open in an office
    does not stay a way into case files. The logout is audited with reason "idle"."""

    SESSION_KEY = "last_activity"
    # The session is written at most this often, not on every request.
    RESOLUTION_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(self.SESSION_KEY)
            if isinstance(last, (int, float)) and now - last > settings.CASEWORK_IDLE_TIMEOUT_MINUTES * 60:
                request.casework_logout_reason = "idle"
                logout(request)
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if not isinstance(last, (int, float)) or now - last >= self.RESOLUTION_SECONDS:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Separation of duties: a password set by someone else (an administrator) must be changed
    by its owner before they reach anything else, so the one who set it cannot go on using it
    unnoticed (casework.services.accounts)."""

    EXEMPT_PREFIXES = ("/accounts/password/", "/accounts/2fa/", "/accounts/logout/", "/i18n/", "/healthz", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(self.EXEMPT_PREFIXES):
            from casework.services.accounts import must_change_password

            if must_change_password(user):
                return redirect(reverse("password_change"))
        return self.get_response(request)
