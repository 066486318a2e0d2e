"""Users and organisations: created and changed in audited units of work."""

import re

from sqlalchemy import or_, select

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotFound, NotPermitted, Reason
from engine.french.text import searchable
from engine.models import ORGANISATION_KINDS, ROLES, Organisation, User, UserRole
from engine.records import audit
from engine.rules.passwords import hash_password, password_problem
from engine.rules.policy import Actor, inactive_reason
from engine.services.preferences import change_frequency

LOCALES = ("fr", "en")


class KEEP:
    """Marks an argument left unchanged where None is a meaningful new value."""


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def siren_problem(number: str, length: int = 9) -> str | None:
    """Return why a SIREN (9 digits) or SIRET (14 digits) is invalid, or None (Luhn check)."""
    if not re.fullmatch(rf"\d{{{length}}}", number):
        return f"{length} chiffres attendus."
    # La Poste's establishments (SIREN 356000000) follow their own rule: digits sum to a multiple
    # of 5.
    if length == 14 and number.startswith("356000000"):
        return None if sum(map(int, number)) % 5 == 0 else "Numéro SIRET invalide."
    total = 0
    for i, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return (
        None
        if total % 10 == 0
        else ("Numéro SIREN invalide." if length == 9 else "Numéro SIRET invalide.")
    )


def _ensure_admin(actor: Actor) -> None:
    if not actor.active:
        raise NotPermitted(inactive_reason())
    if actor.id is not None and "admin" not in actor.roles:
        raise NotPermitted(Reason("role_required", "Action réservée aux administrateurs."))


def add_organisation(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    kind: str,
    siren: str | None = None,
    siret: str | None = None,
) -> Organisation:
    """Record an organisation (admin, or the system for imports and set-up)."""
    uow.begin_write()
    _ensure_admin(actor)
    organisation = new_organisation(uow, actor, name, kind, siren, siret)
    uow.commit()
    return organisation


def new_organisation(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    kind: str,
    siren: str | None = None,
    siret: str | None = None,
) -> Organisation:
    """Add a validated, audited organisation to the unit of work without committing.

    The caller has checked that `actor` may: `add_organisation` (an administrator) or the
    import, whose COTECH members create the organisations a census file names with its rows.
    """
    name = (name or "").strip()
    errors = _organisation_errors(name, kind, siren, siret)
    if not errors and _organisation_exists(uow, name, siren):
        errors["name"] = ["Cette structure existe déjà (même nom ou même SIREN)."]
    if errors:
        raise InvalidInput(errors)
    now = uow.clock()
    organisation = Organisation(
        name=name,
        kind=kind,
        siren=siren,
        siret=siret,
        created_at=now,
        search_text=searchable(name),
    )
    uow.session.add(organisation)
    uow.session.flush()
    _audit_creation(
        uow,
        actor,
        now,
        "organisation",
        organisation.id,
        name,
        {"name": name, "kind": kind, "siren": siren, "siret": siret},
    )
    return organisation


def edit_organisation(
    uow: UnitOfWork,
    actor: Actor,
    organisation_id: int,
    name: str,
    kind: str,
    siren: str | None = None,
) -> Organisation:
    """Change an organisation's name, kind or SIREN (admin only); each change audited."""
    uow.begin_write()
    _ensure_admin(actor)
    organisation = uow.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    name = (name or "").strip()
    errors = _organisation_errors(name, kind, siren, organisation.siret if siren else None)
    if not errors and _organisation_exists(uow, name, siren, besides=organisation_id):
        errors["name"] = ["Cette structure existe déjà (même nom ou même SIREN)."]
    if errors:
        raise InvalidInput(errors)
    after = {"name": name, "kind": kind, "siren": siren}
    changes = {
        key: {"before": getattr(organisation, key), "after": value}
        for key, value in after.items()
        if getattr(organisation, key) != value
    }
    if changes:
        for key, value in after.items():
            setattr(organisation, key, value)
        organisation.search_text = searchable(name)
        _audit_organisation(uow, actor, organisation, changes)
    uow.commit()
    return organisation


def _audit_organisation(
    uow: UnitOfWork, actor: Actor, organisation: Organisation, changes: dict
) -> None:
    entry = audit.Entry(
        record_type="organisation",
        record_id=organisation.id,
        record_reference=organisation.name,
        action="organisation_edit",
        occurred_at=uow.clock(),
        actor_id=actor.id,
        actor_label=actor.label,
        changes=changes,
    )
    audit.append(uow.connection, [entry])


