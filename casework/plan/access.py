"""Who reaches the coordination pages.

- The year pages, exports and reports: coordinators only. Anyone else gets the same 404 as a
  missing page, and the attempt is audited (casework.access.refuse).
- Activity records and attestations: coordinators for every indicator, team leads for the
  indicators of the strategic objectives of their own teams (they know their team's meetings
  and trainings best). The peacekeepers keep no case files and have no team here, so their
  figures are entered by the coordination.
"""

from casework.access import refuse, roles_of
from casework.plan.models import ActivityRecord, Indicator


def require_coordinator(request, *, target_id=""):
    if not roles_of(request.user).coordinator:
        refuse(request, target_type="plan", target_id=target_id, reason="not coordinator")


def require_entry_rights(request, *, target_id=""):
    roles = roles_of(request.user)
    if not (roles.coordinator or roles.lead_teams):
        refuse(request, target_type="plan", target_id=target_id, reason="not coordinator or team lead")
    return roles


def get_indicator_for_entry(request, indicator_id, *, source) -> Indicator:
    roles = require_entry_rights(request, target_id=indicator_id)
    indicator = (Indicator.objects.enterable_by(roles).filter(pk=indicator_id, source=source)
                 .with_tree().first())
    if indicator is None:
        refuse(request, target_type="indicator", target_id=indicator_id, reason="not enterable")
    return indicator


def get_record_for_entry(request, record_id) -> ActivityRecord:
    roles = require_entry_rights(request, target_id=record_id)
    record = (ActivityRecord.objects.filter(pk=record_id, indicator__in=Indicator.objects.enterable_by(roles))
              .select_related("indicator").first())
    if record is None:
        refuse(request, target_type="activity_record", target_id=record_id, reason="not enterable")
    return record
