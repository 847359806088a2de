"""The three teams and the session kinds of the 2023 plan. Later plan years add kinds as data
(admin or a new migration); existing kinds are never renamed in place."""

from django.db import migrations

TEAMS = [
    ("SCAPI", "SCAPI", "Service communal d'accompagnement des personnes incarcérées",
     "Gemeentelijke dienst voor begeleiding van gedetineerden", "Municipal support service for detainees"),
    ("MEDLOC-SCAV", "SCAV", "Médiation locale – Service communal d'aide aux victimes",
     "Lokale bemiddeling – Gemeentelijke dienst voor slachtofferhulp", "Local mediation – Municipal victim support service"),
    ("RAD", "RAD", "Pôle Radicalisme", "Pool Radicalisering", "Radicalisation Unit"),
]

KINDS = {
    "SCAPI": [
        ("psychosocial_support", "Accompagnement psychosocial", "Psychosociale begeleiding", "Psychosocial support session"),
        ("reintegration_followup", "Suivi de réinsertion professionnelle", "Follow-up professionele re-integratie", "Reintegration follow-up"),
        ("listening_space", "Séance à l'espace d'écoute", "Sessie in de luisterruimte", "Listening-space session"),
    ],
    "MEDLOC-SCAV": [
        ("social_followup", "Suivi social", "Sociale follow-up", "Social follow-up"),
        ("psychological_followup", "Suivi psychologique", "Psychologische follow-up", "Psychological follow-up"),
        ("justice_accompaniment", "Accompagnement vers la justice", "Begeleiding naar justitie", "Justice accompaniment"),
        ("weekly_dropin", "Permanence hebdomadaire", "Wekelijkse post", "Weekly drop-in"),
    ],
    "RAD": [
        ("individual_consultation", "Consultation individuelle", "Individuele raadpleging", "Individual consultation"),
        ("family_support", "Soutien familial", "Gezinsondersteuning", "Family support"),
        ("professional_advice", "Conseil à un professionnel", "Advies aan een professional", "Advice to a professional"),
    ],
}


def forwards(apps, schema_editor):
    Team = apps.get_model("casework", "Team")
    SessionKind = apps.get_model("casework", "SessionKind")
    for code, prefix, fr, nl, en in TEAMS:
        team, _ = Team.objects.update_or_create(code=code, defaults={"reference_prefix": prefix, "name_fr": fr, "name_nl": nl, "name_en": en})
        for position, (kind, kfr, knl, ken) in enumerate(KINDS[code]):
            SessionKind.objects.update_or_create(team=team, code=kind, defaults={"name_fr": kfr, "name_nl": knl, "name_en": ken, "position": position})


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
