"""Administration of the vocabularies: themes, publics, aid types (codes stay, labels change)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from engine.errors import InvalidInput
from engine.models import VOCABULARIES
from engine.services import vocabularies
from web.context import actor, reading, writing

TITLES = {
    "theme": lazy_gettext("Thématiques"),
    "public": lazy_gettext("Publics cibles"),
    "aid_type": lazy_gettext("Natures de l'aide"),
}


def register(blueprint: Blueprint) -> None:
    """Add the vocabulary pages to the administration blueprint."""
    blueprint.add_url_rule("/vocabulaires", "vocabularies", vocabulary_list)
    blueprint.add_url_rule(
        "/vocabulaires/<any(theme, public, aid_type):vocabulary>",
        "add_term",
        add_term,
        methods=["POST"],
    )
    blueprint.add_url_rule(
        "/vocabulaires/termes/<int(max=2147483647):term_id>",
        "edit_term",
        edit_term,
        methods=["POST"],
    )


def vocabulary_list():
    return _page()


def add_term(vocabulary: str):
    form = request.form
    try:
        with writing() as work:
            term = vocabularies.add_term(
                work,
                actor(),
                vocabulary,
                form.get("code", ""),
                form.get("label_fr", ""),
                form.get("label_en", ""),
            )
    except InvalidInput as invalid:
        return _page(errors={vocabulary: invalid.errors}, form={vocabulary: form}), 422
    flash(_("Le terme « %(label)s » a été ajouté.", label=term.label_fr), "success")
    return redirect(url_for("admin.vocabularies", _anchor=vocabulary))


def edit_term(term_id: int):
    form = request.form
    try:
        with writing() as work:
            term = vocabularies.edit_term(
                work, actor(), term_id, form.get("label_fr", ""), form.get("label_en", "")
            )
    except InvalidInput as invalid:
        return _page(term_errors={term_id: invalid.errors}, term_form={term_id: form}), 422
    flash(_("Le terme « %(code)s » a été enregistré.", code=term.code), "success")
    return redirect(url_for("admin.vocabularies", _anchor=f"terme-{term_id}"))


def _page(**context) -> str:
    terms = {name: vocabularies.vocabulary_terms(reading(), name) for name in VOCABULARIES}
    for key in ("errors", "form", "term_errors", "term_form"):
        context.setdefault(key, {})
    return render_template("ui/admin/vocabularies.html", terms=terms, titles=TITLES, **context)
