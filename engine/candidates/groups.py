"""Groups of three or more schemes that all overlap each other: the maximal cliques of the
graph of candidate pairs (Bron–Kerbosch with a pivot; each scheme has a handful of pairs)."""

from collections.abc import Iterator

LARGEST = 6  # a larger group is a programme, not a pooling to draft in one click
STRONG = 0.5  # only pairs this close make groups: a group of weak pairs is noise
PER_SCHEME = 2  # groups a scheme appears in at most, the best ones


def cliques(pairs: dict[tuple[int, int], float]) -> list[tuple[tuple[int, ...], float]]:
    """Return the best maximal groups of 3 to `LARGEST` members whose pairs all score
    `STRONG` or more, each scheme in `PER_SCHEME` groups at most, with their mean pair score."""
    near: dict[int, set[int]] = {}
    for (a, b), score in pairs.items():
        if score >= STRONG:
            near.setdefault(a, set()).add(b)
            near.setdefault(b, set()).add(a)
    found = []
    for members in _maximal(set(), set(near), set(), near):
        if 3 <= len(members) <= LARGEST:
            ids = tuple(sorted(members))
            scores = [pairs[(a, b)] for i, a in enumerate(ids) for b in ids[i + 1 :]]
            found.append((ids, sum(scores) / len(scores)))
    found.sort(key=lambda g: (-g[1], g[0]))
    kept, seen = [], {}
    for ids, score in found:
        if all(seen.get(i, 0) < PER_SCHEME for i in ids):
            kept.append((ids, score))
            for i in ids:
                seen[i] = seen.get(i, 0) + 1
    return kept


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
