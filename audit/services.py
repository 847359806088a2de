"""Writing audit events. The one way to append to the chain: ``audit_record``."""

import dataclasses
import ipaddress
import re

from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from audit.hashing import event_hash
from audit.models import AuditEvent, ChainHead

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
USER_AGENT_MAX = 300
JUSTIFICATION_MAX = 2000


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a request came from: what the audit log keeps about the client."""

    client_ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request):
        if request is None:
            return cls()
        ip = request.META.get("REMOTE_ADDR") or None
        try:
            ip = str(ipaddress.ip_address(ip)) if ip else None
        except ValueError:
            ip = None
        return cls(client_ip=ip, user_agent=request.META.get("HTTP_USER_AGENT", ""))


SYSTEM = Origin()


def clean_text(value: str, limit: int) -> str:
    """User-supplied text: no line breaks or control characters (they could forge lines in
    logs and CSV exports), bounded length."""
    return _CONTROL.sub(" ", value or "")[:limit]


def audit_record(*, actor, action: Action, origin: Origin = SYSTEM, target_type="", target_id="",
                 target_ref="", team="", justification="", detail=None, actor_username=None) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    ``actor`` may be None for system actions and failed logins (then pass ``actor_username``,
    the name that was typed, which is kept cleaned but not trusted)."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get(pk=1)  # created by migration 0002
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor if authenticated else None,
            actor_username=clean_text(actor.get_username() if authenticated else (actor_username or ""), 150),
            action=str(action),
            target_type=target_type,
            target_id=str(target_id or ""),
            target_ref=target_ref or "",
            team=team or "",
            client_ip=origin.client_ip,
            user_agent=clean_text(origin.user_agent, USER_AGENT_MAX),
            justification=clean_text(justification, JUSTIFICATION_MAX),
            detail=detail or {},
            prev_hash=head.hash,
        )
        event.hash = event_hash({**event.hashed_fields(), "actor_id": event.actor_id})
        event.save()
        ChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event
