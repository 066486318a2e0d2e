"""Workflows as data: load a YAML file, validate it, build one shared state machine."""

from collections import deque
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from transitions import Machine

from engine.errors import WorkflowError
from engine.models.user import ROLES
from engine.records.registry import ATTACHED_TYPES, RECORD_TYPES
from engine.rules.effects import EFFECTS
from engine.rules.inputs import INPUT_TYPES, build_input_schema
from engine.rules.policy import GUARDS, STAMPS

WORKFLOW_DIR = Path(__file__).resolve().parents[2] / "workflows"


class _InputSchema(Schema):
    type = fields.String(required=True)
    required = fields.Boolean(load_default=False)
    max_length = fields.Integer(strict=True, validate=validate.Range(min=1, max=100_000))
    field = fields.String()


class _StateSchema(Schema):
    label = fields.String(required=True)
    label_en = fields.String(required=True)
    final = fields.Boolean(load_default=False)
    editors = fields.List(fields.String(), load_default=list)
    visible_to = fields.List(fields.String(), load_default=None)
    deadline_days = fields.Integer(strict=True, validate=validate.Range(min=1), load_default=None)
    requires = fields.List(fields.String(), load_default=list)
    # Who is told when a record enters the state (engine/notifications/dispatch.py).
    notify = fields.List(fields.String(), load_default=list)
    # Reminders and escalation of the deadline (engine/notifications/reminders.py).
    remind_before_days = fields.Integer(
        strict=True, validate=validate.Range(min=1), load_default=None
    )
    escalate_after_days = fields.Integer(
        strict=True, validate=validate.Range(min=1), load_default=None
    )
    escalate_to = fields.List(fields.String(), load_default=list)


class _TransitionSchema(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    label = fields.String(required=True)
    label_en = fields.String(required=True)
    sources = fields.List(
        fields.String(), data_key="from", required=True, validate=validate.Length(min=1)
    )
    to = fields.String(required=True)
    roles = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    guards = fields.List(fields.String(), load_default=list)
    stamp = fields.String(load_default=None)
    reopens = fields.Boolean(load_default=False)
    # Applied only by a meeting's service (closing a meeting of its committee), never alone.
    requires_meeting = fields.Boolean(load_default=False)
    effects = fields.List(fields.String(), load_default=list)
    inputs = fields.Dict(
        keys=fields.String(), values=fields.Nested(_InputSchema), load_default=dict
    )


class _WorkflowSchema(Schema):
    name = fields.String(required=True)
    version = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))
    label = fields.String(required=True)
    label_en = fields.String(required=True)
    initial = fields.String(required=True)
    states = fields.Dict(keys=fields.String(), values=fields.Nested(_StateSchema), required=True)
    transitions = fields.List(fields.Nested(_TransitionSchema), required=True)


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str
    required: bool = False
    max_length: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class StateDef:
    name: str
    label: str
    label_en: str
    final: bool = False
    editors: frozenset[str] = frozenset()
    visible_to: frozenset[str] | None = None
    deadline_days: int | None = None
    requires: tuple[str, ...] = ()
    # Who is told when a record enters this state: roles ("cotech", "secretary"…), "owner" for
    # the owners of the record's organisation, "members" for a meeting's convened members.
    notify: tuple[str, ...] = ()
    # The deadline's reminders: one `remind_before_days` before it, one when it has passed; and
    # `escalate_after_days` past it, one to the holders of the `escalate_to` roles.
    remind_before_days: int | None = None
    escalate_after_days: int | None = None
    escalate_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class TransitionDef:
    name: str
    label: str
    label_en: str
    sources: frozenset[str]
    dest: str
    roles: frozenset[str]
    guards: tuple[str, ...] = ()
    stamp: str | None = None
    effects: tuple[str, ...] = ()
    # Only a transition declared as a reopening may leave a final state.
    reopens: bool = False
    inputs: dict[str, InputSpec] = field(default_factory=dict)
    requires_meeting: bool = False


