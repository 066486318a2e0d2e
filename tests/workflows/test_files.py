"""Every workflow file loads and says what the spec's tables say; an invalid file is refused."""

import copy
from pathlib import Path

import pytest
import yaml

from engine.errors import WorkflowError
from engine.rules.workflow import WORKFLOW_DIR, WorkflowRegistry, default_registry, load_workflow

FILES = sorted(WORKFLOW_DIR.glob("*.yaml"))

# The spec's state tables: name -> (French label, final).
SCHEME_STATES = {
    "draft": ("brouillon", False),
    "recorded": ("enregistré", False),
    "changes_requested": ("à compléter", False),
    "reviewed": ("examiné par le COTECH", False),
    "proposed": ("proposé au COPIL", False),
    "approved": ("approuvé par le COPIL", True),
    "rejected": ("non retenu", True),
    "withdrawn": ("retiré", True),
}
POOLING_STATES = {
    "recorded": ("enregistrée", False),
    "reviewed": ("examinée par le COTECH", False),
    "proposed": ("proposée au COPIL", False),
    "approved": ("approuvée par le COPIL", True),
    "rejected": ("rejetée", True),
    "withdrawn": ("abandonnée", True),
}
# The meeting's states, as issue 10 names them (planned → convened → held → minutes approved).
MEETING_STATES = {
    "planned": ("prévue", False),
    "convened": ("convoquée", False),
    "held": ("tenue", False),
    "minutes_approved": ("procès-verbal approuvé", True),
    "cancelled": ("annulée", True),
}
# An opinion asked of a service (issue 13): requested → answered, or withdrawn by the COTECH.
OPINION_STATES = {
    "requested": ("demandé", False),
    "answered": ("rendu", True),
    "withdrawn": ("retiré", True),
}
# The objective's states, as issue 11 names them (draft → adopted → achieved | abandoned).
OBJECTIVE_STATES = {
    "draft": ("projet", False),
    "adopted": ("adopté par le COPIL", False),
    "achieved": ("atteint", True),
    "abandoned": ("abandonné", True),
}
EXPECTED = {
    "objective": ("draft", "objectif", OBJECTIVE_STATES),
    "scheme": ("draft", "dispositif", SCHEME_STATES),
    "pooling": ("recorded", "mutualisation", POOLING_STATES),
    "meeting": ("planned", "séance", MEETING_STATES),
    "opinion": ("requested", "avis", OPINION_STATES),
}
# The spec's French labels of the scheme's transitions.
SCHEME_TRANSITION_LABELS = {
    "submit": "soumettre",
    "request_changes": "demander des compléments",
    "review": "valider l'examen",
    "propose": "proposer au COPIL",
    "approve": "approuver",
    "send_back": "renvoyer au COTECH",
    "reject": "ne pas retenir",
    "withdraw": "retirer",
    "reopen": "rouvrir",
}


