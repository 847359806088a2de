"""Second-factor state changes: enrolment (the device exists only once a code confirms it),
recovery codes (ten, one-time, stored as keyed hashes) and their use. Each audited in its
transaction. (docs/decisions/0006-second-factor-and-sessions.md)"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import Action
from audit.services import Origin, audit_record
from casework.models import RecoveryCode

RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper
_HALF = 5


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _hash(code: str) -> str:
    # The codes carry ~50 random bits, so a keyed hash (SECRET_KEY) is enough: a database dump
    # alone cannot test guesses, and a code is found with one indexed look-up.
    return salted_hmac("casework.two_factor.recovery_code", _normalise(code), algorithm="sha256").hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(2 * _HALF))
    return f"{raw[:_HALF]}-{raw[_HALF:]}"


def _replace_codes(user) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash(code)) for code in codes])
    return codes


def two_factor_enrol(*, actor, origin: Origin, key: str) -> tuple[TOTPDevice, list[str]]:
    """Create the confirmed device of a secret whose code the user has just given, and ten
    recovery codes (returned in clear this once; only their hashes are kept)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        device = TOTPDevice.objects.create(user=actor, name="authenticator", key=key, confirmed=True)
        codes = _replace_codes(actor)
        audit_record(actor=actor, action=Action.TWO_FACTOR_ENROLL, origin=origin, target_type="user", target_id=actor.pk)
        audit_record(actor=actor, action=Action.TWO_FACTOR_RECOVERY_CODES, origin=origin, target_type="user",
                     target_id=actor.pk, detail={"count": len(codes)})
    return device, codes


def recovery_codes_regenerate(*, actor, origin: Origin) -> list[str]:
    """New codes for the actor (the old ones stop working)."""
    with transaction.atomic():
        codes = _replace_codes(actor)
        audit_record(actor=actor, action=Action.TWO_FACTOR_RECOVERY_CODES, origin=origin, target_type="user",
                     target_id=actor.pk, detail={"count": len(codes)})
    return codes


def recovery_codes_remaining(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def recovery_code_use(*, actor, origin: Origin, code: str, device: TOTPDevice) -> bool:
    """Spend one unused code of the actor; True if it was one. Wrong codes count towards the
    device's throttle like wrong TOTP codes, and are audited as failed second factors."""
    allowed, _ = device.verify_is_allowed()
    with transaction.atomic():
        spent = allowed and bool(_normalise(code)) and RecoveryCode.objects.filter(
            user=actor, code_hash=_hash(code), used_at__isnull=True,
        ).update(used_at=timezone.now()) == 1
        if spent:
            device.throttle_reset(commit=True)
            audit_record(actor=actor, action=Action.TWO_FACTOR_RECOVERY_USED, origin=origin, target_type="user",
                         target_id=actor.pk, detail={"remaining": recovery_codes_remaining(actor)})
        else:
            audit_record(actor=actor, action=Action.TWO_FACTOR_FAILED, origin=origin, target_type="user",
                         target_id=actor.pk, detail={"recovery_code": True})
    if not spent and allowed:
        device.throttle_increment(commit=True)
    return spent
