"""Administration of sign-in blocks: the accounts the daily ceiling blocked, who tried, unblock."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.services import signin
from web.context import actor, reading, writing


def register(blueprint: Blueprint) -> None:
    """Add the blocked-accounts pages to the administration blueprint."""
    blueprint.add_url_rule("/connexions-bloquees", "blocked_accounts", blocked_list)
    blueprint.add_url_rule(
        "/connexions-bloquees/<int(max=2147483647):user_id>",
        "unblock_account",
        unblock,
        methods=["POST"],
    )


def blocked_list():
    blocked = signin.blocked_accounts(reading(), actor())
    return render_template(
        "ui/admin/blocked_accounts.html", blocked=blocked, ceiling=signin.ACCOUNT_CEILING.tries
    )


def unblock(user_id: int):
    try:
        with writing() as work:
            user = signin.unblock_sign_in(work, actor(), user_id)
    except InvalidInput:
        flash(_("Ce compte n'est pas bloqué."), "info")
        return redirect(url_for("admin.blocked_accounts"))
    flash(_("Le compte de %(email)s est débloqué.", email=user.email), "success")
    return redirect(url_for("admin.blocked_accounts"))
