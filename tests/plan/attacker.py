"""The attacker of issue 9, written independently of casework/plan/disclosure.py: someone who
saved every figure ever published about an indicator (every page, chart, export and report,
every day) and solves for the suppressed months.

What they know, as constraints on the integer cells x_1..x_n ≥ 0:
- a shown cell: x_m = v;
- a published total (exact or a range): lo ≤ x_1 + … + x_r ≤ hi, for every release r ever seen.

``integer_bounds`` gives, per suppressed cell, the tightest integer interval consistent with
everything (Bellman–Ford over the prefix sums, exact for these difference constraints), and
``brute_force_bounds`` the same by enumerating every integer assignment (small cases only), so
the first is itself checked without any theory.
"""

import itertools

INF = float("inf")


def _edges(observations, n):
    """observations: {month: shown value or None}, [(r, lo, hi)] → difference edges on P_0..P_n."""
    cells, totals = observations
    edges = []
    for m in range(1, n + 1):
        value = cells[m]
        if value is None:
            edges.append((m, m - 1, 0))
        else:
            edges += [(m - 1, m, value), (m, m - 1, -value)]
    for r, low, high in totals:
        if high is not None:
            edges.append((0, r, high))
        if low is not None:
            edges.append((r, 0, -low))
    return edges


def _shortest(edges, n, source):
    dist = [INF] * (n + 1)
    dist[source] = 0
    for _ in range(n + 1):
        changed = False
        for u, v, w in edges:
            if dist[u] + w < dist[v]:
                dist[v] = dist[u] + w
                changed = True
        if not changed:
            return dist
    raise AssertionError("the published figures contradict each other")


def integer_bounds(observations, n):
    """{month: (low, high)} for every suppressed month, and {(i, j): (low, high)} for every run
    of months containing one."""
    edges = _edges(observations, n)
    dist = {source: _shortest(edges, n, source) for source in range(n + 1)}
    cells, _ = observations
    runs = {}
    for i in range(n):
        for j in range(i + 1, n + 1):
            if any(cells[m] is None for m in range(i + 1, j + 1)):
                runs[(i, j)] = (-dist[j][i], dist[i][j])
    single = {j: runs[(j - 1, j)] for j in range(1, n + 1) if cells[j] is None}
    return single, runs


def brute_force_bounds(observations, n, ceiling):
    """The same per-cell bounds by trying every value 0..ceiling of every suppressed cell."""
    cells, totals = observations
    hidden = [m for m in range(1, n + 1) if cells[m] is None]
    seen = {m: set() for m in hidden}
    for choice in itertools.product(range(ceiling + 1), repeat=len(hidden)):
        x = dict(cells)
        x.update(zip(hidden, choice))
        prefix = list(itertools.accumulate(x[m] for m in range(1, n + 1)))
        if all((low is None or prefix[r - 1] >= low) and (high is None or prefix[r - 1] <= high) for r, low, high in totals):
            for m, v in zip(hidden, choice):
                seen[m].add(v)
    return {m: (min(v), max(v)) for m, v in seen.items() if v}


def disclosed(observations, n, k):
    """The suppressed cells and runs an attacker pins to one value or inside 1..k−1."""
    single, runs = integer_bounds(observations, n)
    found = [("cell", m, b) for m, b in single.items() if b[0] == b[1] or (b[0] >= 1 and b[1] <= k - 1)]
    found += [("run", r, b) for r, b in runs.items() if b[0] >= 1 and b[1] <= k - 1]
    return found
