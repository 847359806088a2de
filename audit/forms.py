import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.actions import Action
from audit.models import Anomaly
from audit.selectors import EventFilters
from audit.services import REVIEW_COMMENT_MAX
from casework.models import Team

# Dates outside this range are typing mistakes, and would overflow the day arithmetic at the
# ends of the calendar.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
CURSOR_MAX = 2**63 - 1
DIGITS = re.compile(r"[0-9]{1,19}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _in_range(day):
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationError(_("Choose a date between %(first)s and %(last)s."),
                              params={"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}, code="date_range")


class EventFilterForm(forms.Form):
    """The auditor's filters (a GET form). ``fixed`` names filters a page sets itself (the
    per-case page fixes the reference, the per-user page the user): they are not offered."""

    username = forms.CharField(label=_("User"), max_length=150, required=False)
    reference = forms.CharField(label=_("Case reference"), max_length=40, required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput(), validators=[_in_range])
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput(), validators=[_in_range])

    def __init__(self, *args, fixed=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in fixed:
            del self.fields[name]
        if "team" in self.fields:
            self.fields["team"].choices = [("", _("all teams"))] + [(code, code) for code in Team.objects.values_list("code", flat=True)]
        self.fields["action"].choices = [("", _("all actions"))] + sorted(Action.choices, key=lambda choice: str(choice[1]))

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        if reference and not REFERENCE.match(reference):
            raise ValidationError(_("A case reference has letters, digits and dashes only (for example SCAV-2026-0042)."),
                                  code="reference")
        return reference

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self, **fixed) -> EventFilters:
        values = {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
        return EventFilters(**values, **fixed)


def cursor(value):
    """A paging cursor from the query string: a positive seq, or None for anything else (a
    cursor is made by our own links; a mangled one just restarts from the newest)."""
    if value is None or not DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= CURSOR_MAX else None


class AnomalyReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Anomaly.Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome of the review.")},
    )
    comment = forms.CharField(
        label=_("Review comment"), max_length=REVIEW_COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you checked and what you concluded. Required; kept in the audit log."),
        error_messages={"required": _("A comment is required to mark this item reviewed.")},
    )
