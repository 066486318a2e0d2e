"""Score every pair of poolable schemes that shares ground, with sparse matrix products.

Only pairs whose territories overlap (the same territory, or one inside the other: a commune
in its EPCI, anything in Martinique) AND that share a theme or a public are scored: the
products of the schemes' incidence matrices find them in C, never by a Python loop over the
n² pairs. The rows are scored in chunks, so memory stays bounded at 5,000 schemes and more.

A pair's score, between 0 and 1, weighs six overlaps (`WEIGHTS`): the text (TF-IDF cosine of
title, summary and description, accent-insensitive, French stop words left out), the themes,
publics and aid types (Jaccard indices), the territories (1 for the same one, 0.6 for one
inside the other) and the age ranges (shared years over covered years).
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from engine.candidates.features import Facts
from engine.candidates.text import analyse, place_words

WEIGHTS = {
    "text": 0.30,
    "themes": 0.20,
    "publics": 0.20,
    "territory": 0.10,
    "aid_types": 0.10,
    "ages": 0.10,
}
THRESHOLD = 0.35  # a pair scoring less is not worth the COTECH's time
TOP = 10  # candidates kept per scheme
WITHIN = 0.6  # territory overlap of a commune with its EPCI, of anything with Martinique
CHUNK = 512  # rows scored at once
AGE_FLOOR, AGE_CEILING = 0, 120


@dataclass(frozen=True)
class Scored:
    """The pairs kept: row indices into `facts.schemes` (a < b), their scores and parts."""

    a: np.ndarray
    b: np.ndarray
    score: np.ndarray
    parts: dict[str, np.ndarray]


@dataclass
class Matrices:
    """The schemes' incidence matrices (rows: schemes, in `facts.schemes` order)."""

    themes: sparse.csr_matrix
    publics: sparse.csr_matrix
    aid_types: sparse.csr_matrix
    places: sparse.csr_matrix
    inside: sparse.csr_matrix  # places · containment: the places containing or inside a row's
    text: sparse.csr_matrix
    poolings: sparse.csr_matrix
    ages: np.ndarray  # (n, 3): min, max, known (0/1)

    @classmethod
    def of(cls, facts: Facts) -> "Matrices":
        schemes = facts.schemes
        width = max(facts.places, default=0) + 1
        places = _incidence([s.territories for s in schemes], width=width)
        containment = _containment(facts)
        return cls(
            themes=_incidence([s.themes for s in schemes]),
            publics=_incidence([s.publics for s in schemes]),
            aid_types=_incidence([s.aid_types for s in schemes]),
            places=places,
            inside=_incidence([s.territories for s in schemes], containment, width=width),
            text=_tfidf(
                [s.text for s in schemes], place_words(p.name for p in facts.places.values())
            ),
            poolings=_incidence([sorted(s.poolings) for s in schemes]),
            ages=np.array(
                [
                    (
                        AGE_FLOOR if s.age_min is None else s.age_min,
                        AGE_CEILING if s.age_max is None else s.age_max,
                        s.age_min is not None or s.age_max is not None,
                    )
                    for s in schemes
                ],
                dtype=float,
            ).reshape(-1, 3),
        )


def _incidence(
    rows: list[list[int]], expand: dict[int, frozenset[int]] | None = None, width: int = 0
):
    """A binary CSR matrix: row i has a 1 in the column of each id (or of what it expands to)."""
    indptr, indices = [0], []
    for ids in rows:
        cells = set()
        for id_ in ids:
            cells |= expand.get(id_, frozenset()) if expand is not None else {id_}
        indices.extend(sorted(cells))
        indptr.append(len(indices))
    width = max(width, max(indices, default=-1) + 1)
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), max(width, 1)))


def _containment(facts: Facts) -> dict[int, frozenset[int]]:
    """For each place, the places strictly containing it or strictly inside it."""
    out: dict[int, set[int]] = {p: set(place.within) for p, place in facts.places.items()}
    for p, place in facts.places.items():
        for outer in place.within:
            out.setdefault(outer, set()).add(p)
    return {p: frozenset(v) for p, v in out.items()}


def _tfidf(texts: list[str], places: frozenset[str]) -> sparse.csr_matrix:
    def words(text: str) -> list[str]:
        return analyse(text, places)

    if not any(words(t) for t in texts):
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)
    vectorizer = TfidfVectorizer(analyzer=words, sublinear_tf=True, dtype=np.float32)
    return vectorizer.fit_transform(texts).tocsr()  # rows L2-normalised: a product is a cosine


def score_all(facts: Facts, matrices: Matrices | None = None, *, top: int = TOP) -> Scored:
    """Score every overlapping pair and keep each scheme's `top` best above the threshold."""
    m = matrices or Matrices.of(facts)
    n = len(facts.schemes)
    found = [
        _score_rows(m, np.arange(start, min(start + CHUNK, n)), upper=True)
        for start in range(0, n, CHUNK)
    ]
    return _keep_top(_concat(found), top)


