import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import DATE_WIDGET
from casework.models import Case, Place, Role, SessionKind


def _name(user):
    return user.get_full_name() or user.get_username()


def team_workers(team):
    return get_user_model().objects.filter(roles__kind=Role.Kind.WORKER, roles__team=team, is_active=True).order_by("username")


class AppointmentForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=720, initial=60)
    place = forms.ChoiceField(label=_("Place"), choices=Place.choices)
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=SessionKind.objects.none())
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=get_user_model().objects.none())

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["kind"].queryset = SessionKind.objects.filter(team=case.team, active=True)
        self.fields["kind"].label_from_instance = lambda kind: kind.name
        workers = team_workers(case.team)
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = _name
        if not self.is_bound:
            self.initial.setdefault("day", timezone.localdate() + datetime.timedelta(days=1))
            self.initial.setdefault("time", datetime.time(10, 0))
            # The kind of the case's last session, else the team's first: usually the next one's too.
            last_kind = case.sessions.order_by("-held_on", "-created_at").values_list("kind_id", flat=True).first()
            self.initial.setdefault("kind", last_kind or self.fields["kind"].queryset.values_list("pk", flat=True).first())
            if workers.filter(pk=user.pk).exists():
                self.initial.setdefault("worker", user.pk)
            else:
                first = case.assignments.order_by("worker__username").values_list("worker_id", flat=True).first()
                self.initial.setdefault("worker", first)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            starts_at = timezone.make_aware(datetime.datetime.combine(data["day"], data["time"]))
            if starts_at < timezone.now() - datetime.timedelta(hours=1):
                raise ValidationError({"day": _("An appointment is planned for later, not in the past.")})
            if data["day"] > timezone.localdate() + datetime.timedelta(days=366):
                raise ValidationError({"day": _("Plan at most a year ahead.")})
            data["starts_at"] = starts_at
        return data


class FollowUpForm(forms.Form):
    days = forms.IntegerField(label=_("Follow-up interval (days)"), min_value=1, max_value=365, required=False,
                              help_text=_("Leave empty to use the team's interval."))


class TeamFollowUpForm(forms.Form):
    days = forms.IntegerField(label=_("Follow-up interval (days)"), min_value=1, max_value=365)


class HandoverForm(forms.Form):
    from_worker = forms.ModelChoiceField(label=_("Cases of"), queryset=get_user_model().objects.none())
    to_worker = forms.ModelChoiceField(label=_("Hand over to"), queryset=get_user_model().objects.none(), required=False)
    cases = forms.ModelMultipleChoiceField(label=_("Cases"), queryset=Case.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        for name in ("from_worker", "to_worker"):
            self.fields[name].queryset = team_workers(team)
            self.fields[name].label_from_instance = _name
        from_id = self.data.get("from_worker") if self.is_bound else None
        cases = Case.objects.none()
        if from_id and str(from_id).isdigit():
            cases = Case.objects.filter(team=team, assignments__worker_id=int(from_id)).order_by("reference")
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda case: f"{case.reference} ({case.get_status_display()})"

    def clean(self):
        data = super().clean()
        if not data.get("to_worker"):
            raise ValidationError({"to_worker": _("Choose who takes the cases over.")})
        if data.get("from_worker") and data["to_worker"] == data["from_worker"]:
            raise ValidationError({"to_worker": _("Choose another worker to hand the cases over to.")})
        if not data.get("cases"):
            raise ValidationError({"cases": _("Choose at least one case.")})
        return data


class ReassignForm(forms.Form):
    from_worker = forms.ModelChoiceField(label=_("Current worker"), queryset=get_user_model().objects.none())
    to_worker = forms.ModelChoiceField(label=_("New worker"), queryset=get_user_model().objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_worker"].queryset = get_user_model().objects.filter(assignments__case=case).order_by("username")
        self.fields["to_worker"].queryset = team_workers(case.team).exclude(assignments__case=case)
        for name in ("from_worker", "to_worker"):
            self.fields[name].label_from_instance = _name
