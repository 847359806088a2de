"""Second factor (TOTP, django-otp): enrolment with a QR code rendered here (no external
service sees the secret), and verification after the password."""

import base64

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import Action
from audit.services import Origin, audit_record


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code"), regex=r"^\s*\d{6}\s*$", max_length=8,
        error_messages={"invalid": _("Enter the six digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    if user_has_device(request.user):
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=request.user, action=Action.TWO_FACTOR_ENROLL, origin=Origin.from_request(request),
                             target_type="user", target_id=request.user.pk)
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("This code is not valid. Check the time on your phone and try the next code."))
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(request, "registration/two_factor_setup.html", {
        "form": form, "qr_svg": qr_svg, "secret": _base32(device), "next": _next(request),
    })


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if not user_has_device(request.user):
        return redirect("two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


def _base32(device):
    return base64.b32encode(device.bin_key).decode().rstrip("=")
