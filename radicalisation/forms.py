from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import DATE_WIDGET, FieldValuesForm
from radicalisation.models import RadicalisationDetails


class RadicalisationDetailsForm(FieldValuesForm):
    class Meta:
        model = RadicalisationDetails
        fields = ["requester", "concern", "discussed_in_csilr", "csilr_date"]
        widgets = {"csilr_date": DATE_WIDGET}

    def clean(self):
        cleaned = super().clean()
        discussed, when = cleaned.get("discussed_in_csilr"), cleaned.get("csilr_date")
        if when and not discussed:
            self.add_error("discussed_in_csilr", _("Tick 'discussed in the CSIL-R', or leave its date empty."))
        if when and when > timezone.localdate():
            self.add_error("csilr_date", _("The CSIL-R date cannot be in the future."))
        return cleaned
