"""The circuits page: each workflow drawn from its file, its transitions and deadlines as text."""

from html import unescape

import pytest

from engine.rules.workflow import default_registry


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_anonymous_visitors_sign_in_first(browser):
    response = browser.get("/workflows")
    assert response.status_code == 302
    assert "/connexion?next=/workflows" in response.headers["Location"]


@pytest.mark.parametrize("user", ["owner", "cotech", "copil", "admin"])
def test_every_signed_in_user_sees_every_circuit(ui, user):
    response = ui(user).get("/workflows")
    assert response.status_code == 200
    text = page_text(response)
    assert "Circuit d'un dispositif" in text and "Circuit d'une mutualisation" in text
    assert "Circuit d'une séance" in text and "Circuit d'un objectif" in text
    assert text.count('role="img"') == 4


@pytest.mark.parametrize("name", ["scheme", "pooling"])
def test_every_state_and_transition_label_is_on_the_page(ui, name):
    text = page_text(ui("owner").get("/workflows"))
    workflow = default_registry().current(name)
    for state in workflow.states.values():
        assert f">{state.label}<" in text
    for transition in workflow.transitions:
        assert f">{transition.label}</th>" in text


def test_the_table_says_who_what_and_when(ui):
    text = page_text(ui("owner").get("/workflows"))
    assert "membre du COPIL (pas la personne qui l'a proposé)" in text
    assert "membre du COTECH (pas la personne qui l'a créé)" in text
    assert "Référence de la décision (obligatoire)" in text
    assert "commentaire (obligatoire)" in text
    assert "Courriel de contact ou Téléphone de contact" in text
    assert "15 jours" in text and "60 jours" in text
    assert "chaque dispositif membre est rattaché à la mutualisation" in text


def test_no_state_is_highlighted_on_the_circuits_page(ui):
    text = page_text(ui("owner").get("/workflows"))
    assert "etat-courant" not in text
    assert "style=" not in text and "<script" not in text


def test_the_partial_highlights_the_current_state(app):
    with app.test_request_context("/"):
        from flask import render_template

        html = render_template(
            "ui/workflow/_diagram.html", workflow="pooling", current_state="proposed"
        )
    assert 'class="etat etat-courant" data-etat="proposed"' in html
    assert "État actuel : proposée au COPIL." in unescape(html)
    assert "workflow.css" in html
