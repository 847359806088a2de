"""Second factor (TOTP, django-otp): enrolment with a QR code rendered here (no external
service sees the secret), and verification after the password."""

import base64
import time

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.util import random_hex
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import Action
from audit.services import Origin, audit_record
from casework.services.two_factor import (
    recovery_code_use, recovery_codes_regenerate, recovery_codes_remaining, two_factor_enrol,
)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code"), regex=r"^\s*\d{6}\s*$", max_length=8,
        error_messages={"invalid": _("Enter the six digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


PENDING_KEY = "two_factor_pending_key"
PENDING_TRIES = "two_factor_pending_tries"
# After this many wrong codes the enrolment starts again with a new secret.
ENROLMENT_TRIES = 5


class RecoveryForm(forms.Form):
    recovery_code = forms.CharField(
        label=_("Recovery code"), max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _fresh_key(request):
    key = random_hex(20)
    request.session[PENDING_KEY], request.session[PENDING_TRIES] = key, 0
    return key


def _code_matches(key, token):
    checker = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6, drift=0)
    checker.time = time.time()
    return checker.verify(int(token), tolerance=1)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrolment. Each visit of the page draws a new secret, kept in the session only; the
    device is created when a code of that secret is given (two_factor_enrol). A secret seen
    by someone else at an earlier login is therefore worth nothing."""
    if user_has_device(request.user):
        return redirect("two_factor_verify")
    form = TokenForm(request.POST or None)
    key = request.session.get(PENDING_KEY) if request.method == "POST" else None
    if key is None:
        key = _fresh_key(request)
    elif form.is_valid():
        if _code_matches(key, form.cleaned_data["token"].strip()):
            device, codes = two_factor_enrol(actor=request.user, origin=Origin.from_request(request), key=key)
            for name in (PENDING_KEY, PENDING_TRIES):
                request.session.pop(name, None)
            otp_login(request, device)
            return render(request, "registration/recovery_codes.html", {
                "recovery_codes": codes, "next": _next(request), "enrolled": True,
            })
        request.session[PENDING_TRIES] = request.session.get(PENDING_TRIES, 0) + 1
        if request.session[PENDING_TRIES] >= ENROLMENT_TRIES:
            key = _fresh_key(request)
            form.add_error("token", _("Too many wrong codes: a new key is shown. Scan it again."))
        else:
            form.add_error("token", _("This code is not valid. Check the time on your phone and try the next code."))
    device = TOTPDevice(user=request.user, name="authenticator", key=key)  # never saved here
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(request, "registration/two_factor_setup.html", {
        "form": form, "qr_svg": qr_svg, "secret": _base32(device), "next": _next(request),
    })


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if not user_has_device(request.user):
        return redirect("two_factor_setup")
    recovering = request.method == "POST" and "recovery_code" in request.POST
    form = TokenForm(request.POST if request.method == "POST" and not recovering else None)
    recovery_form = RecoveryForm(request.POST if recovering else None)
    if recovering and recovery_form.is_valid():
        device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        if recovery_code_use(actor=request.user, origin=Origin.from_request(request),
                             code=recovery_form.cleaned_data["recovery_code"], device=device):
            otp_login(request, device)
            return redirect(_next(request))
        recovery_form.add_error("recovery_code", _("This recovery code is not valid or has already been used."))
    if not recovering and request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        device = next((d for d in TOTPDevice.objects.filter(user=request.user, confirmed=True) if d.verify_token(token)), None)
        if device is not None:
            otp_login(request, device)
            audit_record(actor=request.user, action=Action.TWO_FACTOR_VERIFY, origin=Origin.from_request(request),
                         target_type="user", target_id=request.user.pk)
            return redirect(_next(request))
        audit_record(actor=request.user, action=Action.TWO_FACTOR_FAILED, origin=Origin.from_request(request),
                     target_type="user", target_id=request.user.pk)
        form.add_error("token", _("This code is not valid. After several wrong codes you must wait before trying again."))
    return render(request, "registration/two_factor_verify.html", {
        "form": form, "recovery_form": recovery_form, "next": _next(request),
    })


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """See how many recovery codes are left, and replace them all. Outside /accounts/2fa/, so
    the second-factor middleware lets only a verified session in: the password alone cannot
    mint codes."""
    if not user_has_device(request.user):
        return redirect("two_factor_setup")
    if request.method == "POST":
        codes = recovery_codes_regenerate(actor=request.user, origin=Origin.from_request(request))
        return render(request, "registration/recovery_codes.html", {"recovery_codes": codes, "next": "/"})
    return render(request, "registration/recovery_codes.html", {"remaining": recovery_codes_remaining(request.user)})


def _base32(device):
    return base64.b32encode(device.bin_key).decode().rstrip("=")