def test_the_project_ships_one_file_per_workflow_of_the_spec():
    assert {load_workflow(path).name for path in FILES} == set(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflow_file_loads_with_the_spec_states(path):
    workflow = load_workflow(path)
    initial, label, states = EXPECTED[workflow.name]
    assert workflow.version >= 1
    assert workflow.label == label
    assert workflow.initial == initial
    assert {name: (s.label, s.final) for name, s in workflow.states.items()} == states


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_machine_has_no_shortcut_bypassing_the_rules(path):
    workflow = load_workflow(path)
    assert set(workflow.machine.events) == set(workflow.names())


def test_scheme_transitions_have_the_spec_french_labels():
    workflow = load_workflow(WORKFLOW_DIR / "scheme.yaml")
    assert {t.name: t.label for t in workflow.transitions} == SCHEME_TRANSITION_LABELS


# The COPIL decides in session only (issue 10): its transitions are applied by closing a
# meeting, never by one member's click; a meeting's close and the approval of its minutes go
# through the meeting services too. Name, source state.
IN_SESSION_ONLY = {
    "scheme": {("approve", "proposed"), ("send_back", "proposed"), ("reject", "proposed")},
    "pooling": {("approve", "proposed"), ("send_back", "proposed"), ("reject", "proposed")},
    "meeting": {("close", "convened"), ("approve_minutes", "held")},
    "opinion": set(),
    # A meeting's agenda carries schemes and poolings only: a COPIL member adopts an objective.
    "objective": set(),
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_committee_decisions_are_made_in_session_only(path):
    workflow = load_workflow(path)
    flagged = {
        (t.name, source) for t in workflow.transitions if t.requires_meeting for source in t.sources
    }
    assert flagged == IN_SESSION_ONLY[workflow.name]
    # Every transition of the COPIL is one of them: the rule is in the file, not in the code.
    # (An objective's are not: a meeting's agenda carries schemes and poolings only.)
    if workflow.name != "objective":
        assert all(t.requires_meeting for t in workflow.transitions if "copil" in t.roles)


def test_default_registry_serves_the_newest_version_of_each_workflow():
    registry = WorkflowRegistry.from_directory()
    assert {wf.name for wf in registry} == set(EXPECTED)
    assert registry.current("scheme").initial == "draft"


def test_two_files_with_the_same_workflow_and_version_are_refused():
    workflow = load_workflow(WORKFLOW_DIR / "scheme.yaml")
    with pytest.raises(WorkflowError, match="même workflow et la même version"):
        WorkflowRegistry([workflow, load_workflow(WORKFLOW_DIR / "scheme.yaml")])


def test_a_directory_without_workflow_files_is_refused(tmp_path):
    with pytest.raises(WorkflowError, match="aucun fichier de workflow"):
        WorkflowRegistry.from_directory(tmp_path)


# ---- invalid files ---------------------------------------------------------------------------


def _scheme() -> dict:
    return yaml.safe_load((WORKFLOW_DIR / "scheme.yaml").read_text(encoding="utf-8"))


def _transition(data: dict, name: str, source: str | None = None) -> dict:
    return next(
        t
        for t in data["transitions"]
        if t["name"] == name and (source is None or source in t["from"])
    )


def _refused(tmp_path: Path, data, *fragments: str, text: str | None = None) -> str:
    path = tmp_path / "broken.yaml"
    path.write_text(text if text is not None else yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(WorkflowError) as caught:
        load_workflow(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    return message


def test_unmodified_dump_loads(tmp_path):
    """The mutations below start from a dump that loads: each refusal is due to its mutation."""
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(_scheme(), allow_unicode=True))
    assert load_workflow(path).name == "scheme"


def test_unknown_state_in_a_transition_source_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "review")["from"] = ["recorded", "limbo"]
    _refused(tmp_path, data, "état inconnu « limbo »", "« review »")


def test_unknown_state_as_a_transition_destination_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "review")["to"] = "limbo"
    _refused(tmp_path, data, "état inconnu « limbo »", "« review »")


def test_unknown_initial_state_is_refused(tmp_path):
    data = _scheme()
    data["initial"] = "limbo"
    _refused(tmp_path, data, "état initial inconnu « limbo »")


def test_unreachable_state_is_refused(tmp_path):
    data = _scheme()
    data["states"]["archived"] = {"label": "archivé", "label_en": "archived", "final": True}
    _refused(tmp_path, data, "état inatteignable « archived »")


def test_non_final_state_without_a_way_out_is_refused(tmp_path):
    data = _scheme()
    data["states"]["approved"]["final"] = False
    _refused(tmp_path, data, "l'état non final « approved » n'a aucune issue")


def test_transition_leaving_a_final_state_without_reopens_is_refused(tmp_path):
    data = _scheme()
    del _transition(data, "reopen")["reopens"]
    _refused(tmp_path, data, "la transition « reopen » part de l'état final")


def test_new_transition_leaving_an_approved_record_is_refused(tmp_path):
    data = _scheme()
    data["transitions"].append(
        {
            "name": "unapprove",
            "label": "désapprouver",
            "label_en": "unapprove",
            "from": ["approved"],
            "to": "proposed",
            "roles": ["copil"],
        }
    )
    _refused(tmp_path, data, "la transition « unapprove » part de l'état final « approved »")


def test_reopening_a_state_that_is_not_final_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "submit")["reopens"] = True
    _refused(tmp_path, data, "« submit » rouvre l'état")


def test_unknown_role_in_a_transition_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "review")["roles"] = ["cotech", "chef"]
    _refused(tmp_path, data, "rôle inconnu « chef »", "« review »")