class Workflow:
    """A validated workflow definition and its one shared `transitions` machine."""

    def __init__(self, name, version, label, label_en, initial, states, transitions, source):
        self.name: str = name
        self.version: int = version
        self.label: str = label
        self.label_en: str = label_en
        self.initial: str = initial
        self.states: dict[str, StateDef] = states
        self.transitions: tuple[TransitionDef, ...] = transitions
        self.source = source
        self._by_key = {(t.name, s): t for t in transitions for s in t.sources}
        self.input_schemas = {
            (t.name, s): build_input_schema(t.name, t.inputs)()
            for t in transitions
            for s in t.sources
        }
        self.machine = Machine(
            model=None,
            states=list(states),
            transitions=[
                {"trigger": t.name, "source": sorted(t.sources), "dest": t.dest}
                for t in transitions
            ],
            initial=initial,
            auto_transitions=False,
        )

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.version)

    def names(self) -> list[str]:
        return list(dict.fromkeys(t.name for t in self.transitions))

    def definition(self, name: str, state: str) -> TransitionDef | None:
        """Return the transition `name` leaving `state`, if there is one."""
        return self._by_key.get((name, state))

    def definitions(self, name: str) -> list[TransitionDef]:
        return [t for t in self.transitions if t.name == name]

    def leaving(self, state: str) -> list[TransitionDef]:
        """Return every transition leaving `state`, in file order."""
        return [t for t in self.transitions if state in t.sources]

    def fire(self, holder: Any, name: str) -> None:
        """Fire the shared machine on an object with a `state` attribute; refuse a False result."""
        if not self.machine.events[name].trigger(holder):
            raise WorkflowError(f"{self.source}: la transition {name} a été refusée par la machine")


def load_workflow(path: Path) -> Workflow:
    """Load and validate one workflow file; raise WorkflowError naming the file and the problem."""
    where = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise WorkflowError(f"{where}: fichier illisible ({exc})") from exc
    if not isinstance(raw, dict):
        raise WorkflowError(f"{where}: le fichier doit décrire un workflow (un dictionnaire)")
    try:
        data = _WorkflowSchema().load(raw, unknown=RAISE)
    except ValidationError as exc:
        raise WorkflowError(f"{where}: structure invalide {exc.normalized_messages()}") from exc
    workflow = _build(data, where)
    _check_graph(workflow, where)
    return workflow


def _build(data: dict, where: str) -> Workflow:
    def fail(problem: str):
        raise WorkflowError(f"{where}: {problem}")

    record_type = RECORD_TYPES.get(data["name"]) or ATTACHED_TYPES.get(data["name"])
    if record_type is None:
        fail(f"type d'enregistrement inconnu « {data['name']} »")
    states = {name: _state(name, s, record_type, fail) for name, s in data["states"].items()}
    if data["initial"] not in states:
        fail(f"état initial inconnu « {data['initial']} »")
    transitions = tuple(_transition(t, states, record_type, fail) for t in data["transitions"])
    seen: set[tuple[str, str]] = set()
    for t in transitions:
        for s in t.sources:
            if (t.name, s) in seen:
                fail(f"transition « {t.name} » définie deux fois depuis l'état « {s} »")
            seen.add((t.name, s))
    return Workflow(
        data["name"],
        data["version"],
        data["label"],
        data["label_en"],
        data["initial"],
        states,
        transitions,
        where,
    )


def _state(name: str, s: dict, record_type, fail) -> StateDef:
    for role in [*s["editors"], *(s["visible_to"] or [])]:
        if role not in ROLES:
            fail(f"rôle inconnu « {role} » dans l'état « {name} »")
    for requirement in s["requires"]:
        for part in requirement.split("|"):
            if part not in record_type.requirements:
                fail(f"champ requis inconnu « {part} » dans l'état « {name} »")
    _check_notify(name, s["notify"], record_type, fail)
    _check_deadline_keys(name, s, fail)
    visible = frozenset(s["visible_to"]) if s["visible_to"] is not None else None
    return StateDef(
        name,
        s["label"],
        s["label_en"],
        s["final"],
        frozenset(s["editors"]),
        visible,
        s["deadline_days"],
        tuple(s["requires"]),
        tuple(dict.fromkeys(s["notify"])),
        remind_before_days=s["remind_before_days"],
        escalate_after_days=s["escalate_after_days"],
        escalate_to=tuple(dict.fromkeys(s["escalate_to"])),
    )


# Who `notify` may name besides the roles: a meeting's convened members and its secretary.
MEETING_MEMBERS = "members"


def _check_notify(name: str, notify: list[str], record_type, fail) -> None:
    for audience in notify:
        if audience == "owner" and record_type.organisation_column is None:
            fail(f"« owner » à prévenir dans l'état « {name} » d'un type sans structure")
        elif audience == MEETING_MEMBERS and record_type.name != "meeting":
            fail(f"« members » à prévenir dans l'état « {name} » : réservé aux séances")
        elif (
            audience not in ROLES
            and audience != MEETING_MEMBERS
            and audience not in getattr(record_type, "parties", ())
        ):
            fail(f"rôle inconnu « {audience} » à prévenir dans l'état « {name} »")


def _check_deadline_keys(name: str, s: dict, fail) -> None:
    """Reminders and escalation count from a deadline: the state must have one."""
    deadline, before = s["deadline_days"], s["remind_before_days"]
    if (before or s["escalate_after_days"] or s["escalate_to"]) and not deadline:
        fail(f"rappel ou escalade dans l'état « {name} » sans « deadline_days »")
    if before and deadline and before >= deadline:
        fail(f"« remind_before_days » de l'état « {name} » au-delà de son délai")
    if bool(s["escalate_after_days"]) != bool(s["escalate_to"]):
        fail(f"l'état « {name} » doit donner « escalate_after_days » et « escalate_to » ensemble")
    for role in s["escalate_to"]:
        if role not in ROLES or role == "owner":
            fail(f"rôle inconnu « {role} » pour l'escalade dans l'état « {name} »")


