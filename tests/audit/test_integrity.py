"""The audit trail itself under attack: control characters in what a request carries, a
forged X-Forwarded-For, and a checkpoint writer that silently stopped (issue 8, section 5)."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import Origin, audit_record, checkpoint_write
from tests.conftest import DEMO_PASSWORD

CONTROL = [chr(c) for c in range(32)] + ["\x7f"]


@pytest.fixture
def new_events(db):
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return lambda: list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _clean(event):
    texts = [event.target_type, event.target_id, event.target_ref, event.team, event.actor_username,
             *_strings(event.detail)]
    return not any(c in text for text in texts for c in CONTROL)


# --- Control characters -------------------------------------------------------------------

def test_a_nul_byte_in_an_audit_url_is_refused_with_a_404_and_the_refusal_is_recorded_clean(login, new_events):
    # On PostgreSQL the NUL in the refusal's recorded path made jsonb reject the event: the
    # page answered 500 and the attempt left no trace.
    client = login("worker.scav")
    response = client.get("/audit/cases/%00/")
    assert response.status_code == 404
    (event,) = [e for e in new_events() if e.action == Action.ACCESS_REFUSED]
    assert _clean(event)
    assert event.detail["path"].startswith("/audit/cases/")


def test_every_string_in_an_events_details_is_cleaned_of_control_characters(personas):
    event = audit_record(
        actor=personas["worker.scav"], action=Action.CASE_VIEW, target_type="case\x00",
        target_id="id\x00\n", target_ref="REF\r\n", team="SC\x1bAV",
        detail={"path": "/x\x00y", "nested": {"k\x00": ["a\nb", "c\u2028d", 3]}, "n": 1},
    )
    stored = AuditEvent.objects.get(seq=event.seq)
    assert _clean(stored)
    assert stored.detail["n"] == 1 and stored.detail["nested"]["k "] == ["a b", "c d", 3]
    assert stored.target_id == "id" and stored.target_ref == "REF"


def test_an_overlong_target_is_cut_to_the_columns_size_instead_of_failing_the_request(personas):
    event = audit_record(actor=personas["worker.scav"], action=Action.ACCESS_REFUSED, target_type="case",
                         target_id="x" * 500, target_ref="y" * 500)
    stored = AuditEvent.objects.get(seq=event.seq)
    assert len(stored.target_id) == 64 and len(stored.target_ref) == 40


# --- Client address behind a proxy --------------------------------------------------------

PROXY = "10.0.0.5"


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(settings, new_events):
    settings.TRUSTED_PROXIES = []
    client = Client(REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.66")
    client.post("/accounts/login/", {"username": "worker.scav", "password": DEMO_PASSWORD})
    (event,) = new_events()
    assert event.client_ip == "192.0.2.10"


def test_behind_a_trusted_proxy_the_event_carries_the_clients_address(settings, new_events):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client may send its own X-Forwarded-For; the proxy appends the address it saw.
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    client.post("/accounts/login/", {"username": "worker.scav", "password": DEMO_PASSWORD})
    (event,) = new_events()
    assert event.client_ip == "203.0.113.7"


def test_a_forwarded_for_header_from_an_untrusted_peer_is_not_believed(settings, new_events):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    client = Client(REMOTE_ADDR="192.0.2.99", HTTP_X_FORWARDED_FOR="203.0.113.7")
    client.post("/accounts/login/", {"username": "worker.scav", "password": "wrong-password-123"})
    (event,) = new_events()
    assert event.client_ip == "192.0.2.99"


def test_one_person_behind_the_proxy_cannot_lock_out_another(settings, db):
    settings.TRUSTED_PROXIES = [PROXY]
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        attacker.post("/accounts/login/", {"username": "worker.scav", "password": "wrong-password-123"})
    locked = attacker.post("/accounts/login/", {"username": "worker.scav", "password": DEMO_PASSWORD})
    assert locked.status_code != 302
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.20")
    response = colleague.post("/accounts/login/", {"username": "worker.scav", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_a_forged_or_malformed_forwarded_for_falls_back_to_the_proxy(settings, db):
    settings.TRUSTED_PROXIES = [PROXY]
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-address")
    assert Origin.from_request(request).client_ip == PROXY


# --- Checkpoints overdue ------------------------------------------------------------------

def run_verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", "--language", "en", stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
        err.write(str(exc))
    return status, out.getvalue(), err.getvalue()


def _old_event(personas, minutes):
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    with mock.patch("audit.services.timezone.now", return_value=then):
        return audit_record(actor=personas["worker.scav"], action=Action.CASE_LIST, detail={"scope": "mine"})


def test_verify_audit_warns_and_exits_2_when_old_events_have_no_signed_checkpoint(settings, personas):
    settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES = 30
    checkpoint_write()
    old = _old_event(personas, 45)
    status, out, err = run_verify()
    assert status == 2, (out, err)
    assert "no signed checkpoint" in err and f"#{old.seq}" in err


def test_verify_audit_is_quiet_when_only_recent_events_await_their_checkpoint(settings, personas):
    settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES = 30
    checkpoint_write()
    _old_event(personas, 5)
    status, out, err = run_verify()
    assert status == 0, err


def test_a_checkpoint_covering_the_old_events_clears_the_warning(settings, personas):
    settings.AUDIT_CHECKPOINT_MAX_AGE_MINUTES = 30
    _old_event(personas, 45)
    checkpoint_write()
    assert run_verify()[0] == 0
