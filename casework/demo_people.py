"""Fictitious people for the demo data. Any likeness to a real person is a coincidence."""

GIVEN_NAMES = [
    "Amina", "Yassin", "Fatima", "Mehdi", "Sofia", "Ilias", "Nora", "Karim", "Lotte", "Pieter",
    "Aïcha", "Bilal", "Chloé", "Dries", "Esra", "Farid", "Grace", "Hamza", "Inès", "Jonas",
    "Kenza", "Lucas", "Mariam", "Nabil", "Olivia", "Rayan", "Salma", "Thomas", "Yasmina", "Zakaria",
    "Emre", "Elif", "Patrice", "Nadia", "Ousmane", "Hanne", "Rachid", "Sanne", "Youssef", "Marie-Claire",
]
FAMILY_NAMES = [
    "El Amrani", "Vandenberghe", "Benali", "Peeters", "Yilmaz", "Mertens", "Bouzid", "Claes", "Kabila", "Dubois",
    "El Khattabi", "Janssens", "Aydin", "Lambert", "Ouali", "Maes", "Diallo", "Willems", "Haddou", "Lemaire",
    "Ziani", "Goossens", "Mukendi", "Jacobs", "Boukhari", "Wouters", "Demir", "Martin", "Tahiri", "De Smet",
]
STREETS = [
    "chaussée de Gand", "rue de Ribaucourt", "boulevard Léopold II", "rue Vandenpeereboom", "rue du Comte de Flandre",
    "rue de l'Ecole", "quai des Charbonnages", "rue Picard", "avenue Jean Dubrucq", "rue Osseghem",
]
CASE_NOTES = {
    "fr": [
        "Première rencontre au bureau; la personne souhaite un accompagnement régulier (note démo {n}).",
        "Situation de logement précaire signalée, orientation vers le CPAS convenue (note démo {n}).",
        "Contact repris après trois semaines; objectifs revus ensemble (note démo {n}).",
    ],
    "nl": [
        "Eerste gesprek op kantoor; de persoon wenst regelmatige begeleiding (demonota {n}).",
        "Precaire huisvesting gemeld, doorverwijzing naar het OCMW afgesproken (demonota {n}).",
    ],
}
SESSION_NOTES = [
    "Entretien de suivi, la personne se sent mieux entourée; prochain rendez-vous fixé (séance démo {n}).",
    "Gesprek over de administratieve stappen; documenten samen ingevuld (demosessie {n}).",
    "Accompagnement au rendez-vous, débriefing à la sortie (séance démo {n}).",
    "Telefonische opvolging, geen nieuwe elementen (demosessie {n}).",
    "Travail sur le projet professionnel; contact pris avec un organisme de formation (séance démo {n}).",
]
REINTEGRATION_GOALS = [
    "Trouver une formation qualifiante et un logement à la sortie (objectif démo {n}).",
    "Werk zoeken via een arbeidstrajectbegeleider en schulden afbetalen (demodoel {n}).",
]
