"""The demonstration catalogue: the shape of its entries, and the loader of catalogue.yaml.

The data (organisations, accounts, schemes, poolings and the stories that bring them to their
states) lives in demo/catalogue.yaml. It is read on first use only, so that starting the
`maillage` command does not parse it.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue.yaml"
DEMO_PASSWORD = "maillage-demo-972"


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    siren: str | None = None


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    name: str
    roles: tuple[str, ...]
    organisation: str | None = None


@dataclass(frozen=True)
class DemoScheme:
    """A scheme, the story that brings it to its state, and the fields held back for later."""

    organisation: str
    story: str
    title: str
    fields: dict[str, Any]
    # Fields left out of the first entry and added after the COTECH asked for them.
    held_back: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoPooling:
    title: str
    kind: str
    lead: str
    members: tuple[str, ...]
    story: str
    fields: dict[str, Any]
    comments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Catalogue:
    # How each scheme reaches its state: (action, role) steps after its creation.
    stories: dict[str, tuple[tuple[str, str], ...]]
    pooling_stories: dict[str, tuple[str, ...]]
    notes: dict[str, str]
    held_back_labels: dict[str, str]
    organisations: tuple[DemoOrganisation, ...]
    accounts: tuple[DemoAccount, ...]
    schemes: dict[str, DemoScheme]
    poolings: tuple[DemoPooling, ...]
    # Opinions asked of a service, and the committees' private notes (see the YAML file).
    opinions: tuple[dict[str, Any], ...] = ()
    committee_notes: tuple[tuple[str, str, str], ...] = ()


@cache
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read the catalogue; YAML lists that stand for fixed pairs or sequences become tuples."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Catalogue(
        stories={k: tuple(tuple(step) for step in v) for k, v in raw["stories"].items()},
        pooling_stories={k: tuple(v) for k, v in raw["pooling_stories"].items()},
        notes=raw["notes"],
        held_back_labels=raw["held_back_labels"],
        organisations=tuple(DemoOrganisation(**o) for o in raw["organisations"]),
        accounts=tuple(DemoAccount(**{**a, "roles": tuple(a["roles"])}) for a in raw["accounts"]),
        schemes={k: _scheme(**s) for k, s in raw["schemes"].items()},
        poolings=tuple(_pooling(**p) for p in raw["poolings"]),
        opinions=tuple(raw.get("opinions", ())),
        committee_notes=tuple(tuple(n) for n in raw.get("committee_notes", ())),
    )


def _scheme(fields, held_back=(), notes=None, **rest) -> DemoScheme:
    return DemoScheme(fields=_fields(fields), held_back=tuple(held_back), notes=notes or {}, **rest)


def _pooling(members, fields, comments=(), **rest) -> DemoPooling:
    comments = tuple(tuple(c) for c in comments)
    return DemoPooling(members=tuple(members), fields=_fields(fields), comments=comments, **rest)


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    # Funders and partners are lists of [who, value] pairs: tuples, as the builder unpacks them.
    return {
        k: [tuple(x) if isinstance(x, list) else x for x in v] if isinstance(v, list) else v
        for k, v in fields.items()
    }
