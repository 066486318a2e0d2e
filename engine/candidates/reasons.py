"""Why two or more schemes could be pooled: the parts of a score as data, then as words.

A reason is a small dict stored with the candidate ({"kind": "publics", "fr": [...], "en":
[...]}): the page shows it in French or English without scoring again.
"""

from typing import Any

from engine.candidates.features import Facts, SchemeFacts

TERMS = ("publics", "themes", "aid_types")
TEXT_SHOWN = 0.2  # below this cosine, the texts are not said to be close
LEVEL = {"commune": ("même commune", "mêmes communes", "same commune", "same communes")}
LEVEL["epci"] = ("même EPCI", "mêmes EPCI", "same EPCI", "same EPCIs")
NOUNS = {
    "publics": ("mêmes publics", "mêmes publics", "same publics", "same publics"),
    "themes": ("même thématique", "mêmes thématiques", "same theme", "same themes"),
    "aid_types": (
        "même nature d'aide",
        "mêmes natures d'aide",
        "same kind of aid",
        "same kinds of aid",
    ),
}
NBSP = "\u00a0"

Reason = dict[str, Any]


def pair_reasons(facts: Facts, a: SchemeFacts, b: SchemeFacts, text: float) -> list[Reason]:
    """The reasons of the pair (a, b), in the order people read them."""
    return group_reasons(facts, [a, b], text)


def group_reasons(facts: Facts, members: list[SchemeFacts], text: float) -> list[Reason]:
    """What all `members` share; `text` is the lowest text similarity between two of them."""
    reasons: list[Reason] = []
    for kind in TERMS[:2]:
        reasons.extend(_terms(facts, kind, members))
    reasons.extend(_territory(facts, members))
    reasons.extend(_ages(members))
    reasons.extend(_terms(facts, "aid_types", members))
    if text >= TEXT_SHOWN:
        reasons.append({"kind": "text", "percent": round(100 * text)})
    if len({m.organisation_id for m in members}) == 1:
        reasons.append({"kind": "organisation", "name": members[0].organisation})
    return reasons


def _terms(facts: Facts, kind: str, members: list[SchemeFacts]) -> list[Reason]:
    shared = members[0].sets[kind]
    for member in members[1:]:
        shared = shared & member.sets[kind]
    if not shared:
        return []
    terms = [facts.terms[t] for t in sorted(shared)]
    return [{"kind": kind, "fr": [t.fr for t in terms], "en": [t.en for t in terms]}]


def _territory(facts: Facts, members: list[SchemeFacts]) -> list[Reason]:
    places = [m.sets["territories"] for m in members]
    same = places[0].intersection(*places[1:])
    if same:
        found = [facts.places[p] for p in sorted(same, key=lambda p: facts.places[p].name)]
        levels = {p.kind for p in found}
        level = found[0].kind if len(levels) == 1 else "mixed"
        return [{"kind": "territory", "relation": "same", "level": level, "names": _names(found)}]
    nested = []
    for x in places[0]:
        for y in places[1]:
            px, py = facts.places[x], facts.places[y]
            if y in px.within:
                nested.append((px, py))
            elif x in py.within:
                nested.append((py, px))
    if not nested:
        return [{"kind": "territory", "relation": "overlap"}]
    # The smallest container says most: an EPCI rather than Martinique.
    inner, outer = min(nested, key=lambda p: (p[1].kind == "department", p[0].name))
    return [
        {
            "kind": "territory",
            "relation": "within",
            "inner": inner.name,
            "outer": outer.name,
            "outer_level": outer.kind,
        }
    ]


def _names(places) -> list[str]:
    return [p.name for p in places]


def _ages(members: list[SchemeFacts]) -> list[Reason]:
    if any(m.age_min is None and m.age_max is None for m in members):
        return []
    lo = max(m.age_min or 0 for m in members)
    hi = min(120 if m.age_max is None else m.age_max for m in members)
    return [{"kind": "ages", "min": lo, "max": hi}] if lo <= hi else []


def sentence(reasons: list[Reason], english: bool = False) -> str:
    """The reasons in one line: « mêmes publics (adolescents), même commune (Le Lamentin) »."""
    return ", ".join(phrase(r, english) for r in reasons)


def phrase(reason: Reason, english: bool = False) -> str:
    """One reason in words, French unless `english`."""
    kind = reason["kind"]
    if kind in NOUNS:
        labels = reason["en" if english else "fr"]
        one, many = NOUNS[kind][2:] if english else NOUNS[kind][:2]
        return f"{one if len(labels) == 1 else many} ({', '.join(labels)})"
    if kind == "territory":
        return _territory_phrase(reason, english)
    if kind == "ages":
        low, high = reason["min"], reason["max"]
        if english:
            return f"shared ages ({low} to {high})"
        return f"âges communs ({low} à {high}{NBSP}ans)"
    if kind == "text":
        if english:
            return f"descriptions {reason['percent']}% alike"
        return f"descriptions proches à {reason['percent']}{NBSP}%"
    if kind == "organisation":
        return (
            f"same organisation ({reason['name']})"
            if english
            else f"même structure ({reason['name']})"
        )
    return kind


def _territory_phrase(reason: Reason, english: bool) -> str:
    relation = reason["relation"]
    if relation == "same":
        names = reason["names"]
        if reason["level"] == "department":
            return "all of Martinique" if english else "toute la Martinique"
        fr_one, fr_many, en_one, en_many = LEVEL.get(
            reason["level"], ("même territoire", "mêmes territoires", "same area", "same areas")
        )
        one, many = (en_one, en_many) if english else (fr_one, fr_many)
        return f"{one if len(names) == 1 else many} ({', '.join(names)})"
    if relation == "within":
        inner, outer = reason["inner"], reason["outer"]
        if reason.get("outer_level") == "department":
            if english:
                return f"overlapping areas ({inner} and all of Martinique)"
            return f"territoires qui se recouvrent ({inner} et toute la Martinique)"
        if english:
            return f"overlapping areas ({inner} within {outer})"
        return f"territoires qui se recouvrent ({inner} dans {outer})"
    return "overlapping areas" if english else "territoires qui se recouvrent"
