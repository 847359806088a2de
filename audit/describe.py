"""Audit events as an auditor reads them: the target and the detail as translated sentences
with case references and usernames (never UUIDs, codes or ``key=value`` strings), and the
browser as "Chrome · Linux" with its full user-agent string on demand.

``describe_events`` works on a whole page of events with a fixed number of queries (the session
kinds and the usernames a page names are read once), whatever the page size.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

BROWSERS = [  # order matters: Edge and Opera also say "Chrome", Chrome also says "Safari"
    ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"), ("python-requests", "Python"),
]
SYSTEMS = [
    ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
    ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
]


def short_agent(user_agent):
    """ "Chrome · Linux" for a long user-agent string; "" when there is none."""
    if not user_agent:
        return ""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in SYSTEMS if marker in user_agent), None)
    parts = [part for part in (browser, system) if part]
    return " · ".join(parts) if parts else _("other program")


def _field_label(name):
    from django.apps import apps

    from casework.models import Case, Session
    from casework.teams import TEAM_DETAILS

    for model in (Case, Session, *(apps.get_model(label) for label, _form in TEAM_DETAILS.values())):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return _("another field")


class Describer:
    def __init__(self, events):
        from casework.models import ClosureReason, SessionKind

        self.kinds = {}
        codes = {e.detail.get("kind") for e in events if isinstance(e.detail, dict) and isinstance(e.detail.get("kind"), str)}
        if codes:
            for kind in SessionKind.objects.filter(code__in=codes).select_related("team"):
                self.kinds.setdefault(kind.code, kind.name)
        user_ids = {e.target_id for e in events if e.target_type == "user" and str(e.target_id).isdigit()}
        self.usernames = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username")) if user_ids else {}
        self.reasons = dict(ClosureReason.choices)

    # Targets ---------------------------------------------------------------------------------
    def target(self, event):
        ref = event.target_ref
        kind = event.target_type
        if kind == "case":
            return _("case %(reference)s") % {"reference": ref} if ref else _("cases")
        if kind == "session":
            return _("a session of case %(reference)s") % {"reference": ref} if ref else _("a session")
        if kind == "case_list":
            return _("a case list")
        if kind == "user":
            name = self.usernames.get(int(event.target_id)) if str(event.target_id).isdigit() else None
            return _("the account of %(username)s") % {"username": name} if name else _("an account")
        if kind == "anomaly":
            return _("finding no. %(number)s") % {"number": event.target_id} if str(event.target_id).isdigit() else _("a finding")
        if kind in ("audit_log", "audit"):
            return _("the audit log")
        if kind in ("plan", "indicator"):
            return _("the plan indicators")
        if kind == "plan_year":
            return _("the plan of %(year)s") % {"year": event.target_id} if str(event.target_id).isdigit() else _("a plan year")
        if kind == "team":
            return _("team %(team)s") % {"team": event.target_id or event.team}
        if kind == "keyring":
            return _("the encryption keys")
        if kind == "activity_record":
            return _("an activity record of the plan")
        if kind == "anomalies":
            return _("the anomaly detection")
        if not kind:
            return ""
        return _("another record") + (f" ({ref})" if ref else "")

    # Details ---------------------------------------------------------------------------------
    def detail(self, event):
        detail = event.detail if isinstance(event.detail, dict) else {}
        sentences = []
        scope = detail.get("scope")
        if scope:
            sentences.append({
                "mine": _("their own cases"), "team": _("the team register"), "caseloads": _("the team's caseloads"),
            }.get(scope, _("a list")))
        page = detail.get("page")
        if isinstance(page, int):
            sentences.append(_("page %(number)s") % {"number": page})
        elif isinstance(page, str):
            sentences.append({
                "events": _("audit log"), "case": _("a case's trail"), "user": _("a user's trail"),
                "anomalies": _("anomalies to review"), "anomaly": _("one finding"),
            }.get(page, _("an audit page")))
        if "shown" in detail:
            sentences.append(ngettext("%(count)s row shown", "%(count)s rows shown", detail["shown"] or 0) % {"count": detail["shown"]})
        if detail.get("sort"):
            sentences.append(_("sorted"))
        filters = detail.get("filters")
        if filters:
            count = len(filters) if hasattr(filters, "__len__") else 1
            sentences.append(ngettext("%(count)s filter", "%(count)s filters", count) % {"count": count})
        if detail.get("search"):
            sentences.append(_("searched by name") if detail["search"] == "name" else _("searched by reference"))
        part = detail.get("part")
        if part:
            sentences.append({
                "history": _("its history"), "edit": _("the edit form"), "session_edit": _("a session's edit form"),
            }.get(part, _("a part of the file")))
        fields = detail.get("fields")
        if isinstance(fields, list) and fields:
            sentences.append(_("changed: %(fields)s") % {"fields": ", ".join(_field_label(name) for name in fields)})
        kind = detail.get("kind")
        if isinstance(kind, str) and kind:
            sentences.append(_("kind: %(kind)s") % {"kind": self.kinds.get(kind, _("another kind"))})
        reason = detail.get("reason")
        if isinstance(reason, str) and reason in self.reasons:
            sentences.append(_("reason: %(reason)s") % {"reason": self.reasons[reason]})
        elif isinstance(reason, str) and reason:
            sentences.append(_("refused: not allowed"))
        if detail.get("worker"):
            sentences.append(_("social worker: %(username)s") % {"username": detail["worker"]})
        if detail.get("undo_of_closing"):
            sentences.append(_("undoing a closing of the same day"))
        if "matches" in detail:
            sentences.append(ngettext("%(count)s match", "%(count)s matches", detail["matches"] or 0) % {"count": detail["matches"]})
        if detail.get("format"):
            sentences.append(_("downloaded as a file"))
        result = detail.get("result")
        if result == "ok":
            sentences.append(_("the chain is intact (%(count)s events checked)") % {"count": detail.get("checked", "?")})
        elif result == "failed":
            sentences.append(_("the chain does not verify from event no. %(number)s") % {"number": detail.get("first_bad_seq") or "?"})
        outcome = detail.get("outcome")
        if outcome:
            from audit.models import Anomaly

            sentences.append(_("outcome: %(outcome)s") % {"outcome": dict(Anomaly.Outcome.choices).get(outcome, outcome)})
        return "; ".join(str(s) for s in sentences)


def describe_events(events):
    events = list(events)
    describer = Describer(events)
    # The row's time and links, made here rather than through three template filters and two
    # {% url %} tags per row: about a quarter of the auditor's page (this table, 50 rows).
    for event in events:
        event.target_text = describer.target(event)
        event.detail_sentence = describer.detail(event)
        event.agent_short = short_agent(event.user_agent)
        at = timezone.localtime(event.at)
        event.at_iso = at.isoformat()
        event.at_text = f'{formats.date_format(at, "SHORT_DATE_FORMAT")} {formats.time_format(at, "H:i:s")}'
        event.actor_url = reverse("audit:user", args=[event.actor_id]) if event.actor_id else ""
        event.case_url = reverse("audit:case", args=[event.target_ref]) if event.target_ref else ""
    return events
