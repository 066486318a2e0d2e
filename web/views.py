"""The home page (each user's work, or the sign-in page) and the health check."""

from flask import Blueprint, jsonify, redirect, url_for
from flask_login import current_user

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("worklist.index"))
    return redirect(url_for("account.sign_in"))


@blueprint.get("/health")
def health():
    return jsonify(status="ok")
