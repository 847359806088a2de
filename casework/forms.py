"""Forms of the case file UI. Every choice a user can post is limited to what they may pick
(their teams, the team's workers, the team's session kinds), so a forged id is a form error."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Case, ClosureReason, Role, Session, SessionKind, Team
from casework.national_number import clean_national_number, format_national_number

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_in_future(value, message):
    if value and value > timezone.localdate():
        raise ValidationError(message, code="future")
    return value


class FieldValuesForm(forms.ModelForm):
    """A model form whose cleaned values are handed to a service (not saved by the form)."""

    def field_values(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class VersionedForm(forms.Form):
    """Carries the version the user started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class IdentityForm(FieldValuesForm):
    class Meta:
        model = Case
        fields = ["given_names", "family_name", "date_of_birth", "national_number", "phone", "address", "notes"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["national_number"].help_text = _("11 digits, for example 85.07.30-033.28. Leave empty if unknown.")
        if not self.instance._state.adding and self.instance.national_number and not self.is_bound:
            self.initial["national_number"] = format_national_number(self.instance.national_number)

    def clean_given_names(self):
        return self.cleaned_data["given_names"].strip()

    def clean_family_name(self):
        return self.cleaned_data["family_name"].strip()

    def clean_national_number(self):
        value = self.cleaned_data.get("national_number", "").strip()
        return clean_national_number(value) if value else ""

    def clean_date_of_birth(self):
        value = _not_in_future(self.cleaned_data.get("date_of_birth"), _("A date of birth cannot be in the future."))
        if value and value < datetime.date(1900, 1, 1):
            raise ValidationError(_("Enter a date of birth after 1900."), code="too_old")
        return value


class CaseOpenForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"))
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE_WIDGET)
    workers = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=_("Assign to"),
        widget=forms.CheckboxSelectMultiple, help_text=_("Social workers of the team. You can assign later."),
    )

    def __init__(self, *args, lead_teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(pk__in=lead_teams)
        self.fields["workers"].queryset = team_workers(lead_teams)
        self.fields["workers"].label_from_instance = worker_label
        if len(lead_teams) == 1:
            self.fields["team"].initial = next(iter(lead_teams))
        self.fields["opened_on"].initial = timezone.localdate()

    def clean_opened_on(self):
        return _not_in_future(self.cleaned_data["opened_on"], _("A case cannot be opened in the future."))

    def clean(self):
        cleaned = super().clean()
        team, workers = cleaned.get("team"), cleaned.get("workers") or []
        if team is not None:
            outsiders = [w for w in workers if not Role.objects.filter(user=w, team=team, kind=Role.Kind.WORKER).exists()]
            if outsiders:
                self.add_error("workers", _("Only social workers of the chosen team can be assigned."))
        return cleaned


class CaseEditForm(VersionedForm):
    pass


class DuplicateConfirmForm(forms.Form):
    confirm_new_person = forms.BooleanField(
        required=False, label=_("This is a different person: create a new case anyway"),
    )


class CloseForm(VersionedForm):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE_WIDGET)
    # No reason is preselected: closing a file must be a choice, not a click through.
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("Choose a reason"))] + list(ClosureReason.choices))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["closed_on"].initial = timezone.localdate()

    def clean_closed_on(self):
        value = _not_in_future(self.cleaned_data["closed_on"], _("The closing date cannot be in the future."))
        if value < self.case.opened_on:
            raise ValidationError(_("A case cannot be closed before the day it was opened."), code="before_open")
        return value


