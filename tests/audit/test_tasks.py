"""The scheduled audit tasks exist under the names the beat schedule uses and do their work
through the services: a signed checkpoint, a recorded verification."""

import pytest
from django.conf import settings

from audit.actions import Action
from audit import checkpoints
from audit.models import AuditEvent
from audit.services import lane_heads

from tests.audit.conftest import Attacker


def test_every_audit_task_of_the_beat_schedule_is_registered(celery_tasks):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"].startswith("audit.")}
    assert scheduled == {"audit.write_checkpoint", "audit.verify_chain", "audit.detect_anomalies"}
    assert scheduled <= set(celery_tasks)


def test_the_checkpoint_task_signs_the_current_head(celery_tasks, checkpoint_dir, db):
    result = celery_tasks["audit.write_checkpoint"].apply().get()
    heads = lane_heads()
    events = sum(position for position, _hash in heads.values())
    assert result == {"events": events, "lanes": len([lane for lane, head in heads.items() if head[0]])}
    (path,) = checkpoint_dir.rglob("*.json")
    assert path.name.startswith(f"{events:020d}-")
    assert checkpoints.checkpoint_newest(checkpoint_dir).heads == {lane: head for lane, head in heads.items() if head[0]}


def test_the_verification_task_records_a_success(celery_tasks, db):
    result = celery_tasks["audit.verify_chain"].apply().get()
    event = AuditEvent.objects.filter(action=Action.AUDIT_VERIFY).order_by("-seq").first()
    assert result == {"ok": True, "checked": AuditEvent.objects.count() - 1, "first_bad_seq": None}
    assert (event.actor_id, event.target_type) == (None, "audit_log")
    assert event.detail["result"] == "ok" and event.detail["first_bad_seq"] is None


def test_the_verification_task_records_a_failure_with_the_first_bad_event(celery_tasks, db):
    attacker = Attacker()
    seventh = AuditEvent.objects.order_by("seq")[6]
    attacker.execute("UPDATE audit_auditevent SET team = 'RAD' WHERE seq = %s", [seventh.seq])
    result = celery_tasks["audit.verify_chain"].apply().get()
    where = f"{seventh.lane}.{seventh.position}"
    assert result["ok"] is False and result["first_bad_seq"] == where
    event = AuditEvent.objects.filter(action=Action.AUDIT_VERIFY).order_by("-seq").first()
    assert event.detail["result"] == "failed"
    assert (event.detail["first_bad_seq"], event.detail["kinds"]) == (where, ["edited"])


def test_the_verification_can_be_recorded_from_the_command(db):
    import io

    from django.core.management import call_command

    call_command("verify_audit", "--record", stdout=io.StringIO())
    assert AuditEvent.objects.order_by("-seq").first().action == Action.AUDIT_VERIFY


@pytest.mark.parametrize("size", ["0", "-3"])
def test_the_command_refuses_a_useless_batch_size(db, size):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("verify_audit", "--batch-size", size)
