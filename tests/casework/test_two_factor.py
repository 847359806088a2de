import base64
import datetime
import re

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


def _secret(page):
    match = re.search(r"<code>([A-Z2-7]+)</code>", page.content.decode())
    assert match, "no secret shown"
    return match.group(1)


def _code(secret, offset=0):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{(totp(key) + offset) % 1_000_000:06d}"


def test_enrolment_with_a_valid_code_opens_the_workspace_shows_ten_recovery_codes_and_is_audited(login, personas, required):
    client = login("worker.scav")
    page = client.get(reverse("two_factor_setup") + "?next=/cases/")
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.content.decode()
    secret = _secret(page)
    wrong = client.post(reverse("two_factor_setup"), {"token": _code(secret, 1), "next": "/cases/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not TOTPDevice.objects.filter(user=personas["worker.scav"]).exists()
    response = client.post(reverse("two_factor_setup"), {"token": _code(secret), "next": "/cases/"})
    assert response.status_code == 200
    codes = response.context["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    assert TOTPDevice.objects.filter(user=personas["worker.scav"], confirmed=True).count() == 1
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
    from casework.models import RecoveryCode

    TOTPDevice.objects.create(user=personas["coordinator"], name="phone", confirmed=True)
    RecoveryCode.objects.create(user=personas["coordinator"], code_hash="x")
    call_command("reset_2fa", "coordinator", stdout=open("/dev/null", "w"))
    assert not TOTPDevice.objects.filter(user=personas["coordinator"]).exists()
    assert not RecoveryCode.objects.filter(user=personas["coordinator"]).exists()
    assert AuditEvent.objects.filter(action="2fa_reset", target_id=str(personas["coordinator"].pk)).exists()


# --- issue 8, section 3 -----------------------------------------------------------------

def test_each_enrolment_attempt_shows_a_fresh_secret_and_no_device_exists_before_a_code_confirms_it(login, personas, required):
    # The attack: whoever first knew the password saw the secret; it survived every later
    # login, so they held the second factor too.
    first = login("worker.scav")
    first_secret = _secret(first.get(reverse("two_factor_setup")))
    assert not TOTPDevice.objects.filter(user=personas["worker.scav"]).exists()
    first.logout()
    again = login("worker.scav")
    second_secret = _secret(again.get(reverse("two_factor_setup")))
    assert second_secret != first_secret
    assert _secret(again.get(reverse("two_factor_setup"))) != second_secret
    assert not TOTPDevice.objects.filter(user=personas["worker.scav"]).exists()
    # The first secret confirms nothing now.
    again.post(reverse("two_factor_setup"), {"token": _code(first_secret)})
    assert not TOTPDevice.objects.filter(user=personas["worker.scav"]).exists()


def _enrol(client):
    secret = _secret(client.get(reverse("two_factor_setup")))
    response = client.post(reverse("two_factor_setup"), {"token": _code(secret)})
    return response.context["recovery_codes"]


def test_recovery_codes_are_stored_hashed(login, personas, required):
    from casework.models import RecoveryCode

    codes = _enrol(login("worker.scav"))
    stored = list(RecoveryCode.objects.filter(user=personas["worker.scav"]).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code in value or code.replace("-", "") in value for code in codes for value in stored)


def test_a_recovery_code_opens_the_session_once_and_each_use_is_audited(client, login, personas, required):
    from tests.conftest import DEMO_PASSWORD

    codes = _enrol(login("lead.rad"))
    client.logout()
    client.post(reverse("login"), {"username": "lead.rad", "password": DEMO_PASSWORD})
    assert client.get(reverse("cases:team_register")).status_code == 302
    ok = client.post(reverse("two_factor_verify"), {"recovery_code": codes[3].lower(), "next": "/cases/team/"})
    assert ok.status_code == 302 and ok["Location"] == "/cases/team/"
    assert client.get(reverse("cases:team_register")).status_code == 200
    event = AuditEvent.objects.filter(action="2fa_recovery_used", actor=personas["lead.rad"]).get()
    assert event.detail == {"remaining": 9}
    client.logout()
    client.post(reverse("login"), {"username": "lead.rad", "password": DEMO_PASSWORD})
    again = client.post(reverse("two_factor_verify"), {"recovery_code": codes[3]})
    assert again.status_code == 200
    assert client.get(reverse("cases:team_register")).status_code == 302
    assert AuditEvent.objects.filter(action="2fa_failed", actor=personas["lead.rad"]).exists()


def test_recovery_codes_can_be_regenerated_and_the_old_ones_stop_working(client, login, personas, required):
    from tests.conftest import DEMO_PASSWORD

    user_client = login("lead.rad")
    old = _enrol(user_client)
    page = user_client.get(reverse("recovery_codes"))
    assert page.status_code == 200 and page.context["remaining"] == 10
    response = user_client.post(reverse("recovery_codes"))
    new = response.context["recovery_codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(action="2fa_recovery_codes", actor=personas["lead.rad"]).count() == 2
    user_client.logout()
    client.post(reverse("login"), {"username": "lead.rad", "password": DEMO_PASSWORD})
    assert client.post(reverse("two_factor_verify"), {"recovery_code": old[0]}).status_code == 200
    assert client.post(reverse("two_factor_verify"), {"recovery_code": new[0]}).status_code == 302


def test_the_password_alone_cannot_regenerate_the_recovery_codes(client, login, personas, required):
    from casework.models import RecoveryCode
    from tests.conftest import DEMO_PASSWORD

    _enrol(login("lead.rad"))
    client.logout()
    before = set(RecoveryCode.objects.filter(user=personas["lead.rad"]).values_list("code_hash", flat=True))
    client.post(reverse("login"), {"username": "lead.rad", "password": DEMO_PASSWORD})
    response = client.post(reverse("recovery_codes"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    assert set(RecoveryCode.objects.filter(user=personas["lead.rad"]).values_list("code_hash", flat=True)) == before


def test_an_idle_session_ends_after_the_configured_minutes(login, settings, personas):
    settings.CASEWORK_IDLE_TIMEOUT_MINUTES = 30
    client = login("worker.scav")
    assert client.get(reverse("cases:my_cases")).status_code == 200
    session = client.session
    session["last_activity"] = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=29)).timestamp()
    session.save()
    assert client.get(reverse("cases:my_cases")).status_code == 200
    session = client.session
    session["last_activity"] = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=31)).timestamp()
    session.save()
    response = client.get(reverse("cases:my_cases"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("cases:my_cases")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=personas["worker.scav"], detail__reason="idle").exists()
