"""(to be built)"""

from flask import Blueprint, render_template

from web.ui.common import signin_required

blueprint = signin_required(Blueprint("workflow", __name__))


@blueprint.get("/workflows")
def index():
    return render_template("ui/placeholder.html", title="workflows")
