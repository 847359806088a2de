"""Each role's workspace: where the home page sends a user, and the navigation they see.

The core's workspaces are listed here; every app adds its own through its ``workspaces`` hook
(``casework/extensions.py``). ``order`` places them: a user with several lands on the first."""

import dataclasses

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.access import roles_of
from casework.extensions import app_hooks


@dataclasses.dataclass(frozen=True)
class Workspace:
    key: str
    label: str
    url: str
    order: int = 50


def workspaces_for(user) -> list[Workspace]:
    """Read once per request (kept on the request's user object, like ``roles_of``): every
    template rendered with the request, each case panel included, asks for them."""
    cached = getattr(user, "_casework_workspaces", None)
    if cached is None:
        cached = user._casework_workspaces = _workspaces(user)
    return cached


def _workspaces(user) -> list[Workspace]:
    roles = roles_of(user)
    spaces = []
    if roles.lead_teams:
        spaces.append(Workspace("team", _("Team cases"), reverse("cases:team_register"), order=10))
    if roles.worker_teams:
        spaces.append(Workspace("mine", _("My cases"), reverse("cases:my_cases"), order=20))
    if roles.auditor:
        spaces.append(Workspace("audit", _("Audit log"), reverse("audit:events"), order=30))
    if roles.administrator:
        spaces.append(Workspace("accounts", _("Accounts"), reverse("admin:index"), order=90))
    if roles.lead_teams or roles.administrator:
        spaces.append(Workspace("role_requests", _("Role requests"), reverse("role_requests"), order=95))
    for _config, contribute in app_hooks("workspaces"):
        spaces.extend(contribute(user, roles))
    return sorted(spaces, key=lambda space: space.order)
