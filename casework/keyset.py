"""Newest-first pages by keyset, for lists that only grow with the years: the audit log (on
its seq), notifications (on their id), anonymous contacts and collective activities.

A page is the ``size`` rows after (or before) the last row the user saw, in the order of a few
``keys`` that together are unique and that an index serves in that order: no COUNT and no
OFFSET, so the hundredth page costs what the first does (issue 14). The cursor in the URL is
the key values of that row; one that does not parse gives the newest page, as a missing one
does."""

import dataclasses

from django.core.exceptions import ValidationError
from django.db.models import Q

SEPARATOR = "~"


@dataclasses.dataclass
class Page:
    rows: list
    older: str | None  # the cursor of the next older page, None at the oldest
    newer: str | None  # the cursor of the next newer page, None at the newest

    @property
    def has_other_pages(self):
        return self.older is not None or self.newer is not None


def _text(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def cursor_of(row, keys) -> str:
    return SEPARATOR.join(_text(getattr(row, key)) for key in keys)


def parse_cursor(model, keys, raw):
    """The key values a cursor names, or None when it is missing or malformed."""
    parts = (raw or "").split(SEPARATOR)
    if not raw or len(parts) != len(keys):
        return None
    values = []
    try:
        for key, part in zip(keys, parts):
            field = model._meta.get_field(key)
            value = field.to_python(part)
            field.run_validators(value)  # e.g. an integer beyond the column's range
            values.append(value)
    except (ValidationError, ValueError):
        return None
    return None if any(value is None for value in values) else values


def _beyond(keys, values, lookup):
    """Rows strictly after ``values`` in the keys' order ("lt": older, "gt": newer):
    (k1 < v1) or (k1 = v1 and k2 < v2) or …, and also k1 <= v1, redundant but what lets the
    database start its index scan at the cursor instead of filtering every newer row."""
    condition = Q()
    for position, key in enumerate(keys):
        term = Q(**{f"{key}__{lookup}": values[position]})
        for earlier, value in zip(keys[:position], values[:position]):
            term &= Q(**{earlier: value})
        condition |= term
    return Q(**{f"{keys[0]}__{lookup}e": values[0]}) & condition


def newest_first(queryset, keys, *, older=None, newer=None, size):
    """One page of ``queryset``, newest first by ``keys`` (descending): the rows older than the
    raw cursor ``older``, or newer than ``newer`` (``newer`` wins if both are given; neither:
    the newest page)."""
    model = queryset.model
    older_values, newer_values = parse_cursor(model, keys, older), parse_cursor(model, keys, newer)
    descending = [f"-{key}" for key in keys]
    if newer_values is not None:
        rows = list(queryset.filter(_beyond(keys, newer_values, "gt")).order_by(*keys)[:size + 1])
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        if not rows:  # nothing newer any more: the newest page
            return newest_first(queryset, keys, size=size)
        has_older = queryset.filter(_beyond(keys, [getattr(rows[-1], key) for key in keys], "lt")).exists()
    else:
        window = queryset if older_values is None else queryset.filter(_beyond(keys, older_values, "lt"))
        rows = list(window.order_by(*descending)[:size + 1])
        if not rows and older_values is not None:  # nothing older any more: the newest page
            return newest_first(queryset, keys, size=size)
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = older_values is not None and queryset.filter(
            _beyond(keys, [getattr(rows[0], key) for key in keys], "gt")).exists()
    return Page(rows=rows,
                older=cursor_of(rows[-1], keys) if has_older else None,
                newer=cursor_of(rows[0], keys) if has_newer else None)
