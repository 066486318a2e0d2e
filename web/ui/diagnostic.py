"""Le diagnostic (/diagnostic): the SSMSI's recorded crime per commune beside the inventory's
coverage, a tile map, the gaps, exports; and the import of the SSMSI's files (COTECH, admins).

Everyone signed in reads the diagnostic. The choice of indicator and year lives in the address,
so a view can be bookmarked, shared and exported as it is shown.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.diagnostic import tiles
from engine.diagnostic.indicators import indicators
from engine.errors import InvalidInput
from engine.exporting import diagnostic as export
from engine.objectives.services import SETTERS as OBJECTIVE_SETTERS
from engine.queries.diagnostic import (
    Diagnostic,
    diagnostic,
    imports,
    invented,
    notes,
    sources,
)
from engine.services.committee_notes import may_read_notes
from engine.services.diagnostic import (
    IMPORTERS,
    NOTE_WRITERS,
    DiagnosticRejected,
    add_note,
    import_diagnostic,
    may_write_notes,
    preview_diagnostic,
)
from web.context import actor, reading, writing
from web.security import body_limit
from web.ui.common import english, roles_required, send_table, signin_required
from web.uploads import forget, keep, kept, taken

blueprint = signin_required(Blueprint("diagnostic", __name__, url_prefix="/diagnostic"))

EXPORTS = {"csv": export.write_csv, "xlsx": export.write_xlsx}
# The national communal file (every French commune, every year) weighs about 400 MB unpacked.
UPLOAD_LIMIT = 1024 * 1024 * 1024
KEPT = "diagnostic"
RECENT_IMPORTS = 5  # listed at the foot of the page
# The map's drawing, in SVG units.
TILE, STEP = 56, 60
# Five classes of rate, light to dark (ColorBrewer's "Oranges", readable in grey when printed).
COLOURS = ("#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603")
DARK_FROM = 3  # classes from which the tile's text is written white


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    label: str
    x: int
    y: int
    fill: str | None  # None: withheld or absent (drawn hatched or blank)
    dark: bool
    withheld: bool
    gap: bool
    rate: Decimal | None


@dataclass(frozen=True)
class Legend:
    fill: str
    low: Decimal
    high: Decimal


def _chosen() -> tuple[str | None, int | None]:
    year = request.args.get("annee", "")
    return request.args.get("indicateur") or None, int(year) if year.isdigit() else None


@blueprint.get("")
def index():
    return _page(*_chosen())


@blueprint.post("/notes")
@roles_required(*NOTE_WRITERS)
def add_note_view():
    form = request.form
    indicator, year = form.get("indicateur", ""), form.get("annee", "")
    commune = form.get("commune", "")
    try:
        with writing() as work:
            add_note(
                work,
                actor(),
                commune,
                indicator,
                int(year) if year.isdigit() else 0,
                form.get("body", ""),
            )
    except InvalidInput as refused:
        errors = [m for messages in refused.errors.values() for m in messages]
        return _page(indicator, int(year) if year.isdigit() else None, (commune, errors), 422)
    flash(_("Note enregistrée."), "success")
    return redirect(url_for(".index", indicateur=indicator, annee=year, _anchor=f"notes-{commune}"))


def _page(indicator, year, refused: tuple | None = None, status: int = 200):
    """The page; `refused` is a note sent back with its errors (its text is kept)."""
    work = reading()
    result = diagnostic(work.session, indicator, year)
    who = actor()
    readable = may_read_notes(who) and result.indicator is not None
    query = {"indicateur": result.indicator.name, "annee": result.year} if result.indicator else {}
    classes = _classes(result)
    events = imports(work.session)
    origin = sources(events, result.year)
    return render_template(
        "ui/diagnostic/index.html",
        result=result,
        tiles=_tiles(result, classes),
        names=_names(result),
        legend=classes,
        width=tiles.COLUMNS * STEP,
        height=tiles.ROWS * STEP,
        tile=TILE,
        imports=events[:RECENT_IMPORTS],
        sources=origin,
        invented=invented(origin),
        importer=bool(who.roles & IMPORTERS),
        csv_url=url_for(".export_view", format="csv", **query),
        xlsx_url=url_for(".export_view", format="xlsx", **query),
        notes=notes(work.session, result.indicator.name, result.year) if readable else {},
        note_writer=may_write_notes(who),
        objective_setter=bool(who.roles & OBJECTIVE_SETTERS),
        objective_url=partial(_objective_url, result),
        refused=refused,
        form=request.form,
    ), status


@blueprint.get("/export")
def export_view():
    fmt = request.args.get("format", "")
    if fmt not in EXPORTS:
        abort(404)
    result = diagnostic(reading().session, *_chosen())
    if result.empty:
        abort(404)
    return send_table(fmt, f"diagnostic-{result.year}", lambda out: EXPORTS[fmt](result, out))


def _objective_url(result: Diagnostic, line) -> str:
    """The new objective's form, filled for a gap: its commune, the matching themes, a title."""
    title = _("%(indicator)s à %(commune)s", indicator=result.indicator.name, commune=line.name)
    return url_for(
        "objective.new",
        title=title,
        territory=f"COM-{line.code}",
        themes=list(result.indicator.themes),
    )


