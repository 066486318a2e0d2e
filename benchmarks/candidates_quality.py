"""How good the pooling candidates' ranking is, on labelled pairs: precision at 10 and recall.

Two labelled sets, in tests/data/candidates/:
- handmade.yaml: a dozen schemes written for this with the pairs that should and should not
  come out (accents, capitals, a commune in its EPCI, Martinique, neighbours that do not
  overlap), scored without a database;
- demo_labels.yaml: pairs of the demonstration's schemes (`maillage demo`): the demo's own
  poolings, pairs judged by hand, and plainly unrelated pairs; the demo is built in a
  temporary SQLite database and scored as the application scores it, except that pairs
  already pooled together are not left out (they are the known overlaps).

Precision at 10: the share of the 10 best-ranked pairs labelled as overlaps (an unlabelled pair
counts as a miss). Recall: the share of the labelled overlaps among the candidates kept (each
scheme's best, above the threshold).

Usage: python -m benchmarks.candidates_quality   (the last line is one JSON object)
"""

import json
import sys
import tempfile
from pathlib import Path

import yaml

from engine.candidates.features import Facts, Place, SchemeFacts, Term, load_facts
from engine.candidates.scoring import score_all

LABELS = Path(__file__).resolve().parent.parent / "tests" / "data" / "candidates"
AT = 10


def ranked(facts: Facts) -> list[tuple[int, int, float]]:
    """The kept candidate pairs as (scheme id, scheme id, score), best first."""
    scored = score_all(facts)
    ids = [s.id for s in facts.schemes]
    pairs = [
        (ids[a], ids[b], s)
        for a, b, s in zip(scored.a.tolist(), scored.b.tolist(), scored.score.tolist(), strict=True)
    ]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def measure(pairs: list[tuple], positive: set[frozenset], negative: set[frozenset]) -> dict:
    found = [frozenset(p[:2]) for p in pairs]
    top = found[:AT]
    return {
        "candidates": len(found),
        "precision_at_10": round(sum(p in positive for p in top) / max(1, len(top)), 2),
        "recall": round(len(positive & set(found)) / max(1, len(positive)), 2),
        "positives": len(positive),
        "negatives_kept": len(negative & set(found)),
        "negatives": len(negative),
    }


def handmade() -> dict:
    """Score the hand-made set and measure the ranking against its labels."""
    data = yaml.safe_load((LABELS / "handmade.yaml").read_text(encoding="utf-8"))
    places = {
        int(i): Place(int(i), kind, name, frozenset(within))
        for i, (kind, name, within) in data["places"].items()
    }
    terms = {int(i): Term(*v) for i, v in data["terms"].items()}
    schemes = [
        SchemeFacts(
            id=int(i),
            reference=f"H-{i}",
            title=text[:40],
            organisation_id=org,
            organisation=f"Structure {org}",
            text=text,
            age_min=low,
            age_max=high,
            budget=None,
            themes=themes,
            publics=publics,
            aid_types=aids,
            territories=where,
        )
        for i, (org, where, themes, publics, aids, low, high, text) in data["schemes"].items()
    ]
    positive = {frozenset(p[:2]) for p in data["positive"]}
    negative = {frozenset(p[:2]) for p in data["negative"]}
    return measure(ranked(Facts(schemes, terms, places)), positive, negative)


def demo(path: Path | None = None) -> dict:
    """Build the demo (or read a database it built) and measure against its labels."""
    from demo.builder import build_demo
    from demo.catalogue import load_catalogue
    from engine.db.database import Database
    from engine.db.migrate import upgrade
    from engine.db.uow import UnitOfWork
    from engine.records.reference import load_reference

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{path or Path(tmp) / 'demo.sqlite'}")
        upgrade(db)
        with UnitOfWork(db) as uow:
            load_reference(uow.session)
            uow.commit()
        build_demo(db)
        with db.engine.connect() as conn:
            facts = load_facts(conn)
        db.dispose()
    for scheme in facts.schemes:
        scheme.poolings = set()  # the demo's poolings are the known overlaps, not to leave out
    keys = {s.title: key for key, s in load_catalogue().schemes.items()}
    by_key = {keys[s.title]: s.id for s in facts.schemes}
    labels = yaml.safe_load((LABELS / "demo_labels.yaml").read_text(encoding="utf-8"))

    def ids(pairs) -> set[frozenset]:
        return {
            frozenset(by_key[k] for k in p[:2]) for p in pairs if all(k in by_key for k in p[:2])
        }

    positive = ids(labels["pooled"]) | ids(labels["judged"]["positive"])
    negative = ids(labels["judged"]["negative"]) | ids(labels["unrelated"])
    out = measure(ranked(facts), positive, negative)
    out["pooled_recall"] = round(
        len(ids(labels["pooled"]) & {frozenset(p[:2]) for p in ranked(facts)})
        / max(1, len(ids(labels["pooled"]))),
        2,
    )
    out["schemes"] = len(facts.schemes)
    return out


def main() -> dict:
    out = {"handmade": handmade()}
    print("hand-made set ", out["handmade"], flush=True)
    out["demo"] = demo()
    print("demo          ", out["demo"], flush=True)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
    sys.exit(0)
