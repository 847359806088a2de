"""Forms of the coordination pages. The services validate again: a form is a convenience for
the user, not the guard."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import DATE_WIDGET
from casework.plan.models import DESCRIPTION_MAX, EVIDENCE_MAX, QUANTITY_MAX, Indicator


class _Dated(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET,
                           error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")})

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return value


class ActivityRecordForm(_Dated):
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal(0), max_value=QUANTITY_MAX, max_digits=7, decimal_places=1,
        help_text=_("The number counted by the indicator: meetings, people trained, hours of presence…"),
        error_messages={
            "required": _("Enter the quantity."),
            "invalid": _("Enter a number."),
            "min_value": _("The quantity cannot be negative."),
            "max_value": _("The quantity cannot exceed %(limit_value)s; split it over several records."),
            "max_decimal_places": _("Use at most one decimal."),
            "max_digits": _("This quantity is too large."),
            "max_whole_digits": _("This quantity is too large."),
        },
    )
    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicator is not None and indicator.unit != Indicator.Unit.HOURS:
            # Meetings, people, operations are counted in whole numbers; only hours take a half.
            field = self.fields["quantity"]
            field.decimal_places = 0
            field.error_messages["max_decimal_places"] = _("Enter a whole number: only hours may have a decimal.")
            field.widget.attrs["step"] = "1"
            field.help_text = _("The number counted by the indicator, as a whole number: meetings, people trained, operations…")

    description = forms.CharField(
        label=_("Short description"), max_length=DESCRIPTION_MAX, required=False,
        help_text=_("What happened, without any name or detail that could identify a person."),
        error_messages={"max_length": _("Keep the description under %(limit_value)d characters.")},
    )


class AttestationForm(_Dated):
    answer = forms.TypedChoiceField(
        label=_("Answer"), choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes",
        widget=forms.RadioSelect, error_messages={"required": _("Answer yes or no."), "invalid_choice": _("Answer yes or no.")},
    )
    evidence = forms.CharField(
        label=_("Evidence"), max_length=EVIDENCE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the proof is kept (document, minutes, date of the decision). No personal data."),
        error_messages={"max_length": _("Keep the evidence note under %(limit_value)d characters.")},
    )
