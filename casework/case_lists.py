"""The case lists ("My cases", the team register): filters, a whitelist of sorts, keyset paging,
a bounded count and the in-memory name search (docs/decisions/0013-case-lists.md).

Every page costs the same whatever its depth: a page is ``WHERE <filters> AND (sort key, reference)
beyond the cursor ORDER BY … LIMIT n+1`` on an index, never an OFFSET; the columns a row shows
live on the case row (``last_contact_on``, ``session_count``, kept by the session services), so
nothing is computed for rows that are not shown; the count stops at ``COUNT_CAP``.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Assignment, Session

PAGE_SIZE = 25
COUNT_CAP = 1000  # the count says "more than 1,000" rather than counting a whole team's files
NAME_MATCHES_MAX = 200  # a name search shows at most this many files (refine the search beyond)


@dataclass(frozen=True)
class Sort:
    label: object
    field: str
    kind: str  # how a cursor value is read back: "date", "datetime", "int" or "str"
    descending: bool = False  # the direction the column starts in when chosen
    nullable: bool = False  # empty values always come last


# The sorts a list offers, in the order the "Sort by" menu shows them. A sort is one line here;
# its field must be a plain column of the case row (or of a to-one relation) with an index behind
# the team and status filters (casework.models.Case.Meta.indexes).
SORTS = {
    "opened": Sort(_("Opened on"), "opened_on", "date", descending=True),
    "reference": Sort(_("Reference"), "reference", "str"),
    "last_contact": Sort(_("Last session"), "last_contact_on", "date", descending=True, nullable=True),
    "next_appointment": Sort(_("Next appointment"), "next_appointment_at", "datetime", nullable=True),
    "sessions": Sort(_("Sessions"), "session_count", "int", descending=True),
    "status": Sort(_("Status"), "status", "str"),
    "team": Sort(_("Team"), "team__code", "str"),
}
DEFAULT_SORT = "opened"


def normalized(text):
    """Lower case without accents: "Élodie" is found by "elodie"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def looks_like_reference(text):
    """References are letters, digits and dashes with at least one digit (SCAPI-2026-0042)."""
    return any(ch.isdigit() for ch in text) and all(ch.isalnum() or ch == "-" for ch in text)


def apply_filters(cases, *, status="", team=None, worker=None, unassigned=False, no_contact_days=None,
                  kind=None, opened_from=None, opened_to=None, today=None):
    """Narrow a permission-filtered queryset. Each filter is a column or an EXISTS on an index."""
    if status:
        cases = cases.filter(status=status)
    if team is not None:
        cases = cases.filter(team=team)
    if worker is not None:
        cases = cases.filter(Exists(Assignment.objects.filter(case=OuterRef("pk"), worker=worker)))
    if unassigned:
        cases = cases.filter(~Exists(Assignment.objects.filter(case=OuterRef("pk"))))
    if no_contact_days is not None:
        cutoff = (today or timezone.localdate()) - datetime.timedelta(days=no_contact_days)
        # No session at all counts from the day the file was opened.
        cases = cases.filter(Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, opened_on__lt=cutoff))
    if kind is not None:
        cases = cases.filter(Exists(Session.objects.filter(case=OuterRef("pk"), kind=kind)))
    if opened_from:
        cases = cases.filter(opened_on__gte=opened_from)
    if opened_to:
        cases = cases.filter(opened_on__lte=opened_to)
    return cases


def search(cases, text):
    """Cases whose reference contains ``text`` (in SQL: references are not personal), or whose
    person's name contains it, matched after decryption in this process, within ``cases`` only
    (the list the user may see). Names never reach SQL. Returns (queryset, by_name, truncated)."""
    text = text.strip()
    if looks_like_reference(text):
        return cases.filter(reference__icontains=text), False, False
    wanted = normalized(" ".join(text.split()))
    matches = []
    truncated = False
    rows = cases.order_by().only("pk", "given_names", "family_name").iterator(chunk_size=500)
    for case in rows:
        if wanted in normalized(f"{case.given_names} {case.family_name}") or wanted in normalized(f"{case.family_name} {case.given_names}"):
            if len(matches) == NAME_MATCHES_MAX:
                truncated = True
                break
            matches.append(case.pk)
    return cases.filter(pk__in=matches), True, truncated


# Keyset paging --------------------------------------------------------------------------------

CURSOR_SEPARATOR = "~"


