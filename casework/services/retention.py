"""Retention: closed cases are purged CASEWORK_RETENTION_DAYS after they were closed (the server's
time of closing, ``Case.closed_at``), history included.

What survives: the audit events (which hold no personal value, only the reference) and the
indicator counts already computed for past years. Note that recomputing the indicators of a
year whose cases were purged would count fewer sessions; compute_indicators is run for the
current year by the nightly task, and past years' figures are kept as they were reported.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from audit.services import SYSTEM, Origin, audit_record
from casework.extensions import app_hooks
from casework.models import Assignment, Case, CaseUserObjectPermission, Session, Submission
from casework.teams import details_model_for


def expired_cases(today=None):
    """Closed cases whose retention has run out, counted from ``closed_at`` (the server's time
    of closing), not from the typed ``closed_on``: a backdated closing must not shorten it."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.CASEWORK_RETENTION_DAYS)
    start_of_cutoff = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    # A case under legal hold is kept until a lead lifts the hold (casework.partners).
    return Case.objects.closed().filter(closed_at__lt=start_of_cutoff, legal_hold=False)


def case_purge(*, actor, origin: Origin, case: Case, action=Action.CASE_PURGE, justification="") -> None:
    """Delete a case, its sessions, details, assignments, permissions and every history row.

    Also the erasure of a case on the person's request (``action=Action.CASE_ERASE``, by a
    lead, with the request's ``justification``). Apps delete their own rows of the case and
    their history first, through the ``case_purging`` hook."""
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("team").get(pk=case.pk)
        details_model = details_model_for(case.team)
        # Apps first remove what they keep about the case (documents delete their files too)
        # and may return counts for the audit event.
        removed = {}
        for _config, hook in app_hooks("case_purging"):
            removed.update(hook(case=case) or {})
        session_ids = list(Session.objects.filter(case=case).values_list("pk", flat=True))
        Session.objects.filter(case=case).delete()
        Session.history.filter(id__in=session_ids).delete()
        Assignment.objects.filter(case=case).delete()
        Assignment.history.filter(case_id=case.pk).delete()
        details_model.objects.filter(case=case).delete()
        details_model.history.filter(case_id=case.pk).delete()
        CaseUserObjectPermission.objects.filter(content_object=case).delete()
        reference, team = case.reference, case.team.code
        case_id = case.pk
        case.delete()
        Case.history.filter(id=case_id).delete()
        audit_record(actor=actor, actor_username="retention", action=action, origin=origin,
                     target_type="case", target_id=case_id, target_ref=reference, team=team,
                     justification=justification, detail={"sessions": len(session_ids), **removed})


# A submission token only has to outlive a double click or a resent request.
SUBMISSION_KEEP_DAYS = 2


def purge_expired_cases(*, actor=None, origin: Origin = SYSTEM, today=None) -> int:
    Submission.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=SUBMISSION_KEEP_DAYS)).delete()
    count = 0
    for case in expired_cases(today).iterator():
        case_purge(actor=actor, origin=origin, case=case)
        count += 1
    return count
