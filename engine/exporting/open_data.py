"""The inventory in the national exchange format for aid schemes (etalab/schema-dispositif-aide).

One CSV row per scheme, columns in the order of the schema's copy shipped next to this module.
The mappings of our vocabularies to the schema's values are explained in docs/open-data.md.
"""

import csv
import io
import json
from collections.abc import Iterable
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select

from engine.clock import MARTINIQUE
from engine.exporting.source import Inventory
from engine.models import Scheme, Territory
from engine.models.territory import COG_PREFIX
from engine.records.representation import iso_instant, link_name

SCHEMA_PATH = Path(__file__).resolve().parent / "schema-dispositif-aide.json"
SEPARATOR = "|"

# Our aid types → the schema's types_aides (values its example and publishers use).
AID_TYPES = {
    "aide_financiere": "financement",
    "accompagnement": "assistance",
    "formation": "formation",
    "mediation": "assistance",
    "hebergement": "assistance",
    "equipement": "assistance",
    "information": "information",
}
# A term an administrator added later is a service to people until someone maps it.
OTHER_AID_TYPE = "assistance"

# Our publics → the schema's four beneficiary categories, in the schema's order.
CIBLES = ("professionnels", "particuliers", "associations", "secteur public")
PUBLICS = {"professionnels": ("professionnels", "associations")}
# Every other public (families, children, young people, victims, residents…) is people.
OTHER_PUBLIC = ("particuliers",)

# Our partner roles → roles of the schema's porteurs; the organisation running the scheme
# receives and handles the requests, the schema's "instructeur".
ROLES = {
    "financeur": "financeur",
    "instructeur": "instructeur",
    "operateur": "opérateur",
    "partenaire": "partenaire",
}
ORGANISATION_ROLE = "instructeur"
FUNDER_ROLE = "financeur"

LAST_SECOND = time(23, 59, 59)


@cache
def schema() -> dict[str, Any]:
    """Return the Table Schema of dispositif-aide v0.2.0 (the project's copy)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def field_names() -> list[str]:
    """Return the schema's column names, in order."""
    return [f["name"] for f in schema()["fields"]]


def required_fields() -> list[str]:
    """Return the columns the schema requires."""
    return [f["name"] for f in schema()["fields"] if f.get("constraints", {}).get("required")]


def write(inventory: Inventory, out: BinaryIO) -> int:
    """Write the schemes as dispositif-aide CSV; skip (and report) incomplete ones."""
    names, required = field_names(), required_fields()
    communes = _epci_communes(inventory)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(names)
        count = 0
        for scheme in inventory.schemes():
            row = open_data_row(scheme, communes)
            missing = [name for name in required if not row.get(name)]
            if missing:
                inventory.skip(scheme, "champ(s) requis vide(s) : " + ", ".join(missing))
                continue
            writer.writerow([row.get(name) or "" for name in names])
            count += 1
        text.flush()
    finally:
        text.detach()
    return count


def open_data_row(scheme: Scheme, epci_communes: dict[int, list[str]]) -> dict[str, str | None]:
    """Return a scheme's values for the schema's columns."""
    return {
        "id": str(scheme.uuid),
        "titre": scheme.title,
        "promesse": scheme.summary,
        "description": scheme.description,
        "eligibilite": eligibility(scheme),
        "types_aides": SEPARATOR.join(
            _unique(AID_TYPES.get(t.code, OTHER_AID_TYPE) for t in scheme.aid_types)
        ),
        "porteurs": json.dumps(porteurs(scheme), ensure_ascii=False),
        "programmes_parents": _programmes(scheme.legal_basis),
        "url_source": scheme.url,
        "cibles": SEPARATOR.join(cibles(t.code for t in scheme.publics)),
        "eligibilite_geographique": SEPARATOR.join(cog_codes(scheme.territories, epci_communes)),
        "eligibilite_geographique_exclusions": None,
        "date_ouverture": _opening(scheme.start_date),
        "date_cloture": _closing(scheme.end_date),
        "date_mise_a_jour": iso_instant(scheme.updated_at),
    }


