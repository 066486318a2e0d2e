"""Importing a census spreadsheet from the browser: upload, preview (a dry run), confirm.

Between the preview and the confirmation the file waits in the instance folder (web/uploads.py),
so the confirmation imports exactly the file previewed.
"""

from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.importing.reader import MAX_BYTES, UnreadableFile
from engine.services.imports import plan_import, run_import
from web.context import actor, reading, writing
from web.security import body_limit
from web.ui.admin_common import organisations
from web.uploads import keep, taken

# The file itself may weigh 20 MB; the multipart envelope and the other fields add a little.
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024
KEPT = "imports"


def register(blueprint: Blueprint) -> None:
    """Add the import pages to the administration blueprint."""
    blueprint.add_url_rule("/import", "import_form", import_form)
    blueprint.add_url_rule(
        "/import", "preview_import", body_limit(UPLOAD_LIMIT)(preview_import), methods=["POST"]
    )
    blueprint.add_url_rule("/import/confirmer", "confirm_import", confirm_import, methods=["POST"])


def import_form(errors: dict | None = None, status: int = 200):
    page = render_template(
        "ui/admin/import.html",
        organisations=organisations(),
        errors=errors or {},
        form=request.form,
    )
    return page, status


def preview_import():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return import_form({"file": [_("Choisissez un fichier CSV ou XLSX.")]}, 422)
    content = upload.read()
    filename = Path(upload.filename).name[:200]
    organisation = request.form.get("organisation") or None
    try:
        report = plan_import(reading(), actor(), content, filename, organisation=organisation)
    except (UnreadableFile, InvalidInput) as refused:
        return import_form({"file": [_message(refused)]}, 422)
    token = keep(KEPT, lambda path: path.write_bytes(content))
    return render_template(
        "ui/admin/import_report.html",
        report=report,
        token=token,
        filename=filename,
        organisation=organisation or "",
    )


def confirm_import():
    with taken(KEPT, request.form.get("token", "")) as path:
        content = path.read_bytes()
    filename = request.form.get("filename", "")[:200] or "import"
    try:
        with writing() as work:
            report = run_import(
                work,
                actor(),
                content,
                filename,
                organisation=request.form.get("organisation") or None,
                strict=request.form.get("strict") == "1",
            )
    except (UnreadableFile, InvalidInput) as refused:
        flash(_message(refused), "error")
        return redirect(url_for("admin.import_form"))
    return render_template("ui/admin/import_report.html", report=report, token=None)


def _message(error: Exception) -> str:
    if isinstance(error, InvalidInput):
        details = [m for messages in error.errors.values() for m in messages]
        return " ".join([error.message, *details[:5]]).strip()
    return str(error)
