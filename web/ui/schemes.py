"""(to be built)"""

from flask import Blueprint, render_template

from web.ui.common import signin_required

blueprint = signin_required(Blueprint("scheme", __name__))


@blueprint.get("/dispositifs/nouveau")
def new():
    return render_template("ui/placeholder.html", title="schemes")