def add_user(
    uow: UnitOfWork,
    actor: Actor,
    email: str,
    name: str,
    roles: list[str],
    password: str,
    organisation_id: int | None = None,
) -> User:
    """Create a user with roles (admin, or the system from the command line)."""
    uow.begin_write()
    _ensure_admin(actor)
    email = (email or "").strip().lower()
    errors = _user_errors(uow, email, name, roles, password, organisation_id)
    if errors:
        raise InvalidInput(errors)
    now = uow.clock()
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        organisation_id=organisation_id,
        created_at=now,
        role_rows=[UserRole(role=r) for r in sorted(set(roles))],
    )
    uow.session.add(user)
    uow.session.flush()
    _audit_creation(
        uow,
        actor,
        now,
        "user",
        user.id,
        email,
        {
            "email": email,
            "name": user.name,
            "roles": sorted(set(roles)),
            "organisation_id": organisation_id,
        },
    )
    uow.commit()
    return user


def _organisation_errors(
    name: str, kind: str, siren: str | None, siret: str | None
) -> dict[str, list[str]]:
    """Check an organisation's fields on their own; return French messages per field."""
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 200:
        errors["name"] = ["Nom obligatoire (200 caractères au plus)."]
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = ["Valeur attendue parmi : " + ", ".join(ORGANISATION_KINDS) + "."]
    for field, value, length in (("siren", siren, 9), ("siret", siret, 14)):
        problem = value and siren_problem(value, length)
        if problem:
            errors[field] = [problem]
    if siren and siret and not siret.startswith(siren):
        errors["siret"] = ["Le SIRET doit commencer par le SIREN de la structure."]
    return errors


def _organisation_exists(
    uow: UnitOfWork, name: str, siren: str | None, *, besides: int | None = None
) -> bool:
    """Tell whether another organisation has this name (case and accents aside) or this SIREN."""
    same = Organisation.search_text == searchable(name)
    if siren:
        same = or_(same, Organisation.siren == siren)
    query = select(Organisation.id).where(same)
    if besides is not None:
        query = query.where(Organisation.id != besides)
    return uow.session.scalar(query) is not None


def _user_errors(
    uow: UnitOfWork,
    email: str,
    name: str,
    roles: list[str],
    password: str,
    organisation_id: int | None,
) -> dict[str, list[str]]:
    """Check a new account's fields; return French messages per field."""
    errors: dict[str, list[str]] = {}
    if not EMAIL.match(email) or len(email) > 254:
        errors["email"] = ["Adresse électronique invalide."]
    elif uow.session.scalar(select(User.id).where(User.email == email)):
        errors["email"] = ["Un compte existe déjà avec cette adresse."]
    if not (name or "").strip():
        errors["name"] = ["Ce champ est obligatoire."]
    if not roles or any(r not in ROLES for r in roles):
        errors["roles"] = ["Rôle(s) attendu(s) parmi : " + ", ".join(ROLES) + "."]
    if "owner" in roles and organisation_id is None:
        errors["organisation"] = ["Un porteur de dispositif est rattaché à une structure."]
    if organisation_id is not None and uow.session.get(Organisation, organisation_id) is None:
        errors["organisation"] = ["Structure inconnue."]
    problem = password_problem(password or "", email=email, name=name or "")
    if problem:
        errors["password"] = [problem]
    return errors


def _audit_creation(
    uow: UnitOfWork, actor: Actor, now, kind: str, ident: int, reference: str, values: dict
) -> None:
    """Append the `<kind>_create` event holding each initial value as a change from nothing."""
    audit.append(
        uow.connection,
        [
            audit.Entry(
                record_type=kind,
                record_id=ident,
                record_reference=reference,
                action=f"{kind}_create",
                occurred_at=now,
                actor_id=actor.id,
                actor_label=actor.label,
                changes={
                    key: {"before": [] if isinstance(value, list) else None, "after": value}
                    for key, value in values.items()
                },
            )
        ],
    )


def require_admin(actor: Actor) -> None:
    """Refuse anyone but an active administrator (or the system)."""
    _ensure_admin(actor)


