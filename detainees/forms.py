from django import forms

from casework.forms import DATE_WIDGET, FieldValuesForm
from detainees.models import DetentionDetails


class DetentionDetailsForm(FieldValuesForm):
    class Meta:
        model = DetentionDetails
        fields = ["prison", "detention_status", "expected_release", "reintegration_goals"]
        widgets = {"expected_release": DATE_WIDGET, "reintegration_goals": forms.Textarea(attrs={"rows": 3})}