def _names(result: Diagnostic) -> dict[str, str]:
    """The indicators' names as shown: the SSMSI's French ones, or their English labels."""
    known = indicators()
    return {
        name: known[name].label_en if english() and name in known else name
        for name in result.choices
    }


def _classes(result: Diagnostic) -> list[Legend]:
    """Five classes of equal width from 0 to the highest published rate."""
    top = result.highest_rate
    if not top:
        return []
    width = top / len(COLOURS)
    return [Legend(colour, width * i, width * (i + 1)) for i, colour in enumerate(COLOURS)]


def _tiles(result: Diagnostic, classes: list[Legend]) -> list[Tile]:
    out = []
    for line in result.lines:
        column, row, label = tiles.TILES[line.code]
        figure = line.figure
        rate = figure.rate if figure is not None and figure.published else None
        index = _class_of(rate, classes)
        out.append(
            Tile(
                line.code,
                line.name,
                label,
                column * STEP,
                row * STEP,
                COLOURS[index] if index is not None else None,
                index is not None and index >= DARK_FROM,
                line.withheld,
                line.gap,
                rate,
            )
        )
    return out


def _class_of(rate: Decimal | None, classes: list[Legend]) -> int | None:
    if rate is None or not classes:
        return None
    for index, legend in enumerate(classes):
        if rate <= legend.high:
            return index
    return len(classes) - 1


@blueprint.get("/import")
@roles_required(*IMPORTERS)
def import_form(errors: list[str] | None = None, status: int = 200):
    return render_template("ui/diagnostic/import.html", errors=errors or []), status


@blueprint.post("/import")
@roles_required(*IMPORTERS)
@body_limit(UPLOAD_LIMIT)
def preview_import():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return import_form([_("Choisissez un fichier CSV du SSMSI.")], 422)
    name = Path(upload.filename).name[:200]
    token = keep(KEPT, upload.save)
    try:
        with kept(KEPT, token).open("rb") as stream:
            result = preview_diagnostic(reading(), actor(), stream, name)
    except DiagnosticRejected as refused:
        forget(KEPT, token)
        return import_form(_refusal(refused), 422)
    return render_template("ui/diagnostic/preview.html", result=result, token=token, name=name)


@blueprint.post("/import/confirmer")
@roles_required(*IMPORTERS)
def confirm_import():
    name = request.form.get("name", "")[:200] or "ssmsi.csv"
    try:
        token = request.form.get("token", "")
        with taken(KEPT, token) as path, path.open("rb") as stream, writing() as work:
            result = import_diagnostic(work, actor(), stream, name)
    except DiagnosticRejected as refused:
        return import_form(_refusal(refused), 422)
    flash(
        _(
            "Statistiques importées : %(count)s chiffres (dont %(withheld)s non diffusés).",
            count=len(result.file.figures),
            withheld=result.file.withheld,
        ),
        "success",
    )
    return redirect(url_for(".index"))


def _refusal(refused: DiagnosticRejected) -> list[str]:
    errors = list(refused.file.errors)
    if refused.file.more_errors:
        errors.append(_("… et %(count)s autres erreurs.", count=refused.file.more_errors))
    return errors