def score_rows(facts: Facts, rows: list[int], matrices: Matrices | None = None, *, top: int = TOP):
    """Score the pairs of the schemes at `rows` with every other scheme (incremental)."""
    m = matrices or Matrices.of(facts)
    scored = _score_rows(m, np.array(sorted(rows), dtype=int), upper=False)
    # Order each pair (a < b) so that a pair is the same whichever member changed.
    a, b = np.minimum(scored.a, scored.b), np.maximum(scored.a, scored.b)
    _, once = np.unique(np.stack([a, b]), axis=1, return_index=True)
    parts = {k: v[once] for k, v in scored.parts.items()}
    return _keep_top(Scored(a[once], b[once], scored.score[once], parts), top, rows=set(rows))


def _score_rows(m: Matrices, rows: np.ndarray, *, upper: bool) -> Scored:
    """The scores of the pairs (row, any column) sharing ground, above the threshold."""
    if len(rows) == 0:
        return _empty()
    same_place = m.places[rows] @ m.places.T
    themes = m.themes[rows] @ m.themes.T
    publics = m.publics[rows] @ m.publics.T
    overlap = (same_place + m.inside[rows] @ m.places.T) > 0
    ground = Ground(overlap.multiply((themes + publics) > 0).tocsr())
    r, c = ground.r, ground.c
    keep = (c > rows[r]) if upper else (c != rows[r])
    if m.poolings.nnz:
        keep &= ground.at(m.poolings[rows] @ m.poolings.T) == 0  # pooled already: not new
    a = rows[r]
    parts = {
        "text": ground.at(m.text[rows] @ m.text.T),
        "themes": _jaccard(ground.at(themes), m.themes, a, c),
        "publics": _jaccard(ground.at(publics), m.publics, a, c),
        "aid_types": _jaccard(ground.at(m.aid_types[rows] @ m.aid_types.T), m.aid_types, a, c),
        "territory": np.where(ground.at(same_place) > 0, 1.0, WITHIN),
        "ages": _age_overlap(m.ages, a, c),
    }
    score = sum(WEIGHTS[k] * v for k, v in parts.items())
    chosen = keep & (score >= THRESHOLD)
    return Scored(a[chosen], c[chosen], score[chosen], {k: v[chosen] for k, v in parts.items()})


class Ground:
    """The cells (row, column) of the pairs sharing ground, in row-major order; `at` reads
    another matrix's values on exactly those cells, in C (an elementwise product, then a
    binary search of the cells' keys), never one cell at a time."""

    def __init__(self, mask: sparse.csr_matrix) -> None:
        mask.sum_duplicates()  # canonical: sorted columns within each row
        self.mask = mask.astype(np.float32)
        coo = mask.tocoo()
        self.r, self.c = coo.row, coo.col
        self.width = mask.shape[1]
        self.keys = self.r.astype(np.int64) * self.width + self.c

    def at(self, matrix: sparse.spmatrix) -> np.ndarray:
        found = sparse.csr_matrix(matrix).multiply(self.mask).tocoo()
        out = np.zeros(len(self.keys))
        keys = found.row.astype(np.int64) * self.width + found.col
        out[np.searchsorted(self.keys, keys)] = found.data
        return out


def _jaccard(both: np.ndarray, incidence, a, c) -> np.ndarray:
    counts = np.asarray(incidence.sum(axis=1), dtype=float).ravel()
    union = counts[a] + counts[c] - both
    return np.divide(both, union, out=np.zeros_like(both), where=union > 0)


def _age_overlap(ages: np.ndarray, a: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Shared years over covered years, for pairs whose ages are both given; else 0."""
    lo = np.maximum(ages[a, 0], ages[c, 0])
    hi = np.minimum(ages[a, 1], ages[c, 1])
    covered = np.maximum(ages[a, 1], ages[c, 1]) - np.minimum(ages[a, 0], ages[c, 0]) + 1
    shared = np.clip(hi - lo + 1, 0, None)
    known = (ages[a, 2] > 0) & (ages[c, 2] > 0)
    return np.where(known, shared / covered, 0.0)


def _empty() -> Scored:
    nothing = np.zeros(0)
    return Scored(nothing.astype(int), nothing.astype(int), nothing, {k: nothing for k in WEIGHTS})


def _concat(found: list[Scored]) -> Scored:
    if not found:
        return _empty()
    return Scored(
        np.concatenate([f.a for f in found]),
        np.concatenate([f.b for f in found]),
        np.concatenate([f.score for f in found]),
        {k: np.concatenate([f.parts[k] for f in found]) for k in WEIGHTS},
    )


def _keep_top(scored: Scored, top: int, rows: set[int] | None = None) -> Scored:
    """Keep a pair when it is among the `top` best of either member (of a changed one, if
    `rows` is given)."""
    if len(scored.score) == 0:
        return scored
    pair = np.arange(len(scored.score))
    node = np.concatenate([scored.a, scored.b])
    pairs = np.concatenate([pair, pair])
    score = np.concatenate([scored.score, scored.score])
    order = np.lexsort((pairs, -score, node))
    node, pairs = node[order], pairs[order]
    starts = np.r_[0, np.flatnonzero(node[1:] != node[:-1]) + 1]
    rank = np.arange(len(node)) - np.repeat(starts, np.diff(np.r_[starts, len(node)]))
    chosen = rank < top
    if rows is not None:
        chosen &= np.isin(node, list(rows))
    kept = np.unique(pairs[chosen])
    return Scored(
        scored.a[kept],
        scored.b[kept],
        scored.score[kept],
        {k: v[kept] for k, v in scored.parts.items()},
    )
