"""Demo material for the auditor's workspace, called by ``seed_demo`` after the cases: one
emergency access and a run of refused attempts on another team's files, then one anomaly
detection run, so the review queue shows what it is for. Idempotent: skipped once an
emergency access exists."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import Origin, anomalies_detect, audit_record
from casework.models import Case

DEMO_ORIGIN = Origin(client_ip="127.0.0.1", user_agent="seed_demo")


def seed_audit_demo(stdout):
    if AuditEvent.objects.filter(action=Action.BREAK_GLASS).exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["worker2.scav", "worker.rad"])}
    scav_cases = list(Case.objects.open().filter(team__code="MEDLOC-SCAV").exclude(assignments__worker__username="worker2.scav")
                      .select_related("team").order_by("reference")[:6])
    if len(users) < 2 or len(scav_cases) < 6:
        return
    emergency, *attempted = scav_cases
    audit_record(actor=users["worker2.scav"], action=Action.BREAK_GLASS, origin=DEMO_ORIGIN, target_type="case",
                 target_id=emergency.pk, target_ref=emergency.reference, team=emergency.team.code,
                 justification="Collègue absente, la personne se présente en détresse à l'accueil (démo).")
    for case in attempted:
        audit_record(actor=users["worker.rad"], action=Action.ACCESS_REFUSED, origin=DEMO_ORIGIN, target_type="case",
                     target_id=case.pk, target_ref=case.reference, team=case.team.code,
                     detail={"reason": "no view_case", "path": f"/cases/{case.pk}/"})
    today = timezone.localdate()
    summary = anomalies_detect(first_day=today, last_day=today)
    stdout.write(f"Audit demo: one emergency access, {len(attempted)} refused attempts, {summary.found} findings to review.\n")
