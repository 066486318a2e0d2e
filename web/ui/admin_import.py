"""Importing a census spreadsheet from the browser: upload, preview (a dry run), confirm.

Between the preview and the confirmation the file waits in the instance folder under a random
name tied to the administrator, so the confirmation imports exactly the file previewed.
"""

import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput, NotFound
from engine.importing.reader import MAX_BYTES, UnreadableFile
from engine.services.imports import plan_import, run_import
from web.context import actor, reading, writing
from web.security import body_limit
from web.ui.admin_common import organisations

# The file itself may weigh 20 MB; the multipart envelope and the other fields add a little.
UPLOAD_LIMIT = MAX_BYTES + 64 * 1024
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEPT_FOR = 24 * 3600  # seconds a previewed file waits for its confirmation


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
    token = _keep(content)
    return render_template(
        "ui/admin/import_report.html",
        report=report,
        token=token,
        filename=filename,
        organisation=organisation or "",
    )


def confirm_import():
    content = _take(request.form.get("token", ""))
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


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _keep(content: bytes) -> str:
    folder = _folder()
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - KEPT_FOR:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{actor().id}-{token}").write_bytes(content)
    return token


def _take(token: str) -> bytes:
    """Return the previewed file of this administrator and forget it; 404 if none."""
    if not TOKEN.match(token):
        raise NotFound()
    path = _folder() / f"{actor().id}-{token}"
    if not path.is_file():
        raise NotFound()
    content = path.read_bytes()
    path.unlink(missing_ok=True)
    return content