class AssignForm(forms.Form):
    worker = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label=_("Social worker"))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = team_workers([case.team_id]).exclude(assignments__case=case)
        self.fields["worker"].label_from_instance = worker_label


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["kind", "held_on", "place", "duration_minutes", "notes"]
        widgets = {"held_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        kinds = SessionKind.objects.filter(team=case.team, active=True)
        if not self.instance._state.adding:
            kinds = kinds | SessionKind.objects.filter(pk=self.instance.kind_id)
        self.fields["kind"].queryset = kinds
        self.fields["kind"].label_from_instance = lambda kind: kind.name
        self.fields["duration_minutes"].min_value = 1
        self.fields["duration_minutes"].max_value = 720
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": 720})
        if self.instance._state.adding and not self.initial.get("held_on"):
            # A ModelForm's initial values come from its instance (a new one: no date), not
            # from the field; and a UUID primary key is set even before the first save.
            self.initial["held_on"] = timezone.localdate()

    def clean_held_on(self):
        value = _not_in_future(self.cleaned_data["held_on"], _("A session cannot be recorded in the future."))
        if value < self.case.opened_on:
            raise ValidationError(_("A session cannot take place before the case was opened."), code="before_open")
        return value

    def clean_duration_minutes(self):
        value = self.cleaned_data["duration_minutes"]
        if not 1 <= value <= 720:
            raise ValidationError(_("Enter a duration between 1 and 720 minutes."), code="duration")
        return value


class CaseFilterForm(forms.Form):
    """Filters, search and sort of the case lists. Invalid values are reported and ignored,
    never a 500. Without any parameter the list shows open files, newest first."""

    q = forms.CharField(label=_("Reference or name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("all"))] + list(Case.Status.choices))
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("all"))
    worker = forms.ModelChoiceField(label=_("Social worker"), required=False, queryset=get_user_model().objects.none(), empty_label=_("anyone"))
    unassigned = forms.BooleanField(label=_("Unassigned only"), required=False)
    no_contact_days = forms.IntegerField(
        label=_("No contact for more than (days)"), required=False, min_value=1, max_value=3650,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    kind = forms.ModelChoiceField(label=_("Has a session of kind"), required=False, queryset=SessionKind.objects.none(), empty_label=_("any"))
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=DATE_WIDGET)
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=DATE_WIDGET)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=())
    order = forms.ChoiceField(label=_("Order"), required=False, choices=[("", _("usual")), ("asc", _("ascending")), ("desc", _("descending"))])

    def __init__(self, data=None, *, teams, lead=False, **kwargs):
        from casework.case_lists import SORTS

        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = Case.Status.OPEN
        super().__init__(data if data is not None else {"status": Case.Status.OPEN}, **kwargs)
        self.fields["sort"].choices = [(key, sort.label) for key, sort in SORTS.items()]
        self.fields["team"].queryset = Team.objects.filter(pk__in=teams).order_by("code")
        if len(teams) < 2:
            del self.fields["team"]
        if lead:
            self.fields["worker"].queryset = team_workers(teams)
            self.fields["worker"].label_from_instance = worker_label
        else:
            # A worker's own list: every file is theirs.
            del self.fields["worker"]
            del self.fields["unassigned"]
        self.fields["kind"].queryset = SessionKind.objects.filter(team__in=teams).select_related("team")
        self.fields["kind"].label_from_instance = lambda kind: f"{kind.team.code} · {kind.name}"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("opened_from"), cleaned.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", _("The end date is before the start date."))
        return cleaned

    def filters(self):
        """The valid filters (an invalid one is left out, and shown as an error)."""
        if not self.is_valid():
            cleaned = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        else:
            cleaned = self.cleaned_data
        return {name: value for name, value in cleaned.items()
                if name not in ("q", "sort", "order") and value not in ("", None, False)}


class FindForm(forms.Form):
    national_number = forms.CharField(label=_("National register number"), required=False, max_length=20)
    given_names = forms.CharField(label=_("Given names"), required=False, max_length=200)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=200)

    def clean_national_number(self):
        value = self.cleaned_data["national_number"].strip()
        return clean_national_number(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        has_name = cleaned.get("given_names", "").strip() and cleaned.get("family_name", "").strip()
        if not cleaned.get("national_number") and not has_name and not self.errors:
            raise ValidationError(_("Enter a national register number, or both given names and family name."))
        return cleaned


class EmergencyAccessForm(forms.Form):
    justification = forms.CharField(
        label=_("Why do you need this file now?"), min_length=15, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your access and this reason are recorded and reviewed by the auditor."),
    )


def team_workers(team_ids):
    return (get_user_model().objects.filter(roles__kind=Role.Kind.WORKER, roles__team__in=team_ids, roles__status=Role.Status.ACTIVE, is_active=True)
            .distinct().order_by("last_name", "first_name", "username"))


def worker_label(user):
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username
