"""The CSV export of audit events.

Two kinds of injection are neutralised in every cell, whatever the database holds (the
services clean user-supplied text on the way in, but an export must not trust that a row was
written by them):
- line breaks and control characters are replaced by spaces, so no cell can fake a row;
- a cell starting with = + - @ (or a tab or carriage return) gets a leading apostrophe, so a
  spreadsheet shows it as text instead of evaluating it as a formula (CSV/formula injection).
"""

import csv
import json

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import clean_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CELL_MAX = 10_000


def csv_cell(value) -> str:
    if value is None:
        return ""
    text = clean_text(value if isinstance(value, str) else str(value), CELL_MAX)
    if text.lstrip(" ").startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text


def header_row():
    return [_("sequence"), _("time"), _("user"), _("action"), _("action (label)"), _("target type"), _("target id"),
            _("case reference"), _("team"), _("client address"), _("user agent"), _("justification"), _("detail"),
            _("hash")]


def event_row(event):
    local_time = timezone.localtime(event.at).isoformat(timespec="seconds")
    return [csv_cell(value) for value in (
        event.seq, local_time, event.actor_username, event.action, event.action_label, event.target_type,
        event.target_id, event.target_ref, event.team, event.client_ip, event.user_agent, event.justification,
        json.dumps(event.detail, ensure_ascii=False, sort_keys=True), event.hash,
    )]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer inside a generator."""

    def write(self, value):
        return value


def csv_lines(events, *, language):
    """The CSV file line by line: a UTF-8 byte-order mark (spreadsheets otherwise guess the
    encoding wrong), the header, then one line per event. It is consumed after the view has
    returned, so it sets the request's language itself."""
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff" + writer.writerow([csv_cell(cell) for cell in header_row()])
        for event in events:
            yield writer.writerow(event_row(event))
