""" "À traiter" (/a-traiter): the records awaiting the signed-in user, the home page."""

from flask import Blueprint, render_template, url_for
from werkzeug.routing import BuildError

from engine.queries.worklist import worklist
from web.context import actor, reading, workflows
from web.ui.common import signin_required

blueprint = signin_required(Blueprint("worklist", __name__))
# Each record's page: endpoint, its argument, and the address the interface's plan fixes for it.
PAGES = {
    "scheme": ("scheme.show", "scheme_id", "/dispositifs/{}"),
    "pooling": ("pooling.show", "pooling_id", "/mutualisations/{}"),
}


@blueprint.get("/a-traiter")
def index():
    work = reading()
    found = worklist(work.session, actor(), work.clock(), workflows())
    return render_template("ui/worklist/index.html", worklist=found, record_url=record_url)


def record_url(kind: str, record_id: int) -> str:
    """Return a record's page; its fixed address while the page's module is being built."""
    endpoint, argument, address = PAGES[kind]
    try:
        return url_for(endpoint, **{argument: record_id})
    except BuildError:
        return address.format(record_id)
