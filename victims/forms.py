from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import DATE_WIDGET, FieldValuesForm
from victims.models import HotelRoom, SelfAssessment, VictimDetails


class VictimDetailsForm(FieldValuesForm):
    class Meta:
        model = VictimDetails
        fields = ["offence", "referral_source", "justice_stage", "social_hotel_stay", "social_hotel_from", "social_hotel_until"]
        widgets = {"social_hotel_from": DATE_WIDGET, "social_hotel_until": DATE_WIDGET}

    def clean(self):
        cleaned = super().clean()
        stay, start, end = cleaned.get("social_hotel_stay"), cleaned.get("social_hotel_from"), cleaned.get("social_hotel_until")
        if not stay and (start or end):
            self.add_error("social_hotel_stay", _("Tick the social hotel stay, or leave its dates empty."))
        if start and end and end < start:
            self.add_error("social_hotel_until", _("The end of the stay is before its start."))
        if start and start > timezone.localdate():
            self.add_error("social_hotel_from", _("The start of the stay cannot be in the future."))
        return cleaned


class StayForm(forms.Form):
    room = forms.ModelChoiceField(label=_("Room"), queryset=HotelRoom.objects.filter(active=True), empty_label=None)
    check_in = forms.DateField(label=_("Arrival"), widget=DATE_WIDGET)
    check_out = forms.DateField(label=_("Departure"), widget=DATE_WIDGET, required=False,
                                help_text=_("Leave empty while the person stays."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["check_in"].initial = timezone.localdate()


class StayEndForm(forms.Form):
    check_out = forms.DateField(label=_("Departure"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["check_out"].initial = timezone.localdate()


class WaitingForm(forms.Form):
    asked_on = forms.DateField(label=_("Asked on"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asked_on"].initial = timezone.localdate()


SCORES = [(n, str(n)) for n in range(0, 11)]


class AssessmentForm(forms.Form):
    moment = forms.ChoiceField(label=_("Moment"), choices=SelfAssessment.Moment.choices)
    assessed_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    safety = forms.TypedChoiceField(label=_("How safe do you feel these days? (0 = not at all, 10 = completely)"),
                                    choices=[("", "–")] + SCORES, coerce=int)
    coping = forms.TypedChoiceField(label=_("How well are you coping with what happened? (0 = not at all, 10 = fully)"),
                                    choices=[("", "–")] + SCORES, coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
