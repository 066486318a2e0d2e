"""Who may do what: the acting user, visibility, roles, separation of duties, and why not."""

from dataclasses import dataclass

from engine.errors import Reason
from engine.records.registry import record_type

ROLE_GROUPS = {
    "owner": "aux porteurs de la structure concernée",
    "cotech": "aux membres du COTECH",
    "coordinator": "au coordinateur du COTECH",
    "copil": "aux membres du COPIL",
    "admin": "aux administrateurs",
    "secretary": "aux secrétaires de séance",
}

# Stamps a transition may leave on its record: who submitted it, who proposed it.
STAMPS = {"submitted_by": "submitted_by_id", "proposed_by": "proposed_by_id"}


@dataclass(frozen=True)
class Actor:
    """The acting user as the rules see it; built by the caller from a User."""

    id: int | None
    label: str
    roles: frozenset[str]
    organisation_id: int | None = None
    active: bool = True

    @classmethod
    def of(cls, user) -> "Actor":
        return cls(user.id, user.email, frozenset(user.roles), user.organisation_id, user.active)

    def holds(self, role: str, organisation_id: int | None) -> bool:
        """Tell whether the actor holds `role` for a record of `organisation_id`."""
        if role not in self.roles:
            return False
        return role != "owner" or (
            self.organisation_id is not None and self.organisation_id == organisation_id
        )


SYSTEM = Actor(id=None, label="système", roles=frozenset())


@dataclass(frozen=True)
class Guard:
    """A separation-of-duties rule: the actor must not be the one stamped on the record.

    Each record type words the refusal its own way (`RecordType.duties`)."""

    column: str


GUARDS = {
    "not_submitter": Guard("submitted_by_id"),
    "not_proposer": Guard("proposed_by_id"),
    "not_author": Guard("created_by_id"),
}


def can_see(actor: Actor, visible_to: frozenset[str] | None, organisation_id: int | None) -> bool:
    """Tell whether the actor may see a record in a state visible to `visible_to` (None: all)."""
    if not actor.active:
        return False
    if visible_to is None:
        return True
    return any(actor.holds(role, organisation_id) for role in visible_to)


def inactive_reason() -> Reason:
    return Reason("inactive_user", "Votre compte est désactivé.")


def role_reason(roles: frozenset[str], actor: Actor, organisation_id: int | None) -> Reason | None:
    """Return why the actor holds none of `roles` for this record, or None when one is held."""
    if any(actor.holds(role, organisation_id) for role in roles):
        return None
    if "owner" in roles and "owner" in actor.roles:
        return Reason(
            "not_owner_organisation",
            "Action réservée aux porteurs de la structure qui porte cet élément.",
        )
    groups = " et ".join(ROLE_GROUPS[r] for r in sorted(roles))
    return Reason("role_required", f"Action réservée {groups}.")


def guard_reasons(
    guards: tuple[str, ...], kind: str, stamps: dict[str, int | None], actor: Actor
) -> list[Reason]:
    """Return a reason for each separation-of-duties guard the actor fails."""
    reasons = []
    for name in guards:
        guard = GUARDS[name]
        if actor.id is not None and stamps.get(guard.column) == actor.id:
            reasons.append(Reason("separation_of_duties", record_type(kind).duties[name]))
    return reasons
