from django import forms
from django.utils.translation import gettext_lazy as _

from casework.documents.uploads import max_bytes


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, image or office document, at most %(max)s MB."))
    session = forms.ChoiceField(label=_("Session (optional)"), required=False)

    def __init__(self, *args, sessions=(), too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].help_text = self.fields["file"].help_text % {"max": max_bytes() // (1024 * 1024)}
        self.sessions = {str(s.pk): s for s in sessions}
        self.fields["session"].choices = [("", _("The whole case"))] + [
            (str(s.pk), f"{s.held_on:%d/%m/%Y} · {s.kind.name}") for s in sessions
        ]

    def clean(self):
        data = super().clean()
        if self.too_large:
            self.errors.pop("file", None)
            raise forms.ValidationError(_("The file is larger than %(max)s MB.") % {"max": max_bytes() // (1024 * 1024)})
        data["session"] = self.sessions.get(data.get("session") or "")
        return data