def porteurs(scheme: Scheme) -> list[dict[str, Any]]:
    """Return who runs, co-runs and funds the scheme: [{nom, siren, roles}], merged by actor."""
    actors: dict[Any, dict[str, Any]] = {}

    def add(organisation, name: str | None, role: str) -> None:
        if organisation is not None:
            key: Any = organisation.siren or ("id", organisation.id)
            name = organisation.name
        else:
            key = ("name", (name or "").strip().casefold())
        entry = actors.setdefault(key, {"nom": name})
        if organisation is not None and organisation.siren:
            entry["siren"] = organisation.siren
        roles = entry.setdefault("roles", [])
        if role not in roles:
            roles.append(role)

    add(scheme.organisation, None, ORGANISATION_ROLE)
    for partner in scheme.partners:
        add(partner.organisation, link_name(partner), ROLES.get(partner.role, partner.role))
    for funder in scheme.funders:
        add(funder.organisation, link_name(funder), FUNDER_ROLE)
    return list(actors.values())


def cibles(publics: Iterable[str]) -> list[str]:
    """Map our publics to the schema's beneficiary categories, in the schema's order."""
    wanted = {c for code in publics for c in PUBLICS.get(code, OTHER_PUBLIC)}
    return [c for c in CIBLES if c in wanted]


def cog_codes(territories: Iterable[Territory], epci_communes: dict[int, list[str]]) -> list[str]:
    """Return COG codes: communes as COM-…, an EPCI as its communes, Martinique as DEP-972."""
    codes: set[str] = set()
    for territory in territories:
        if territory.kind == "department":
            # The whole department covers every commune: the communes would only repeat it.
            return [territory.cog]
        if territory.kind == "epci":
            codes.update(epci_communes.get(territory.id, ()))
        else:
            codes.add(territory.cog)
    return sorted(codes)


def eligibility(scheme: Scheme) -> str | None:
    """Return the eligibility criteria, with the age range as one more criterion."""
    ages = _age_range(scheme.age_min, scheme.age_max)
    if not ages:
        return scheme.eligibility
    return "\n".join(part for part in (scheme.eligibility, f"• Âge : {ages}") if part)


def _age_range(low: int | None, high: int | None) -> str | None:
    if low is not None and high is not None:
        return f"de {low} à {high} ans"
    if low is not None:
        return f"à partir de {low} ans"
    if high is not None:
        return f"jusqu'à {high} ans"
    return None


def _epci_communes(inventory: Inventory) -> dict[int, list[str]]:
    """Map each EPCI's id to the COG codes of its communes (read once per export)."""
    out: dict[int, list[str]] = {}
    rows = inventory.session.execute(
        select(Territory.epci_id, Territory.code).where(
            Territory.kind == "commune", Territory.epci_id.is_not(None)
        )
    )
    for epci_id, code in rows:
        out.setdefault(epci_id, []).append(f"{COG_PREFIX['commune']}-{code}")
    return out


def _opening(day: date | None) -> str | None:
    # A day in Martinique starts at local midnight: written with its offset, the date reads true.
    return None if day is None else datetime.combine(day, time.min, MARTINIQUE).isoformat()


def _closing(day: date | None) -> str | None:
    # The end date is the scheme's last day: it closes when that day ends in Martinique.
    return None if day is None else datetime.combine(day, LAST_SECOND, MARTINIQUE).isoformat()


def _programmes(legal_basis: str | None) -> str | None:
    """The legal basis (FIPD, politique de la ville…) names the programmes the scheme belongs to."""
    if not legal_basis:
        return None
    parts = (" ".join(part.split()) for part in legal_basis.split(SEPARATOR))
    return SEPARATOR.join(part for part in parts if part) or None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
