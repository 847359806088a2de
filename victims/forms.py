from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from victims.models import VictimDetails

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VictimDetailsForm(forms.ModelForm):
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

    def details(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
