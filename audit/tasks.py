"""Scheduled audit work (settings.CELERY_BEAT_SCHEDULE). Each task calls one service and
returns a small JSON-serialisable summary; the logic lives in audit.services."""

from celery import shared_task

from audit.services import anomalies_detect, chain_verify_record, checkpoint_write


@shared_task(name="audit.write_checkpoint")
def write_checkpoint():
    checkpoint = checkpoint_write()
    return None if checkpoint is None else {"events": checkpoint.seq, "lanes": len(checkpoint.heads)}


@shared_task(name="audit.verify_chain")
def verify_chain(actor_id=None):
    """``actor_id``: the auditor who pressed "verify now" (None for the nightly run)."""
    actor = None
    if actor_id is not None:
        from django.contrib.auth import get_user_model

        actor = get_user_model().objects.filter(pk=actor_id).first()
    result = chain_verify_record(actor=actor)
    return {"ok": result.ok, "checked": result.checked, "first_bad_seq": result.first_bad_seq}


@shared_task(name="audit.detect_anomalies")
def detect_anomalies():
    summary = anomalies_detect()
    return {"from": summary.first_day.isoformat(), "to": summary.last_day.isoformat(), "found": summary.found}
