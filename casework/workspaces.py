"""Each role's workspace: where the home page sends a user, and the navigation they see."""

import dataclasses

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.access import roles_of


@dataclasses.dataclass(frozen=True)
class Workspace:
    key: str
    label: str
    url: str


def workspaces_for(user) -> list[Workspace]:
    """In the order the home page prefers them: a user with several roles lands on the first."""
    roles = roles_of(user)
    spaces = []
    if roles.lead_teams:
        spaces.append(Workspace("team", _("Team cases"), reverse("cases:team_register")))
    if roles.worker_teams:
        spaces.append(Workspace("mine", _("My cases"), reverse("cases:my_cases")))
    if roles.auditor:
        spaces.append(Workspace("audit", _("Audit log"), reverse("audit:events")))
    if roles.coordinator:
        spaces.append(Workspace("indicators", _("Indicators"), reverse("plan:home")))
    elif roles.lead_teams:
        # Leads enter their team's activity records and attestations (never the figures).
        spaces.append(Workspace("activities", _("Activities"), reverse("plan:entry_home")))
    if roles.administrator:
        spaces.append(Workspace("accounts", _("Accounts"), reverse("admin:index")))
    return spaces
