from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import DATE_WIDGET, FieldValuesForm
from victims.models import VictimDetails


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
