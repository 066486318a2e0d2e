"""Groups of three or more schemes that all overlap each other: the maximal cliques of the
graph of candidate pairs (Bron–Kerbosch with a pivot; each scheme has a handful of pairs)."""

from collections.abc import Iterator

LARGEST = 6  # a larger group is a programme, not a pooling to draft in one click


def cliques(pairs: dict[tuple[int, int], float]) -> list[tuple[tuple[int, ...], float]]:
    """Return each maximal group of 3 to `LARGEST` members with their mean pair score."""
    near: dict[int, set[int]] = {}
    for a, b in pairs:
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    found = []
    for members in _maximal(set(), set(near), set(), near):
        if 3 <= len(members) <= LARGEST:
            ids = tuple(sorted(members))
            scores = [pairs[(a, b)] for i, a in enumerate(ids) for b in ids[i + 1 :]]
            found.append((ids, sum(scores) / len(scores)))
    return found


def _maximal(r: set, p: set, x: set, near: dict[int, set[int]]) -> Iterator[set]:
    if not p and not x:
        yield r
        return
    if len(r) >= LARGEST:
        yield r
        return
    pivot = max(p | x, key=lambda v: len(near[v] & p))
    for v in list(p - near[pivot]):
        yield from _maximal(r | {v}, p & near[v], x & near[v], near)
        p = p - {v}
        x = x | {v}
