"""The home page and the health check; the full interface comes later."""

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import func, select

from engine.models import Pooling, Scheme

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
def home():
    database = current_app.extensions["maillage.db"]
    workflows = current_app.extensions["maillage.workflows"]
    with database.session() as session:
        counts = {
            "scheme": _counts(session, Scheme, workflows.current("scheme")),
            "pooling": _counts(session, Pooling, workflows.current("pooling")),
        }
    return render_template("home.html", counts=counts)


@blueprint.get("/health")
def health():
    return jsonify(status="ok")


def _counts(session, model, workflow) -> list[tuple[str, int]]:
    """Each state of the workflow, in file order, with how many records are in it."""
    rows = session.execute(select(model.state, func.count()).group_by(model.state))
    found = {state: number for state, number in rows}
    return [(state.label, found.get(name, 0)) for name, state in workflow.states.items()]
