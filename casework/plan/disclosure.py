"""Disclosure control of the counts about people that reach coordination
(docs/decisions/0008-disclosure-control.md).

An indicator about people is published as a series of **monthly releases**, one per closed
month, each frozen once written. Release ``m`` publishes:

- the month's cell: its value, or one label ("suppressed") whatever the reason it is hidden;
- the year-to-date total: exactly, as a range on the k-grid (``[k·q, k·q + k − 1]``), a wider
  range, or not at all.

The cells add up: the year-to-date total of release ``m`` is the sum of the cells of releases
``1..m`` (a late-entered session or person goes into the next release's cell, never back into a
published month). So everything ever published about one indicator is a set of linear
constraints on non-negative integers ``x_1..x_m``:

    x_i = v                 for a shown cell
    x_i ≥ 0                 for a suppressed cell
    lo_r ≤ x_1 + … + x_r ≤ hi_r   for the total of release r

With prefix sums ``P_r = x_1 + … + x_r`` every constraint is a difference constraint
``P_j − P_i ≤ c``: the tightest bounds an attacker can derive on any ``x_i`` (or any run of
consecutive months) are shortest-path distances in the constraint graph, and they are integers
(the system is totally unimodular, so the linear and the integer bounds agree). ``bounds``
computes them exactly (Floyd–Warshall on at most 13 nodes).

``release`` chooses the most informative publication of a new month whose bounds still leave
every suppressed cell undetermined and outside ``1..k−1``, and every run of consecutive months
outside ``1..k−1``; the last candidate (cell suppressed, no total) adds no constraint about
the hidden cells at all, so a safe choice always exists.
"""

import dataclasses

INF = float("inf")


@dataclasses.dataclass(frozen=True)
class Published:
    """What one monthly release made public: the month's cell (``value`` None when suppressed)
    and the year-to-date total as an interval (``total_low == total_high`` when exact; both None
    when no total was published)."""

    month: int
    value: int | None
    total_low: int | None
    total_high: int | None

    @property
    def shown(self):
        return self.value is not None

    @property
    def total_exact(self):
        return self.total_low is not None and self.total_low == self.total_high


def _distances(published: list["Published"]):
    """All-pairs shortest paths over the prefix sums P_0..P_n (n = number of releases)."""
    n = len(published)
    size = n + 1
    d = [[0 if i == j else INF for j in range(size)] for i in range(size)]

    def edge(u, v, w):  # P_v − P_u ≤ w
        if w < d[u][v]:
            d[u][v] = w

    for i, cell in enumerate(published, start=1):
        if cell.shown:
            edge(i - 1, i, cell.value)
            edge(i, i - 1, -cell.value)
        else:
            edge(i, i - 1, 0)  # x_i ≥ 0
        if cell.total_high is not None:
            edge(0, i, cell.total_high)
        if cell.total_low is not None:
            edge(i, 0, -cell.total_low)
    for via in range(size):
        dv = d[via]
        for i in range(size):
            di = d[i]
            div = di[via]
            if div == INF:
                continue
            for j in range(size):
                if div + dv[j] < di[j]:
                    di[j] = div + dv[j]
    return d


def bounds(published: list["Published"]):
    """{(i, j): (low, high)} for every run of months i+1..j (1-based, i < j): the tightest
    bounds on their sum derivable from everything published. ``bounds(p)[(m-1, m)]`` is month m's."""
    d = _distances(published)
    n = len(published)
    return {(i, j): (-d[j][i], d[i][j]) for i in range(n) for j in range(i + 1, n + 1)}


def is_safe(published: list["Published"], k: int) -> bool:
    """No suppressed cell is determined or pinned inside 1..k−1, and no run of consecutive months
    containing a suppressed cell is pinned inside 1..k−1."""
    if k <= 1:
        return True
    d = _distances(published)
    n = len(published)
    if any(d[i][i] < 0 for i in range(n + 1)):
        raise ValueError("inconsistent releases")
    hidden = [not cell.shown for cell in published]
    for i in range(n):
        contains_hidden = False
        for j in range(i + 1, n + 1):
            contains_hidden = contains_hidden or hidden[j - 1]
            if not contains_hidden:
                continue
            low, high = -d[j][i], d[i][j]
            if 1 <= low and high <= k - 1:
                return False
            if j == i + 1 and low == high:
                return False
    return True


def grid(total: int, k: int, width: int = 1) -> tuple[int, int]:
    """The range on the k-grid (``width`` k-steps wide) that contains ``total``."""
    step = k * width
    low = (total // step) * step
    return low, low + step - 1


def release(previous: list["Published"], month: int, cell: int, total: int, k: int) -> "Published":
    """The publication of ``month`` (true increment ``cell``, true year-to-date ``total``) after
    the frozen ``previous`` releases (months 1..month−1, in order)."""
    assert len(previous) == month - 1 and cell >= 0 and total >= 0
    may_show = cell == 0 or cell >= k or k <= 1
    candidates = []
    if may_show:
        candidates.append((cell, total, total))
    candidates.append((None, total, total))
    if may_show:
        candidates.append((cell, *grid(total, k)))
    for width in (1, 2, 4, 8):
        candidates.append((None, *grid(total, k, width)))
    for value, low, high in candidates:
        attempt = Published(month, value, low, high)
        if is_safe([*previous, attempt], k):
            return attempt
    return Published(month, None, None, None)


def published_total(published: list["Published"]) -> tuple[int, int] | None:
    """The tightest year-to-date interval derivable from the releases (what the coordinator is
    shown): exact when low == high. None before the first release."""
    if not published:
        return None
    d = _distances(published)
    n = len(published)
    low, high = -d[n][0], d[0][n]
    return int(low), (None if high == INF else int(high))