def visible_user(uow: UnitOfWork, actor: Actor, user_id: int) -> User:
    """Return a user an administrator, or that user themselves, may read."""
    if actor.id != user_id:
        _ensure_admin(actor)
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def set_user_active(uow: UnitOfWork, actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate or reactivate an account (admin only); audited."""
    return update_user(uow, actor, user_id, active=active)


def set_user_roles(uow: UnitOfWork, actor: Actor, user_id: int, roles: list[str]) -> User:
    """Replace an account's roles (admin only); audited."""
    return update_user(uow, actor, user_id, roles=roles)


def update_user(
    uow: UnitOfWork,
    actor: Actor,
    user_id: int,
    *,
    active: bool | None = None,
    roles: list[str] | None = None,
    organisation_id: int | type[KEEP] | None = KEEP,
    notification_frequency: str | None = None,
) -> User:
    """Change an account's roles, organisation, active flag, notification frequency in one
    audited unit of work (admin)."""
    uow.begin_write()
    _ensure_admin(actor)
    user = _user_to_change(uow, user_id)
    if notification_frequency is not None:
        change_frequency(uow, actor, user, notification_frequency)
    if organisation_id is not KEEP:
        _change_organisation(uow, actor, user, organisation_id, roles)
    if roles is not None:
        _change_roles(uow, actor, user, roles)
    if active is not None:
        _change_active(uow, actor, user, active)
    uow.commit()
    return user


def _change_active(uow: UnitOfWork, actor: Actor, user: User, active: bool) -> None:
    if not active and actor.id == user.id:
        raise NotPermitted(
            Reason("own_account", "Vous ne pouvez pas désactiver votre propre compte.")
        )
    if user.active != active:
        user.active = active
        end_sessions(user)
        action = "user_reactivate" if active else "user_deactivate"
        _audit_change(uow, actor, user, action, {"active": {"before": not active, "after": active}})


def _change_roles(uow: UnitOfWork, actor: Actor, user: User, roles: list[str]) -> None:
    wanted = sorted(set(roles))
    if not wanted or any(r not in ROLES for r in wanted):
        raise InvalidInput({"roles": ["Rôle(s) attendu(s) parmi : " + ", ".join(ROLES) + "."]})
    if "owner" in wanted and user.organisation_id is None:
        raise InvalidInput({"roles": ["Un porteur de dispositif est rattaché à une structure."]})
    if actor.id == user.id and "admin" not in wanted:
        raise NotPermitted(
            Reason("own_account", "Vous ne pouvez pas retirer votre propre rôle d'administrateur.")
        )
    before = sorted(user.roles)
    if before != wanted:
        kept = [row for row in user.role_rows if row.role in wanted]
        user.role_rows = kept + [UserRole(role=r) for r in wanted if r not in before]
        end_sessions(user)
        _audit_change(
            uow, actor, user, "user_roles", {"roles": {"before": before, "after": wanted}}
        )


def _change_organisation(
    uow: UnitOfWork, actor: Actor, user: User, organisation_id: int | None, roles: list[str] | None
) -> None:
    if organisation_id is not None and uow.session.get(Organisation, organisation_id) is None:
        raise InvalidInput({"organisation": ["Structure inconnue."]})
    if organisation_id is None and "owner" in (user.roles if roles is None else roles):
        raise InvalidInput(
            {"organisation": ["Un porteur de dispositif est rattaché à une structure."]}
        )
    before = user.organisation_id
    if before != organisation_id:
        user.organisation_id = organisation_id
        # What an owner may see and edit follows their organisation: sessions start again.
        end_sessions(user)
        changes = {"organisation_id": {"before": before, "after": organisation_id}}
        _audit_change(uow, actor, user, "user_organisation", changes)


def set_user_organisation(
    uow: UnitOfWork, actor: Actor, user_id: int, organisation_id: int | None
) -> User:
    """Attach an account to another organisation, or to none (admin only); audited."""
    return update_user(uow, actor, user_id, organisation_id=organisation_id)


def set_locale(uow: UnitOfWork, actor: Actor, locale: str | None) -> User:
    """Record the interface language a user chose ("fr", "en", or None to follow the browser)."""
    if locale not in (None, *LOCALES):
        raise InvalidInput({"locale": ["Langue attendue : français ou anglais."]})
    uow.begin_write()
    user = _user_to_change(uow, actor.id)
    user.locale = locale
    uow.commit()
    return user


def end_sessions(user: User) -> None:
    """End every browser session of a user: each carries the version this raises."""
    user.session_version += 1


def _user_to_change(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def audit_user_event(
    uow: UnitOfWork,
    actor: Actor,
    user: User,
    action: str,
    *,
    changes: dict | None = None,
    data: dict | None = None,
) -> None:
    """Append an event about a user account (role change, deactivation, token…)."""
    entry = audit.Entry(
        record_type="user",
        record_id=user.id,
        record_reference=user.email,
        action=action,
        occurred_at=uow.clock(),
        actor_id=actor.id,
        actor_label=actor.label,
        changes=changes,
        data=data,
    )
    audit.append(uow.connection, [entry])


def _audit_change(uow: UnitOfWork, actor: Actor, user: User, action: str, changes: dict) -> None:
    audit_user_event(uow, actor, user, action, changes=changes)
