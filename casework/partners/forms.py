"""Forms of the partners app. Every choice is limited to what the user may pick (active
partners, other teams), so a forged id is a form error, not a 500."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import DATE_WIDGET
from casework.models import Team
from casework.partners.models import Consent, ErasureGround, Partner, PartnerReferral, Reason, TeamReferral


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "contact", "language", "active"]

    def field_values(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("The person agreed to"), choices=Consent.Scope.choices)
    team = forms.ModelChoiceField(label=_("Team (sharing with another team)"), queryset=Team.objects.none(), required=False)
    partner = forms.ModelChoiceField(label=_("Partner (sharing with a partner)"), queryset=Partner.objects.none(), required=False)
    given_on = forms.DateField(label=_("Given on"), widget=DATE_WIDGET)
    manner = forms.ChoiceField(label=_("How"), choices=Consent.Manner.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.exclude(pk=case.team_id)
        self.fields["partner"].queryset = Partner.objects.filter(active=True)


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note on the withdrawal"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PartnerReferralForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    referred_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    follow_up = forms.CharField(label=_("Follow-up"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    legal_ground = forms.CharField(
        label=_("Legal ground (team lead, without consent)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty when the person consented to sharing with this partner."))

    def __init__(self, *args, is_lead, **kwargs):
        kwargs.setdefault("initial", {"referred_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(active=True)
        if not is_lead:
            del self.fields["legal_ground"]


class ReferralOutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PartnerReferral.Outcome.choices)
    follow_up = forms.CharField(label=_("Follow-up"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class TeamReferralForm(forms.Form):
    to_team = forms.ModelChoiceField(label=_("To team"), queryset=Team.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamReferral.Kind.choices,
                             help_text=_("A transfer closes your file once the other team accepts; a referral keeps it open."))
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    legal_ground = forms.CharField(
        label=_("Legal ground (without consent)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty when the person consented to sharing with that team."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_team"].queryset = Team.objects.exclude(pk=case.team_id)


class AcceptForm(forms.Form):
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE_WIDGET)

    def clean_opened_on(self):
        value = self.cleaned_data["opened_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A case cannot be opened in the future."))
        return value


class DeclineForm(forms.Form):
    decision_reason = forms.CharField(label=_("Why you decline"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class LinkAcceptForm(forms.Form):
    legal_ground = forms.CharField(
        label=_("Legal ground (without consent)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty when the person consented to sharing with the other team."))


class LegalHoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the legal hold"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ErasureForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground of the request"), choices=ErasureGround.choices)
    requested_on = forms.DateField(label=_("Request received on"), widget=DATE_WIDGET)
    confirm = forms.BooleanField(label=_("I confirm: this file, its sessions and its history are erased for good."))


class SubjectAccessForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the letter"), choices=[("fr", "Français"), ("nl", "Nederlands")])
