"""Small-cell suppression of monthly figures (docs/decisions/0004-indicators.md, "Suppression").

The yearly total is published as it is. Every finer figure (a month) about people helped
follows two rules:

1. primary: a month whose count is between 1 and k-1 is shown as "< k", never as its value;
2. secondary: the yearly total minus the visible months gives the sum of the hidden months. So
   while fewer than two months are hidden, or the hidden months add up to less than k, the
   smallest remaining non-zero month (earliest first on ties) is hidden too; when no non-zero
   month is left, a zero month makes up the second hidden month. A single hidden month could
   otherwise be read off the total, and a hidden sum below k would itself be a small cell.

Zero is shown: "nobody this month" singles no one out.
"""

import dataclasses
from decimal import Decimal

SHOWN = "shown"
SMALL = "small"  # primary: 1..k-1
HIDDEN = "hidden"  # secondary: hidden so that the total does not reveal a small month


@dataclasses.dataclass(frozen=True)
class Cell:
    month: int
    state: str
    value: Decimal | None  # None unless shown

    @property
    def shown(self):
        return self.state == SHOWN


def suppress_months(values: dict[int, Decimal], k: int) -> list[Cell]:
    """``values``: month → count for the months that have begun. Returns one cell per month, in
    month order, with the rules above applied."""
    hidden = {m for m, v in values.items() if 0 < v < k}
    primary = set(hidden)
    while hidden:
        visible = [m for m in values if m not in hidden]
        nonzero = sorted((m for m in visible if values[m] > 0), key=lambda m: (values[m], m))
        zero = sorted(m for m in visible if values[m] == 0)
        if len(hidden) < 2 and (nonzero or zero):
            # A hidden zero month is enough to make the difference ambiguous when no
            # non-zero month is left.
            hidden.add((nonzero or zero)[0])
        elif sum(values[m] for m in hidden) < k and nonzero:
            hidden.add(nonzero[0])
        else:
            # Either safe, or every non-zero month is hidden already: the yearly total (shown
            # by design) then says no more than it says alone.
            break
    cells = []
    for month in sorted(values):
        if month in primary:
            cells.append(Cell(month, SMALL, None))
        elif month in hidden:
            cells.append(Cell(month, HIDDEN, None))
        else:
            cells.append(Cell(month, SHOWN, values[month]))
    return cells


def unsuppressed(values: dict[int, Decimal]) -> list[Cell]:
    """Activity figures (not about people) are shown as they are."""
    return [Cell(month, SHOWN, values[month]) for month in sorted(values)]
