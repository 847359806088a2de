"""How the capability apps (``casework/<app>/``) and the team apps plug into the core without
the core importing them (the import-linter contracts in ``pyproject.toml`` keep it so).

An app contributes by defining a method of a given name on its ``AppConfig``; the core asks
every installed app in ``INSTALLED_APPS`` order. The hooks in use:

- ``seed_demo(*, stdout, users)``: add the app's demo rows (idempotent), after the core's
  accounts, cases and sessions (``manage.py seed_demo``); ``users`` maps username -> user.
- ``workspaces(user, roles)``: a list of ``casework.workspaces.Workspace`` for the header
  navigation; ``roles`` is ``casework.access.roles_of(user)``.
- ``case_panels(request, case, *, emergency)``: a list of rendered HTML sections (``SafeString``,
  e.g. from ``render_to_string``) shown on the case page; the case is already authorised, and
  a panel that shows personal data writes its own audit event.
- ``case_actions(request, case, *, emergency)``: a list of ``CaseAction(label, url)`` buttons on
  the case page.
- ``case_opened(*, case, actor, origin)``: called by ``casework.services.cases.case_open`` in the
  opening's transaction, after the case, its details and assignments are saved (partners: tells
  both leads when the person already has a file in another team).
- ``case_purging(*, case)``: called by ``casework.services.retention.case_purge`` (retention and
  erasure on request) in its transaction, before the case is deleted: delete the app's rows of
  the case and their history rows (files outside the database once the transaction commits);
  may return a dict of counts for the purge's audit event (never personal values).
- ``audit_event_committed(event)``: called with each ``audit.models.AuditEvent`` once the
  transaction that wrote it has committed (``transaction.on_commit`` in ``audit_record``); an
  event rolled back is never announced. Keep it light: queue a task with the event's ``seq``.
- ``session_panels(request, case, session)``: like ``case_panels``, sections shown under the
  session's edit form (the case is authorised for change, the session belongs to it).
- ``case_subject_access(case)``: a dict of what the app keeps about the case, decrypted, for a
  subject-access answer; the caller has authorised the case and audits the export.
- ``team_demo_details(*, rng, opened_on, today, n)`` (team apps, with ``team_code``): the
  team-specific details of a demo case.
- ``indicator_counters()``: ``{code: IndicatorCounter}``, the figures an app offers the plan's
  indicators of source ``records`` (casework/plan/counters.py). ``IndicatorCounter`` lives here
  so an app offers counters without importing the plan app (they are independent layers).
"""

import dataclasses

from django.apps import apps


@dataclasses.dataclass(frozen=True)
class CaseAction:
    """A button on the case page, contributed by an app's ``case_actions`` hook."""

    label: str
    url: str


@dataclasses.dataclass(frozen=True)
class IndicatorCounter:
    """A figure offered through ``indicator_counters``: ``count(first_day, last_day)`` returns
    ``{month: number, …, None: period total}`` from aggregate queries; ``about_people`` says
    whether it is suppressed below k for coordination."""

    label: str
    count: object  # (first_day, last_day) -> {month | None: int | Decimal}
    about_people: bool = True


def app_hooks(name):
    """(app config, bound method) for every installed app that defines hook ``name``."""
    for config in apps.get_app_configs():
        hook = getattr(config, name, None)
        if callable(hook):
            yield config, hook


def team_app(team_code):
    """The AppConfig of the team app that holds ``team_code``'s details."""
    for config in apps.get_app_configs():
        if getattr(config, "team_code", None) == team_code:
            return config
    raise LookupError(f"no installed app declares team_code={team_code!r}")