def _transition(t: dict, states: dict[str, StateDef], record_type, fail) -> TransitionDef:
    name = t["name"]
    _check_transition_states(t, states, fail)
    _check_registered(t, getattr(record_type, "parties", frozenset()), fail)
    inputs = _transition_inputs(t, record_type, fail)
    return TransitionDef(
        name,
        t["label"],
        t["label_en"],
        frozenset(t["sources"]),
        t["to"],
        frozenset(t["roles"]),
        tuple(t["guards"]),
        t["stamp"],
        tuple(t["effects"]),
        t["reopens"],
        inputs,
        t["requires_meeting"],
    )


def _check_transition_states(t: dict, states: dict[str, StateDef], fail) -> None:
    name = t["name"]
    for state in [*t["sources"], t["to"]]:
        if state not in states:
            fail(f"état inconnu « {state} » dans la transition « {name} »")
    for state in t["sources"]:
        if states[state].final and not t["reopens"]:
            fail(f"la transition « {name} » part de l'état final « {state} »")
        if t["reopens"] and not states[state].final:
            fail(f"la transition « {name} » rouvre l'état « {state} », qui n'est pas final")


# What a transition may name, each from its registry, with the French noun of its error.
_REGISTERED = (
    ("roles", ROLES, "rôle inconnu"),
    ("guards", GUARDS, "garde inconnue"),
    ("effects", EFFECTS, "effet inconnu"),
)


def _check_registered(t: dict, parties: frozenset[str], fail) -> None:
    for key, registry, unknown in _REGISTERED:
        for value in t[key]:
            if value not in registry and not (key == "roles" and value in parties):
                fail(f"{unknown} « {value} » dans la transition « {t['name']} »")
    if t["stamp"] is not None and t["stamp"] not in STAMPS:
        fail(f"marque inconnue « {t['stamp']} » dans la transition « {t['name']} »")


def _transition_inputs(t: dict, record_type, fail) -> dict[str, InputSpec]:
    name, inputs = t["name"], {}
    for key, spec in t["inputs"].items():
        if spec["type"] not in INPUT_TYPES:
            fail(f"type de saisie inconnu « {spec['type']} » pour « {key} » dans « {name} »")
        if spec.get("field") and spec["field"] not in record_type.input_fields:
            fail(f"champ inconnu « {spec['field']} » pour « {key} » dans « {name} »")
        inputs[key] = InputSpec(
            key, spec["type"], spec["required"], spec.get("max_length"), spec.get("field")
        )
    return inputs


def _check_graph(wf: Workflow, where: str) -> None:
    reachable, queue = {wf.initial}, deque([wf.initial])
    while queue:
        for t in wf.leaving(queue.popleft()):
            if t.dest not in reachable:
                reachable.add(t.dest)
                queue.append(t.dest)
    for name, state in wf.states.items():
        if name not in reachable:
            raise WorkflowError(f"{where}: état inatteignable « {name} »")
        if not state.final and not wf.leaving(name):
            raise WorkflowError(f"{where}: l'état non final « {name} » n'a aucune issue")


class WorkflowRegistry:
    """Every loaded workflow by (name, version); a name's newest version is its current one."""

    def __init__(self, workflows: list[Workflow]) -> None:
        self._all = {wf.key: wf for wf in workflows}
        if len(self._all) != len(workflows):
            raise WorkflowError("deux fichiers déclarent le même workflow et la même version")

    @classmethod
    def from_directory(cls, directory: Path = WORKFLOW_DIR) -> "WorkflowRegistry":
        files = sorted(Path(directory).glob("*.yaml"))
        if not files:
            raise WorkflowError(f"{directory}: aucun fichier de workflow")
        return cls([load_workflow(f) for f in files])

    def get(self, name: str, version: int) -> Workflow:
        try:
            return self._all[(name, version)]
        except KeyError:
            raise WorkflowError(f"workflow inconnu : {name} version {version}") from None

    def current(self, name: str) -> Workflow:
        versions = [wf for (n, _), wf in self._all.items() if n == name]
        if not versions:
            raise WorkflowError(f"workflow inconnu : {name}")
        return max(versions, key=lambda wf: wf.version)

    def __iter__(self):
        return iter(self._all.values())


@cache
def default_registry() -> WorkflowRegistry:
    """Return the workflows shipped in workflows/, loaded once per process."""
    return WorkflowRegistry.from_directory()
