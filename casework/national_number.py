"""The Belgian national register number (rijksregisternummer / numéro de registre national).

Eleven digits ``YYMMDD SSS CC``: birth date, a sequence number (odd for men, even for women)
and a check number: 97 minus (the first nine digits mod 97); for people born from 2000 the
nine digits are prefixed with a 2 before taking the modulus. Birth dates may be partly
unknown (month or day 00) and bis-numbers add 20 or 40 to the month, so the date part is
not checked as a calendar date; the check digits are.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def check_digits_ok(digits: str) -> bool:
    body, check = int(digits[:9]), int(digits[9:])
    return 97 - body % 97 == check or 97 - int("2" + digits[:9]) % 97 == check


def clean_national_number(value: str) -> str:
    """Return the eleven digits, or raise a translated ValidationError."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if not re.fullmatch(r"\d{11}", digits):
        raise ValidationError(
            _("A national register number has 11 digits (for example 85.07.30-033.28)."), code="nrn_format"
        )
    if not check_digits_ok(digits):
        raise ValidationError(
            _("This national register number is not valid: its check digits do not match."), code="nrn_checksum"
        )
    return digits


def format_national_number(digits: str) -> str:
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}" if len(digits) == 11 else digits


def make_national_number(yymmdd: str, sequence: int, *, born_2000_or_later=False) -> str:
    """A valid number for demo data and tests."""
    body = f"{yymmdd}{sequence:03d}"
    base = int(("2" + body) if born_2000_or_later else body)
    return f"{body}{97 - base % 97:02d}"
