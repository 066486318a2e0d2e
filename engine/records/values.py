"""Read and write the fields of a scheme or a pooling: codes resolved, values for the audit log."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.models import Organisation, Pooling, Scheme, SchemeFunder, SchemePartner, Territory
from engine.models.vocabulary import VocabularyTerm
from engine.records.audit import jsonable
from engine.records.registry import POOLABLE_STATES

VOCABULARY_FIELDS = {"themes": "theme", "publics": "public", "aid_types": "aid_type"}
COG_KINDS = {"COM": "commune", "EPCI": "epci", "DEP": "department"}


def field_value(record: Scheme | Pooling, name: str) -> Any:
    """Return one field of a record as JSON-native data (codes, references, strings)."""
    if name in VOCABULARY_FIELDS:
        return [term.code for term in getattr(record, name)]
    if name == "territories":
        return [t.cog for t in record.territories]
    if name == "partners":
        return [
            {"organisation_id": p.organisation_id, "name": p.name, "role": p.role}
            for p in record.partners
        ]
    if name == "funders":
        return [
            {"organisation_id": f.organisation_id, "name": f.name, "amount": jsonable(f.amount)}
            for f in record.funders
        ]
    if name == "scheme_ids":
        return [m.id for m in record.members]
    return jsonable(getattr(record, name))


def apply_values(session: Session, record: Scheme | Pooling, data: dict[str, Any]) -> dict:
    """Set validated fields on a record, resolving codes; return {field: {before, after}}."""
    errors: dict[str, list[str]] = {}
    resolved = {}
    for name, value in data.items():
        try:
            resolved[name] = _resolve(session, record, name, value)
        except _Unknown as exc:
            errors[name] = [str(exc)]
    if errors:
        raise InvalidInput(errors)
    changes = {}
    for name, value in resolved.items():
        before = field_value(record, name)
        _assign(record, name, value)
        after = field_value(record, name)
        if before != after:
            changes[name] = {"before": before, "after": after}
    return changes


class _Unknown(ValueError):
    pass


def _resolve(session: Session, record, name: str, value: Any) -> Any:
    if name in VOCABULARY_FIELDS:
        return _terms(session, VOCABULARY_FIELDS[name], value)
    if name == "territories":
        return _territories(session, value)
    if name in ("partners", "funders"):
        _organisations(session, [v.get("organisation_id") for v in value])
        return value
    if name in ("organisation_id", "lead_organisation_id") and value is not None:
        _organisations(session, [value])
    if name == "scheme_ids":
        return _members(session, value, record)
    return value


def _terms(session: Session, vocabulary: str, codes: list[str]) -> list[VocabularyTerm]:
    wanted = list(dict.fromkeys(codes))
    found = {
        t.code: t
        for t in session.scalars(
            select(VocabularyTerm).where(
                VocabularyTerm.vocabulary == vocabulary,
                VocabularyTerm.code.in_(wanted),
                VocabularyTerm.active.is_(True),
            )
        )
    }
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise _Unknown("Code(s) inconnu(s) : " + ", ".join(unknown) + ".")
    return [found[c] for c in wanted]


def territory_by_cog(session: Session, cogs: list[str]) -> dict[str, Territory]:
    """Return the territories named by COG-style codes (COM-97209, EPCI-249720061, DEP-972)."""
    pairs = {}
    for cog in cogs:
        prefix, _, code = cog.partition("-")
        if prefix.upper() in COG_KINDS and code:
            pairs[cog] = (COG_KINDS[prefix.upper()], code)
    rows = session.scalars(
        select(Territory).where(Territory.code.in_([code for _, code in pairs.values()]))
    )
    by_key = {(t.kind, t.code): t for t in rows}
    return {cog: by_key[key] for cog, key in pairs.items() if key in by_key}


def _territories(session: Session, cogs: list[str]) -> list[Territory]:
    wanted = list(dict.fromkeys(cogs))
    found = territory_by_cog(session, wanted)
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise _Unknown("Territoire(s) inconnu(s) : " + ", ".join(unknown) + ".")
    return [found[c] for c in wanted]


def _organisations(session: Session, ids: list[int | None]) -> None:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return
    found = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(wanted))))
    if wanted - found:
        raise _Unknown("Structure(s) inconnue(s) : " + ", ".join(map(str, sorted(wanted - found))))


def _members(session: Session, ids: list[int], pooling: Pooling) -> list[Scheme]:
    wanted = list(dict.fromkeys(ids))
    if len(wanted) < 2:
        raise _Unknown("Choisissez au moins deux dispositifs.")
    schemes = {s.id: s for s in session.scalars(select(Scheme).where(Scheme.id.in_(wanted)))}
    problems = []
    for scheme_id in wanted:
        scheme = schemes.get(scheme_id)
        if scheme is None or scheme.state == "draft":
            problems.append(f"dispositif n°{scheme_id} introuvable")
        elif scheme.state in ("rejected", "withdrawn"):
            problems.append(f"{scheme.reference} est clos (non retenu ou retiré)")
        elif scheme.state not in POOLABLE_STATES:
            problems.append(f"{scheme.reference} n'est pas encore examiné par le COTECH")
        elif scheme.pooling_id is not None and scheme.pooling_id != pooling.id:
            problems.append(f"{scheme.reference} appartient déjà à une mutualisation approuvée")
    if problems:
        raise _Unknown("Dispositifs non éligibles : " + " ; ".join(problems) + ".")
    return [schemes[i] for i in wanted]


def _assign(record, name: str, value: Any) -> None:
    if name == "partners":
        record.partners = [SchemePartner(**p) for p in value]
    elif name == "funders":
        record.funders = [SchemeFunder(**f) for f in value]
    elif name == "scheme_ids":
        record.members = value
    else:
        setattr(record, name, value)


def consistency_errors(record: Scheme | Pooling) -> dict[str, list[str]]:
    """Check the rules that tie fields together (ages, dates, funders within the budget).

    A scheme's rules read its attributes only: an import checks plain objects with the same
    attributes, rows not yet written.
    """
    if isinstance(record, Pooling):
        return {}
    errors: dict[str, list[str]] = {}
    if (
        record.age_min is not None
        and record.age_max is not None
        and record.age_min > record.age_max
    ):
        errors["age_max"] = ["L'âge maximum doit être supérieur ou égal à l'âge minimum."]
    if record.start_date and record.end_date and record.end_date < record.start_date:
        errors["end_date"] = ["La date de fin doit suivre la date de début."]
    amounts = [f.amount for f in record.funders if f.amount is not None]
    if record.annual_budget is not None and amounts and sum(amounts) > record.annual_budget:
        errors["funders"] = ["La somme des financements dépasse le budget annuel du dispositif."]
    for i, partner in enumerate(record.partners):
        if partner.organisation_id is None and not partner.name:
            errors[f"partners.{i}"] = ["Indiquez une structure ou un nom."]
    for i, funder in enumerate(record.funders):
        if funder.organisation_id is None and not funder.name:
            errors[f"funders.{i}"] = ["Indiquez une structure ou un nom."]
    return errors
