from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.contacts.models import DURATION_MAX, NOTE_MAX, PARTICIPANTS_MAX, AnonymousContact, CollectiveActivity
from casework.forms import DATE_WIDGET, worker_label
from casework.models import Role, Team


class _TeamForm(forms.ModelForm):
    """The team is one of the user's own teams: a forged id is a form error."""

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=teams)
        self.fields["team"].empty_label = None
        if len(teams) == 1:
            self.fields["team"].initial = next(iter(teams))
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return value


class ContactForm(_TeamForm):
    class Meta:
        model = AnonymousContact
        fields = ["team", "date", "kind", "asker", "topic", "duration_minutes", "note"]
        widgets = {"date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": DURATION_MAX})

    def clean_duration_minutes(self):
        value = self.cleaned_data["duration_minutes"]
        if not 1 <= value <= DURATION_MAX:
            raise forms.ValidationError(_("Enter a duration between 1 and %(max)s minutes.") % {"max": DURATION_MAX}, code="duration")
        return value


class ActivityForm(_TeamForm):
    class Meta:
        model = CollectiveActivity
        fields = ["team", "date", "kind", "title", "partners", "participants", "workers"]
        widgets = {"date": DATE_WIDGET, "workers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, teams=teams, **kwargs)
        self.fields["workers"].queryset = (
            get_user_model().objects.filter(roles__team__in=teams, roles__kind__in=[Role.Kind.WORKER, Role.Kind.LEAD], is_active=True)
            .distinct().order_by("last_name", "first_name", "username"))
        self.fields["workers"].label_from_instance = worker_label
        self.fields["workers"].required = False
        self.fields["workers"].help_text = _("Who of the team took part. Leave empty for yourself.")
        self.fields["participants"].widget.attrs.update({"min": 0, "max": PARTICIPANTS_MAX})

    def clean_participants(self):
        value = self.cleaned_data["participants"]
        if value is None or not 0 <= value <= PARTICIPANTS_MAX:
            raise forms.ValidationError(_("Enter a number of participants between 0 and %(max)s.") % {"max": PARTICIPANTS_MAX})
        return value