def test_unknown_role_among_a_state_editors_is_refused(tmp_path):
    data = _scheme()
    data["states"]["draft"]["editors"] = ["porteur"]
    _refused(tmp_path, data, "rôle inconnu « porteur »", "« draft »")


def test_unknown_input_type_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "request_changes")["inputs"]["comment"]["type"] = "markdown"
    _refused(tmp_path, data, "type de saisie inconnu « markdown »", "« comment »")


def test_input_mapped_to_an_unknown_field_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "approve")["inputs"]["decision_reference"]["field"] = "state"
    _refused(tmp_path, data, "champ inconnu « state »", "« approve »")


def test_unknown_guard_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "review")["guards"] = ["not_my_friend"]
    _refused(tmp_path, data, "garde inconnue « not_my_friend »", "« review »")


def test_unknown_effect_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "approve")["effects"] = ["send_mail"]
    _refused(tmp_path, data, "effet inconnu « send_mail »", "« approve »")


def test_effect_given_as_an_import_path_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "approve")["effects"] = ["os.system"]
    _refused(tmp_path, data, "effet inconnu « os.system »")


def test_unknown_stamp_is_refused(tmp_path):
    data = _scheme()
    _transition(data, "submit")["stamp"] = "approved_by"
    _refused(tmp_path, data, "marque inconnue « approved_by »")


def test_unknown_required_field_is_refused(tmp_path):
    data = _scheme()
    data["states"]["recorded"]["requires"] = ["title", "budget"]
    _refused(tmp_path, data, "champ requis inconnu « budget »", "« recorded »")


def test_misspelt_key_is_refused(tmp_path):
    data = _scheme()
    transition = _transition(data, "review")
    transition["form"] = transition.pop("from")
    _refused(tmp_path, data, "structure invalide", "form")


def test_workflow_of_an_unknown_record_type_is_refused(tmp_path):
    data = _scheme()
    data["name"] = "subvention"
    _refused(tmp_path, data, "type d'enregistrement inconnu « subvention »")


def test_bad_yaml_is_refused(tmp_path):
    _refused(tmp_path, None, "fichier illisible", text="name: scheme\nstates: [draft\n")


@pytest.mark.parametrize("text", ["- draft\n- recorded\n", "scheme\n", ""], ids=repr)
def test_file_that_is_not_a_mapping_is_refused(tmp_path, text):
    _refused(tmp_path, None, "le fichier doit décrire un workflow", text=text)


def test_same_transition_twice_from_one_state_is_refused(tmp_path):
    data = _scheme()
    twin = copy.deepcopy(_transition(data, "reject", "proposed"))
    twin["from"] = ["reviewed"]
    data["transitions"].append(twin)
    _refused(tmp_path, data, "transition « reject » définie deux fois depuis l'état « reviewed »")


def test_missing_file_is_refused(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(WorkflowError, match="fichier illisible") as caught:
        load_workflow(path)
    assert str(path) in str(caught.value)


def test_who_is_notified_on_entering_a_state_is_exposed():
    registry = default_registry()
    scheme, pooling = registry.current("scheme"), registry.current("pooling")
    meeting = registry.current("meeting")
    assert {n: s.notify for n, s in scheme.states.items() if s.notify} == {
        "recorded": ("cotech",),
        "changes_requested": ("owner",),
        "reviewed": ("cotech",),
        "proposed": ("secretary",),
        "approved": ("owner",),
        "rejected": ("owner",),
    }
    assert pooling.states["proposed"].notify == ("secretary",)
    assert pooling.states["withdrawn"].notify == ()
    assert meeting.states["convened"].notify == ("members",)
    assert meeting.states["minutes_approved"].notify == ("members",)


def test_unknown_role_to_notify_is_refused(tmp_path):
    data = _scheme()
    data["states"]["recorded"]["notify"] = ["cotech", "chef"]
    _refused(tmp_path, data, "rôle inconnu « chef » à prévenir", "« recorded »")


def test_meeting_members_to_notify_only_on_a_meeting(tmp_path):
    data = _scheme()
    data["states"]["recorded"]["notify"] = ["members"]
    _refused(tmp_path, data, "réservé aux séances")
