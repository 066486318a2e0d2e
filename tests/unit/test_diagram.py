"""The workflow diagram: drawn from the definition, every state and arrow labelled, escaped."""

import xml.etree.ElementTree as ET
from html import escape

import pytest

from engine.rules.diagram import draw, layout
from engine.rules.workflow import default_registry, load_workflow

SVG = "{http://www.w3.org/2000/svg}"


def svg_tree(text: str) -> ET.Element:
    return ET.fromstring(text)


@pytest.mark.parametrize("name", ["scheme", "pooling"])
def test_every_state_and_transition_label_is_drawn(name):
    workflow = default_registry().current(name)
    svg = draw(workflow, title="Circuit")
    for state in workflow.states.values():
        assert f">{escape(state.label)}<" in svg
    texts = " ".join(" ".join(t.itertext()) for t in svg_tree(svg).iter(f"{SVG}text"))
    for transition in workflow.transitions:
        assert transition.label in texts


@pytest.mark.parametrize("name", ["scheme", "pooling"])
def test_one_arrow_per_pair_of_states(name):
    workflow = default_registry().current(name)
    pairs = {(s, t.dest) for t in workflow.transitions for s in t.sources}
    arrows = svg_tree(draw(workflow, title="Circuit")).findall(f".//{SVG}g[@class='transition']")
    assert {(a.get("data-de"), a.get("data-vers")) for a in arrows} == pairs
    assert len(arrows) == len(pairs)


def test_the_current_state_is_highlighted_and_only_it():
    workflow = default_registry().current("scheme")
    tree = svg_tree(draw(workflow, "reviewed", title="Circuit"))
    current = [g for g in tree.iter(f"{SVG}g") if "etat-courant" in (g.get("class") or "")]
    assert [g.get("data-etat") for g in current] == ["reviewed"]
    tree = svg_tree(draw(workflow, title="Circuit"))
    assert not [g for g in tree.iter(f"{SVG}g") if "etat-courant" in (g.get("class") or "")]


def test_final_states_are_marked():
    workflow = default_registry().current("pooling")
    tree = svg_tree(draw(workflow, title="Circuit"))
    groups = tree.iter(f"{SVG}g")
    finals = {g.get("data-etat") for g in groups if "etat-final" in g.get("class", "")}
    assert finals == {"approved", "rejected", "withdrawn"}


def test_accessible_and_scalable():
    workflow = default_registry().current("pooling")
    svg = draw(workflow, "proposed", title="Circuit d'une mutualisation", description="Actuel")
    root = svg_tree(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and len(root.get("viewBox").split()) == 4
    assert root.get("aria-labelledby") == "circuit-pooling-1-titre circuit-pooling-1-desc"
    assert root.find(f"{SVG}title").text == "Circuit d'une mutualisation"
    assert root.find(f"{SVG}desc").text == "Actuel"
    assert "style=" not in svg and "<script" not in svg


def test_the_spine_runs_down_the_middle():
    workflow = default_registry().current("scheme")
    plan = layout(workflow)
    spine = ["draft", "recorded", "reviewed", "proposed", "approved"]
    assert [plan.ranks[s] for s in spine] == [0, 1, 2, 3, 4]
    assert {plan.columns[s] for s in spine} == {0}
    assert plan.columns["changes_requested"] < 0 and plan.columns["rejected"] > 0
    xs = [plan.centres[s][0] for s in spine]
    ys = [plan.centres[s][1] for s in spine]
    assert len(set(xs)) == 1 and ys == sorted(ys)


def test_no_two_states_share_a_place_and_the_drawing_is_stable():
    for workflow in default_registry():
        plan = layout(workflow)
        assert len(set(plan.centres.values())) == len(workflow.states)
        assert draw(workflow, title="x") == draw(workflow, title="x")


def test_english_labels():
    workflow = default_registry().current("pooling")
    svg = draw(workflow, title="Workflow", english=True)
    assert ">abandoned<" in svg and ">abandonnée<" not in svg


def test_labels_are_escaped(tmp_path):
    path = tmp_path / "pooling.yaml"
    path.write_text(
        """
name: pooling
version: 7
label: m
label_en: p
initial: recorded
states:
  recorded: {label: "<b>enregistrée</b> & co", label_en: recorded}
  done: {label: "fin \\"ok\\"", label_en: done, final: true}
transitions:
  - {name: finish, label: "<script>alert(1)</script>", label_en: x, from: [recorded],
     to: done, roles: [cotech]}
""",
        encoding="utf-8",
    )
    svg = draw(load_workflow(path), "recorded", title="<i>t</i>", description="a & b")
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;b&gt;enregistrée&lt;/b&gt; &amp; co" in svg
    svg_tree(svg)  # still well-formed XML


def test_a_kept_drawing_equals_a_fresh_one_and_follows_state_and_language():
    from engine.rules.diagram import _draw

    workflow = default_registry().current("scheme")
    args = {"title": "Circuit", "description": "Actuel"}
    for state in (None, "draft", "reviewed"):
        for english in (False, True):
            kept = draw(workflow, state, english=english, **args)
            assert draw(workflow, state, english=english, **args) is kept
            assert kept == _draw(workflow, state, "Circuit", "Actuel", english, None)
    assert draw(workflow, "draft", **args) != draw(workflow, "reviewed", **args)
    assert draw(workflow, "draft", **args) != draw(workflow, "draft", english=True, **args)
    assert draw(workflow, "draft", **args) != draw(workflow, "draft", title="Autre")
