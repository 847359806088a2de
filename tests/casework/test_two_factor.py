import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent


@pytest.fixture
def required(settings):
    settings.CASEWORK_REQUIRE_2FA = True


@pytest.fixture(autouse=True)
def no_throttle_wait(settings):
    # django-otp makes each wrong code double the wait before the next try; the tests try a
    # right code straight after a wrong one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_without_a_second_factor_nothing_but_enrolment_is_reachable(login, required):
    client = login("worker.scav")
    response = client.get(reverse("cases:my_cases"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))


def test_enrolment_with_a_valid_code_opens_the_workspace_and_is_audited(login, personas, required):
    client = login("worker.scav")
    page = client.get(reverse("two_factor_setup") + "?next=/cases/")
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=personas["worker.scav"], confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000" if totp(device.bin_key) != 0 else "111111", "next": "/cases/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    response = client.post(reverse("two_factor_setup"), {"token": f"{totp(device.bin_key):06d}", "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="2fa_enroll", actor=personas["worker.scav"]).count() == 1


def test_an_enrolled_user_must_give_a_code_after_the_password(client, personas):
    from tests.conftest import DEMO_PASSWORD

    user = personas["lead.rad"]
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("login"), {"username": "lead.rad", "password": DEMO_PASSWORD})
    blocked = client.get(reverse("cases:team_register"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("two_factor_verify"))
    bad = client.post(reverse("two_factor_verify"), {"token": "12345x"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert client.post(reverse("two_factor_verify"), {"token": f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"}).status_code == 200
    assert AuditEvent.objects.filter(action="2fa_failed", actor=user).count() == 1
    ok = client.post(reverse("two_factor_verify"), {"token": f"{totp(device.bin_key):06d}", "next": "/cases/team/"})
    assert ok.status_code == 302 and ok["Location"] == "/cases/team/"
    assert client.get(reverse("cases:team_register")).status_code == 200


def test_next_cannot_send_the_user_to_another_site(login, personas):
    device = TOTPDevice.objects.create(user=personas["auditor"], name="phone", confirmed=True)
    client = login("auditor")
    response = client.post(reverse("two_factor_verify"), {"token": f"{totp(device.bin_key):06d}", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_reset_removes_the_devices_and_is_audited(personas):
    TOTPDevice.objects.create(user=personas["coordinator"], name="phone", confirmed=True)
    call_command("reset_2fa", "coordinator", stdout=open("/dev/null", "w"))
    assert not TOTPDevice.objects.filter(user=personas["coordinator"]).exists()
    assert AuditEvent.objects.filter(action="2fa_reset", target_id=str(personas["coordinator"].pk)).exists()