def encode_cursor(sort, case):
    value = case
    for part in sort.field.split("__"):
        value = getattr(value, part) if value is not None else None
    shown = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    return f"{shown}{CURSOR_SEPARATOR}{case.reference}"


def decode_cursor(sort, raw):
    """(value, reference) or None when the cursor is not one of ours (then: the first page)."""
    if not raw or CURSOR_SEPARATOR not in raw:
        return None
    shown, reference = raw.rsplit(CURSOR_SEPARATOR, 1)
    if not reference or len(reference) > 24:
        return None
    if shown == "":
        return (None, reference) if sort.nullable else None
    try:
        value = {
            "date": datetime.date.fromisoformat, "datetime": datetime.datetime.fromisoformat,
            "int": int, "str": str,
        }[sort.kind](shown)
    except (ValueError, OverflowError):
        return None
    return value, reference


def _ordering(sort, descending):
    """Natural order: empty values last. Reversed (for "previous" and "last"): exactly backwards."""
    natural_nulls_last = True
    field = F(sort.field)
    reference = F("reference")
    if descending:
        return [field.desc(nulls_last=natural_nulls_last) if sort.nullable else field.desc(), reference.desc()]
    return [field.asc(nulls_last=natural_nulls_last) if sort.nullable else field.asc(), reference.asc()]


def _reversed_ordering(sort, descending):
    field, reference = F(sort.field), F("reference")
    if descending:  # natural: DESC NULLS LAST → reversed: ASC NULLS FIRST
        return [field.asc(nulls_first=True) if sort.nullable else field.asc(), reference.asc()]
    return [field.desc(nulls_first=True) if sort.nullable else field.desc(), reference.desc()]


def _after(sort, descending, value, reference):
    """Rows that come after (value, reference) in the natural order."""
    f = sort.field
    beyond, reach = ("lt", "lte") if descending else ("gt", "gte")
    if value is None:  # inside the trailing block of empty values
        return Q(**{f"{f}__isnull": True, f"reference__{beyond}": reference})
    # The redundant ``reach`` bound lets the database start the index range at the cursor.
    condition = Q(**{f"{f}__{reach}": value}) & (
        Q(**{f"{f}__{beyond}": value}) | Q(**{f: value, f"reference__{beyond}": reference}))
    if sort.nullable:
        condition |= Q(**{f"{f}__isnull": True})
    return condition


def _before(sort, descending, value, reference):
    """Rows that come before (value, reference) in the natural order."""
    f = sort.field
    beyond, reach = ("gt", "gte") if descending else ("lt", "lte")
    if value is None:
        return Q(**{f"{f}__isnull": False}) | Q(**{f"{f}__isnull": True, f"reference__{beyond}": reference})
    return Q(**{f"{f}__{reach}": value}) & (
        Q(**{f"{f}__{beyond}": value}) | Q(**{f: value, f"reference__{beyond}": reference}))


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def object_list(self):
        """The rows, under the name Django's Paginator pages use."""
        return self.rows

    @property
    def has_next(self):
        return self.next_cursor is not None

    @property
    def has_previous(self):
        return self.previous_cursor is not None


def keyset_page(cases, sort, *, descending, after=None, before=None, last=False, size=PAGE_SIZE):
    """One page of ``cases``: the first, the one after/before a cursor, or the last one."""
    after_key = decode_cursor(sort, after) if after else None
    before_key = decode_cursor(sort, before) if before and not after_key else None
    backwards = bool(before_key) or (last and not after_key)
    if after_key:
        cases = cases.filter(_after(sort, descending, *after_key))
    elif before_key:
        cases = cases.filter(_before(sort, descending, *before_key))
    ordering = _reversed_ordering(sort, descending) if backwards else _ordering(sort, descending)
    rows = list(cases.order_by(*ordering)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, bool(before_key)
    else:
        has_previous, has_next = bool(after_key), more
    return KeysetPage(
        rows=rows,
        next_cursor=encode_cursor(sort, rows[-1]) if rows and has_next else None,
        previous_cursor=encode_cursor(sort, rows[0]) if rows and has_previous else None,
    )


def bounded_count(cases):
    """How many rows match, counted up to COUNT_CAP + 1 only: (number, capped)."""
    number = cases.order_by()[: COUNT_CAP + 1].count()
    return min(number, COUNT_CAP), number > COUNT_CAP
