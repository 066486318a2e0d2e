"""Audit events as the log page shows them: French actions, the record's link, each change."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from engine.documents.display import INPUT_LABELS, Display, field_label
from engine.documents.timeline import actor_names, delegator_id, people
from engine.models import AuditEvent
from engine.records import registry
from web.context import workflows
from web.ui.records import record_url
from web.ui.workflows import english, nouns


def _kind_label(kind: str) -> LazyString:
    return LazyString(lambda: nouns(kind).label)


# What the log may hold: the registry's record types (named in the page's language), then others.
RECORD_TYPES = {
    **{kind: _kind_label(kind) for kind in registry.RECORD_TYPES},
    "user": _l("Utilisateur"),
    "organisation": _l("Structure"),
    "vocabulary_term": _l("Terme de vocabulaire"),
    "import": _l("Import"),
    "export": _l("Export"),
    "notification": _l("Notification"),
    "opinion": _l("Avis"),
    "committee_note": _l("Note du comité"),
    "candidate": _l("Piste de mutualisation"),
    "diagnostic": _l("Diagnostic"),
}
# What is logged about a record without being it: its events name the record in `data`.
ATTACHED = ("opinion", "committee_note")
# Actions other than the workflows' transitions, whose labels come from the workflow files.
ACTIONS = {
    "create": _l("création"),
    "edit": _l("modification"),
    "comment": _l("commentaire"),
    "opinion_request": _l("demande d'avis"),
    "note": _l("note du comité"),
    "link_pooling": _l("rattachement à une mutualisation"),
    "dismiss": _l("piste écartée"),
    "diagnostic_import": _l("import de statistiques du SSMSI"),
    "diagnostic_note": _l("note du COTECH sur le diagnostic"),
    "print": _l("impression"),
    "update": _l("modification de la séance"),
    "add_item": _l("inscription à l'ordre du jour"),
    "remove_item": _l("retrait de l'ordre du jour"),
    "move_item": _l("déplacement dans l'ordre du jour"),
    "attendance": _l("relevé de présence"),
    "declare_conflict": _l("déclaration d'un conflit d'intérêts"),
    "record_decision": _l("décision en séance"),
    "edit_minutes": _l("modification du procès-verbal"),
    "import": _l("import"),
    "export": _l("export"),
    "sign_in": _l("connexion"),
    "sign_in_failed": _l("échec de connexion"),
    "sign_in_refused": _l("connexion refusée (trop de tentatives)"),
    "sign_in_blocked": _l("compte bloqué (trop d'échecs de connexion)"),
    "sign_in_unblocked": _l("compte débloqué"),
    "sign_out": _l("déconnexion"),
    "password_change": _l("changement de mot de passe"),
    "password_reset": _l("réinitialisation du mot de passe"),
    "user_create": _l("création d'un compte"),
    "user_roles": _l("changement de rôles"),
    "user_organisation": _l("changement de structure"),
    "user_notification_frequency": _l("changement de fréquence des notifications"),
    "user_deactivate": _l("désactivation d'un compte"),
    "user_reactivate": _l("réactivation d'un compte"),
    "token_create": _l("création d'un jeton d'API"),
    "delegation_create": _l("délégation de rôles"),
    "delegation_revoke": _l("fin anticipée d'une délégation"),
    "token_revoke": _l("révocation d'un jeton d'API"),
    "organisation_create": _l("création d'une structure"),
    "organisation_edit": _l("modification d'une structure"),
    "vocabulary_term_create": _l("ajout d'un terme de vocabulaire"),
    "vocabulary_term_edit": _l("modification d'un terme de vocabulaire"),
    "notification_resend": _l("renvoi d'une notification en échec"),
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class LogLine:
    position: int
    occurred_at: datetime
    actor: str
    actor_email: str | None
    action: str
    record_type: str
    record: str
    record_url: str | None
    states: tuple[str, str] | None
    comment: str | None
    details: list[tuple[str, str]]
    changes: list[Change]


def action_choices() -> list[tuple[str, str]]:
    """Every action the log may hold, with its French label, for the filter."""
    choices = {code: str(label) for code, label in ACTIONS.items()}
    for name in registry.RECORD_TYPES:
        for t in workflows().current(name).transitions:
            choices.setdefault(t.name, _label(t))
    return sorted(choices.items(), key=lambda item: item[1])


def action_label(record_type: str, code: str) -> str:
    """Return an action's label: the transition's own for a scheme or pooling, else a known one."""
    if record_type in registry.RECORD_TYPES or record_type in registry.ATTACHED_TYPES:
        found = workflows().current(record_type).definitions(code)
        if found:
            return _label(found[0])
    return str(ACTIONS.get(code, code))


def log_lines(session: Session, events: list[AuditEvent]) -> list[LogLine]:
    """Return the page's events in French, ready to show."""
    display = Display(session)
    names = actor_names(session, people(events))
    return [_line(e, names, display) for e in events]


def _line(event: AuditEvent, names, display: Display) -> LogLine:
    name, email = names.get(event.actor_id, (event.actor_label or _("système"), None))
    if (delegator := delegator_id(event)) in names:
        name = _("%(name)s pour le compte de %(other)s", name=name, other=names[delegator][0])
    return LogLine(
        event.position,
        event.occurred_at,
        name,
        email,
        action_label(event.record_type, event.action),
        str(RECORD_TYPES.get(event.record_type, event.record_type)),
        event.record_reference or (f"n°{event.record_id}" if event.record_id else "—"),
        _record_url(event),
        _states(event),
        event.comment,
        [
            (_(INPUT_LABELS.get(key, field_label(event.record_type, key))), display.value(key, v))
            for key, v in (event.inputs or {}).items()
        ],
        [
            Change(
                field_label(event.record_type, key),
                display.value(key, change.get("before") if isinstance(change, dict) else None),
                display.value(key, change.get("after") if isinstance(change, dict) else change),
            )
            for key, change in (event.changes or {}).items()
        ],
    )


def _record_url(event: AuditEvent) -> str | None:
    if event.record_type in ATTACHED and isinstance(event.data, dict):
        kind, record_id = event.data.get("record_type"), event.data.get("record_id")
        if kind in registry.RECORD_TYPES and isinstance(record_id, int):
            return record_url(kind, record_id)
    if event.record_type not in registry.RECORD_TYPES or event.record_id is None:
        return None
    return record_url(event.record_type, event.record_id)


def _states(event: AuditEvent) -> tuple[str, str] | None:
    if event.record_type not in registry.RECORD_TYPES or event.to_state is None:
        return None
    states = workflows().current(event.record_type).states
    return (_state(states, event.from_state), _state(states, event.to_state))


def _state(states: dict, name: str | None) -> str:
    if name is None:
        return "—"
    found = states.get(name)
    if found is None:
        return name
    return found.label_en if english() else found.label


def _label(transition) -> str:
    return transition.label_en if english() else transition.label
