""" "À traiter" (/a-traiter): the records awaiting the signed-in user, the home page."""

from flask import Blueprint, render_template

from engine.queries.worklist import opinion_work, worklist
from web.context import actor, reading, workflows
from web.ui.common import signin_required
from web.ui.records import record_url

blueprint = signin_required(Blueprint("worklist", __name__))


@blueprint.get("/a-traiter")
def index():
    work = reading()
    found = worklist(work.session, actor(), work.clock(), workflows())
    opinions = opinion_work(work.session, actor(), work.clock())
    return render_template(
        "ui/worklist/index.html", worklist=found, opinions=opinions, record_url=record_url
    )
