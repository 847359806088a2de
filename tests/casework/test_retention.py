import datetime

from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from casework.models import Case, CaseUserObjectPermission, Session
from casework.services.retention import purge_expired_cases


def _closed_case():
    return Case.objects.closed().exclude(sessions=None).order_by("closed_on").first()


def test_purge_removes_an_expired_case_its_sessions_and_every_history_row(db, settings):
    case = _closed_case()
    session_ids = list(case.sessions.values_list("pk", flat=True))
    settings.CASEWORK_RETENTION_DAYS = 30
    later = case.closed_on + datetime.timedelta(days=31)
    purged = purge_expired_cases(today=later)
    assert purged >= 1
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Case.history.filter(id=case.pk).exists()
    assert not Session.history.filter(id__in=session_ids).exists()
    assert not CaseUserObjectPermission.objects.filter(content_object_id=case.pk).exists()
    with connection.cursor() as cursor:
        for table in ("victims_historicalvictimdetails", "detainees_historicaldetentiondetails", "radicalisation_historicalradicalisationdetails"):
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE case_id = %s", [case.pk.hex if connection.vendor == "sqlite" else case.pk])
            assert cursor.fetchone()[0] == 0
    event = AuditEvent.objects.get(action="case_purge", target_id=str(case.pk))
    assert event.target_ref == case.reference and event.detail == {"sessions": len(session_ids)}


def test_cases_within_retention_or_open_are_kept(db, settings):
    settings.CASEWORK_RETENTION_DAYS = 30
    open_before = Case.objects.open().count()
    recent = Case.objects.closed().filter(closed_on__gte=timezone.localdate() - datetime.timedelta(days=30)).count()
    purge_expired_cases()
    assert Case.objects.open().count() == open_before
    assert Case.objects.closed().count() >= recent
