"""Which team app holds the team-specific details of a case: one registry, used by services,
forms and templates alike."""

from django.apps import apps
from django.utils.module_loading import import_string

# Team code -> (details model, details form).
TEAM_DETAILS = {
    "SCAPI": ("detainees.DetentionDetails", "detainees.forms.DetentionDetailsForm"),
    "MEDLOC-SCAV": ("victims.VictimDetails", "victims.forms.VictimDetailsForm"),
    "RAD": ("radicalisation.RadicalisationDetails", "radicalisation.forms.RadicalisationDetailsForm"),
}


def details_model_for(team):
    return apps.get_model(TEAM_DETAILS[team.code][0])


def details_form_for(team):
    return import_string(TEAM_DETAILS[team.code][1])


def details_of(case):
    return details_model_for(case.team).objects.filter(case=case).first()
