"""Vocabularies an administrator extends: themes, publics, aid types (code + two labels).

A term's code is what records store and exports publish: it never changes once created; only
its labels do.
"""

import re

from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound
from engine.models import VOCABULARIES, VocabularyTerm
from engine.records import audit
from engine.rules.policy import Actor
from engine.services.users import require_admin

CODE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


def vocabulary_terms(uow: UnitOfWork, vocabulary: str) -> list[VocabularyTerm]:
    """Return a vocabulary's terms in their order."""
    if vocabulary not in VOCABULARIES:
        raise NotFound()
    query = select(VocabularyTerm).where(VocabularyTerm.vocabulary == vocabulary)
    return list(uow.session.scalars(query.order_by(VocabularyTerm.position, VocabularyTerm.id)))


def add_term(
    uow: UnitOfWork, actor: Actor, vocabulary: str, code: str, label_fr: str, label_en: str
) -> VocabularyTerm:
    """Add a term at the end of a vocabulary (admin only); audited."""
    uow.begin_write()
    require_admin(actor)
    if vocabulary not in VOCABULARIES:
        raise NotFound()
    code = (code or "").strip()
    errors = _code_errors(uow, vocabulary, code) | _label_errors(label_fr, label_en)
    if errors:
        raise InvalidInput(errors)
    term = VocabularyTerm(
        vocabulary=vocabulary,
        code=code,
        label_fr=label_fr.strip(),
        label_en=label_en.strip(),
        position=_next_position(uow, vocabulary),
    )
    uow.session.add(term)
    uow.session.flush()
    values = {"code": code, "label_fr": term.label_fr, "label_en": term.label_en}
    changes = {key: {"before": None, "after": value} for key, value in values.items()}
    _audit(uow, actor, term, "vocabulary_term_create", changes)
    uow.commit()
    return term


def edit_term(
    uow: UnitOfWork, actor: Actor, term_id: int, label_fr: str, label_en: str
) -> VocabularyTerm:
    """Change a term's French and English labels, never its code (admin only); audited."""
    uow.begin_write()
    require_admin(actor)
    term = uow.session.get(VocabularyTerm, term_id)
    if term is None:
        raise NotFound()
    errors = _label_errors(label_fr, label_en)
    if errors:
        raise InvalidInput(errors)
    after = {"label_fr": label_fr.strip(), "label_en": label_en.strip()}
    changes = {
        key: {"before": getattr(term, key), "after": value}
        for key, value in after.items()
        if getattr(term, key) != value
    }
    if changes:
        for key, value in after.items():
            setattr(term, key, value)
        _audit(uow, actor, term, "vocabulary_term_edit", changes)
    uow.commit()
    return term


def _code_errors(uow: UnitOfWork, vocabulary: str, code: str) -> dict[str, list[str]]:
    if not CODE.match(code):
        return {
            "code": [
                "Code attendu : 2 à 60 caractères, lettres minuscules sans accent, chiffres et "
                "tirets bas (_), commençant par une lettre."
            ]
        }
    same = select(VocabularyTerm.id).where(
        VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code == code
    )
    if uow.session.scalar(same) is not None:
        return {"code": ["Ce code existe déjà dans ce vocabulaire."]}
    return {}


def _label_errors(label_fr: str, label_en: str) -> dict[str, list[str]]:
    errors = {}
    for field, value in (("label_fr", label_fr), ("label_en", label_en)):
        if not (value or "").strip() or len(value.strip()) > 200:
            errors[field] = ["Libellé obligatoire (200 caractères au plus)."]
    return errors


def _next_position(uow: UnitOfWork, vocabulary: str) -> int:
    query = select(func.max(VocabularyTerm.position)).where(VocabularyTerm.vocabulary == vocabulary)
    return (uow.session.scalar(query) or 0) + 1


def _audit(uow: UnitOfWork, actor: Actor, term: VocabularyTerm, action: str, changes) -> None:
    entry = audit.Entry(
        record_type="vocabulary_term",
        record_id=term.id,
        record_reference=f"{term.vocabulary}:{term.code}",
        action=action,
        occurred_at=uow.clock(),
        actor_id=actor.id,
        actor_label=actor.label,
        changes=changes,
    )
    audit.append(uow.connection, [entry])
