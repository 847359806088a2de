from django import forms

from detainees.models import DetentionDetails

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DetentionDetailsForm(forms.ModelForm):
    class Meta:
        model = DetentionDetails
        fields = ["prison", "detention_status", "expected_release", "reintegration_goals"]
        widgets = {"expected_release": DATE_WIDGET, "reintegration_goals": forms.Textarea(attrs={"rows": 3})}

    def details(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
