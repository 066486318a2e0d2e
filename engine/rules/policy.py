"""Who may do what: the acting user, visibility, roles, separation of duties, and why not."""

from dataclasses import dataclass, replace

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
# Each stamp's twin: the delegator the person stamped acted for (null when for no one).
ON_BEHALF = {
    "created_by_id": "created_for_id",
    "submitted_by_id": "submitted_for_id",
    "proposed_by_id": "proposed_for_id",
}


@dataclass(frozen=True)
class Delegated:
    """A capacity lent to the actor by a delegation: some of the delegator's roles, held for the
    delegator's organisation."""

    delegation_id: int
    delegator_id: int
    delegator_label: str  # their e-mail, as the audit log's labels name people
    roles: frozenset[str]
    organisation_id: int | None
    delegator_name: str = ""


@dataclass(frozen=True)
class Actor:
    """The acting user as the rules see it; built by the caller from a User.

    `delegations` are the capacities lent to them now (`engine.services.delegations.acting`
    reads them); `on_behalf_of` is set on the capacity an action is done through."""

    id: int | None
    label: str
    roles: frozenset[str]
    organisation_id: int | None = None
    active: bool = True
    delegations: tuple[Delegated, ...] = ()
    on_behalf_of: Delegated | None = None

    @classmethod
    def of(cls, user) -> "Actor":
        return cls(user.id, user.email, frozenset(user.roles), user.organisation_id, user.active)

    def holds(self, role: str, organisation_id: int | None) -> bool:
        """Tell whether the actor holds `role` for a record of `organisation_id`, themselves or
        through a delegation."""
        return any(c._holds_own(role, organisation_id) for c in self.capacities())

    def holds_any(self, roles, organisation_id: int | None = None) -> bool:
        """Tell whether the actor holds one of `roles` (as `holds` does for each)."""
        return any(self.holds(role, organisation_id) for role in roles)

    def _holds_own(self, role: str, organisation_id: int | None) -> bool:
        if role not in self.roles:
            return False
        return role != "owner" or (
            self.organisation_id is not None and self.organisation_id == organisation_id
        )

    def capacities(self) -> tuple["Actor", ...]:
        """The ways the actor may act, their own first, then each delegation's."""
        own = replace(self, delegations=()) if self.delegations else self
        return (own, *(self.through(d) for d in self.delegations))

    def through(self, delegated: Delegated) -> "Actor":
        """The actor acting for a delegator: the lent roles, the delegator's organisation."""
        return Actor(
            self.id,
            f"{self.label} pour le compte de {delegated.delegator_label}",
            delegated.roles,
            delegated.organisation_id,
            self.active,
            on_behalf_of=delegated,
        )

    def capacity(self, roles: frozenset[str], organisation_id: int | None) -> "Actor | None":
        """The first capacity (their own first) holding one of `roles` for the organisation."""
        for capacity in self.capacities():
            if any(capacity._holds_own(r, organisation_id) for r in roles):
                return capacity
        return None

    @property
    def persons(self) -> tuple[int, ...]:
        """Whose duties the capacity engages: the actor, and the delegator they act for."""
        ids = () if self.id is None else (self.id,)
        return ids + ((self.on_behalf_of.delegator_id,) if self.on_behalf_of else ())

    def audit_data(self) -> dict[str, int] | None:
        """What an audit event keeps of the capacity: the delegator and the delegation."""
        if self.on_behalf_of is None:
            return None
        return {
            "on_behalf_of": self.on_behalf_of.delegator_id,
            "delegation": self.on_behalf_of.delegation_id,
        }


def actor_for(actor: Actor) -> int | None:
    """The delegator a capacity acts for, as a stamp's `…_for_id` records it."""
    return actor.on_behalf_of.delegator_id if actor.on_behalf_of else None


SYSTEM = Actor(id=None, label="système", roles=frozenset())


@dataclass(frozen=True)
class Guard:
    """A separation-of-duties rule: the actor must not be the one stamped on the record, nor
    the delegator that person acted for (`for_column`).

    Each record type words the refusal its own way (`RecordType.duties`)."""

    column: str

    @property
    def for_column(self) -> str:
        return ON_BEHALF[self.column]

    @property
    def columns(self) -> tuple[str, str]:
        return (self.column, self.for_column)


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
    if actor.holds_any(roles, organisation_id):
        return None
    if "owner" in roles and any("owner" in c.roles for c in actor.capacities()):
        return Reason(
            "not_owner_organisation",
            "Action réservée aux porteurs de la structure qui porte cet élément.",
        )
    groups = " et ".join(ROLE_GROUPS[r] for r in sorted(roles))
    return Reason("role_required", f"Action réservée {groups}.")


def guard_reasons(
    guards: tuple[str, ...], kind: str, stamps: dict[str, int | None], actor: Actor
) -> list[Reason]:
    """Return a reason for each separation-of-duties guard the actor fails: checked against the
    actor and, through a delegation, against the delegator too; and against both the person
    stamped and the delegator they acted for."""
    reasons = []
    for name in guards:
        duty = _duty(record_type(kind).duties[name], GUARDS[name], stamps, actor)
        if duty is not None:
            reasons.append(Reason("separation_of_duties", duty))
    return reasons


def _duty(duty: str, guard: Guard, stamps: dict[str, int | None], actor: Actor) -> str | None:
    """The refusal's sentence if the capacity engages a person the guard's stamps name."""
    by, behalf = stamps.get(guard.column), stamps.get(guard.for_column)
    if by == actor.id and by is not None:
        return duty  # "Vous avez soumis…"
    if behalf == actor.id and behalf is not None:
        return _by_delegate(duty)  # the delegator back: their delegate did it for them
    delegator = actor.on_behalf_of
    if delegator is not None and delegator.delegator_id in (by, behalf):
        return _for_delegator(duty, delegator.delegator_label)
    return None


def _by_delegate(duty: str) -> str:
    """ "Vous avez soumis…" said of what the actor's delegate did for them."""
    head, _, tail = duty.partition(" : ")
    done = head.removeprefix("Vous avez ")
    return f"Votre délégué a {done} pour votre compte, par délégation : {tail}"


def _for_delegator(duty: str, label: str) -> str:
    """ "Vous avez soumis…" said of the delegator the actor acts for."""
    if duty.startswith("Vous avez "):
        return f"Vous agissez pour le compte de {label}, qui a {duty.removeprefix('Vous avez ')}"
    return f"Vous agissez pour le compte de {label} : {duty}"


def choose_capacity(
    actor: Actor, roles: frozenset[str], organisation_id: int | None, duties
) -> tuple[Actor | None, list[Reason]]:
    """Pick how the actor does an action allowed to `roles`: their own capacity first, then each
    delegation's, the first that holds a role and passes `duties(capacity)` (a list of reasons).

    Returns the capacity and [], or None and the reasons of the first capacity holding a role
    (else the role's reason)."""
    refused: list[Reason] | None = None
    for capacity in actor.capacities():
        if not any(capacity._holds_own(r, organisation_id) for r in roles):
            continue
        reasons = duties(capacity)
        if not reasons:
            return capacity, []
        refused = refused if refused is not None else reasons
    if refused is not None:
        return None, refused
    return None, [role_reason(roles, actor, organisation_id) or _no_role(roles)]


def _no_role(roles: frozenset[str]) -> Reason:
    groups = " et ".join(ROLE_GROUPS[r] for r in sorted(roles))
    return Reason("role_required", f"Action réservée {groups}.")
