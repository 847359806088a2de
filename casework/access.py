"""Who may do what: the one place where access to case files is decided.

Rules (DESIGN.md, "Who uses it"):
- a team lead sees and supervises every case of the teams they lead (a filter on the team,
  no per-object rows);
- a social worker sees the cases they are assigned to, through guardian's direct foreign-key
  object permissions, and only while they are still a worker of the case's team;
- auditors, coordinators and administrators open no case file, whatever else they hold;
- superuser status grants nothing here.

``get_case_for_user`` is the fetch-and-authorise function: views never fetch a case another
way. A case the user may not see is a 404, identical to a case that does not exist, and the
attempt is written to the audit log.
"""

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.http import Http404
from guardian.shortcuts import get_user_perms

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import Origin, audit_record
from casework.models import Case, Role

VIEW = "view_case"
CHANGE = "change_case"
# Recording a session: an assigned worker's CHANGE, and also allowed during emergency access.
RECORD_SESSION = "record_session"
# What an emergency access window allows a worker of the team who is not assigned.
EMERGENCY_PERMS = {VIEW, RECORD_SESSION}


@dataclasses.dataclass(frozen=True)
class Roles:
    worker_teams: frozenset = frozenset()
    lead_teams: frozenset = frozenset()
    # The codes of worker_teams | lead_teams, for hooks keyed on a team's code (no extra query).
    casework_team_codes: frozenset = frozenset()
    auditor: bool = False
    coordinator: bool = False
    administrator: bool = False

    @property
    def casework_teams(self):
        return self.worker_teams | self.lead_teams

    @property
    def any(self):
        return bool(self.casework_teams or self.auditor or self.coordinator or self.administrator)


def roles_of(user) -> Roles:
    """The user's roles, read once per request (cached on the request's user object, which
    Django builds anew for every request, so a revoked role counts from the next request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Roles()
    cached = getattr(user, "_casework_roles", None)
    if cached is None:
        rows = list(Role.objects.filter(user=user).values_list("kind", "team_id", "team__code"))
        kinds = {kind for kind, _, _ in rows}
        casework_kinds = (Role.Kind.WORKER, Role.Kind.LEAD)
        cached = Roles(
            worker_teams=frozenset(team for kind, team, _ in rows if kind == Role.Kind.WORKER),
            lead_teams=frozenset(team for kind, team, _ in rows if kind == Role.Kind.LEAD),
            casework_team_codes=frozenset(code for kind, _, code in rows if kind in casework_kinds),
            auditor=Role.Kind.AUDITOR in kinds,
            coordinator=Role.Kind.COORDINATOR in kinds,
            administrator=Role.Kind.ADMINISTRATOR in kinds,
        )
        user._casework_roles = cached
    return cached


def visible_cases(user):
    """Every case the user may open: the led teams' cases and the worker's assigned cases."""
    roles = roles_of(user)
    if not roles.casework_teams:
        return Case.objects.none()
    query = Q(team__in=roles.lead_teams)
    if roles.worker_teams:
        query |= Q(pk__in=assigned_cases(user).values("pk"))
    return Case.objects.filter(query)


def assigned_cases(user):
    """A worker's own caseload ("my cases"): an EXISTS over guardian's direct foreign-key
    user-permission table, which grows with the caseload, not the case table (bench/cases.py)."""
    roles = roles_of(user)
    if not roles.worker_teams:
        return Case.objects.none()
    return Case.objects.filter(team__in=roles.worker_teams).assigned_to(user)


def has_case_permission(user, case, perm) -> bool:
    return _case_access(user, case, perm) is not None


def _case_access(user, case, perm):
    """On what ground ``user`` may do ``perm`` on ``case``: "lead", "assigned", or the end of
    an emergency window (a datetime); None when they may not."""
    roles = roles_of(user)
    if case.team_id in roles.lead_teams:
        return "lead"
    if case.team_id in roles.worker_teams:
        codename = CHANGE if perm == RECORD_SESSION else perm
        if codename in _assigned_perms(user, case):
            return "assigned"
        if perm in EMERGENCY_PERMS:
            return emergency_until(user, case)
    return None


def _assigned_perms(user, case) -> frozenset:
    """The user's guardian codenames on ``case``, read once per case instance.

    Views fetch the case anew on every request (``get_case_for_user``), so the memo lives as
    long as one request: a revoked assignment takes effect on the very next one, which
    guardian's ObjectPermissionChecker (cached per checker) would not promise by itself."""
    memo = case.__dict__.setdefault("_casework_perms", {})
    if user.pk not in memo:
        memo[user.pk] = frozenset(get_user_perms(user, case).values_list("codename", flat=True))
    return memo[user.pk]


def emergency_minutes() -> int:
    return int(getattr(settings, "CASEWORK_EMERGENCY_MINUTES", 60))


def emergency_until(user, case):
    """When the user's emergency access to ``case`` ends, or None if there is none running.

    The window is read from the audit chain itself (the latest BREAK_GLASS event of this user on
    this case): nothing is granted that is not in the append-only log, and nothing needs revoking.
    Only a worker of the case's team can have one (``case_emergency`` refuses anyone else)."""
    if case.team_id not in roles_of(user).worker_teams:
        return None
    since = timezone.now() - datetime.timedelta(minutes=emergency_minutes())
    opened = (AuditEvent.objects.filter(action=Action.BREAK_GLASS, actor=user, target_type="case",
                                        target_id=str(case.pk), at__gte=since)
              .order_by("-seq").values_list("at", flat=True).first())
    return None if opened is None else opened + datetime.timedelta(minutes=emergency_minutes())


def is_lead_of(user, team) -> bool:
    return team.pk in roles_of(user).lead_teams


def refuse(request, *, target_type, target_id, reason, target_ref="", team=""):
    """Audit a refused access and answer exactly like a missing object."""
    audit_record(
        actor=request.user, action=Action.ACCESS_REFUSED, origin=Origin.from_request(request),
        target_type=target_type, target_id=str(target_id), target_ref=target_ref, team=team,
        detail={"reason": reason, "path": request.path[:200]},
    )
    raise Http404


def get_case_for_user(request, case_id, *, perm=VIEW) -> Case:
    """Fetch a case and check ``perm`` on it for the request's user; 404 (audited) otherwise."""
    case = Case.objects.select_related("team").filter(pk=case_id).first()
    if case is None:
        refuse(request, target_type="case", target_id=case_id, reason="missing")
    ground = _case_access(request.user, case, perm)
    if ground is None:
        refuse(request, target_type="case", target_id=case.pk, reason=f"no {perm}",
               target_ref=case.reference, team=case.team.code)
    # Set when the access rests on an emergency window (base.html shows the banner on every
    # page of the file); None for the case's lead and assigned workers.
    case.emergency_until = ground if isinstance(ground, datetime.datetime) else None
    return case


def require_lead(request, team):
    if not is_lead_of(request.user, team):
        refuse(request, target_type="team", target_id=team.code, reason="not lead", team=team.code)
