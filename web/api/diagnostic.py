"""The delinquency diagnostic: the SSMSI's figures per commune beside the inventory's coverage
(everyone signed in reads), and the import of the SSMSI's files (COTECH, administrators).

A figure the SSMSI withholds is `"published": false` with `count` and `rate` null: never 0.
"""

from pathlib import Path

from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import RAISE, Schema, fields

from engine.diagnostic.indicators import indicators
from engine.errors import InvalidInput
from engine.queries.diagnostic import CommuneLine, Diagnostic, diagnostic, imports, sources
from engine.services.diagnostic import DiagnosticRejected, import_diagnostic, preview_diagnostic
from web.api.errors import declare
from web.api.hardening import takes_files
from web.context import actor, reading, writing
from web.security import body_limit

diagnostic_api = Blueprint(
    "diagnostic_api",
    __name__,
    url_prefix="/diagnostic",
    description="Diagnostic de la délinquance : statistiques du SSMSI par commune et manques.",
)
BLUEPRINTS = (diagnostic_api,)
UPLOAD_LIMIT = 1024 * 1024 * 1024
RATE = (
    "pour 1 000 habitants (logements pour les cambriolages), décimal en texte ; null si non diffusé"
)


class DiagnosticArgs(Schema):
    indicator = fields.String(metadata={"description": "nom SSMSI ; par défaut le premier importé"})
    year = fields.Integer(metadata={"description": "par défaut la dernière année importée"})


class FigureSchema(Schema):
    published = fields.Boolean(
        allow_none=True, metadata={"description": "false : non diffusé ; null : absent du fichier"}
    )
    unit = fields.String(allow_none=True)
    count = fields.Integer(allow_none=True)
    rate = fields.Decimal(as_string=True, allow_none=True, metadata={"description": RATE})


class CoverageSchema(Schema):
    theme = fields.String()
    approved = fields.Integer()
    in_progress = fields.Integer()


class CommuneSchema(FigureSchema):
    code = fields.String(metadata={"description": "code INSEE"})
    name = fields.String()
    epci = fields.String()
    above = fields.Boolean(metadata={"description": "taux publié au-dessus du taux départemental"})
    gap = fields.Boolean(metadata={"description": "au-dessus, sans dispositif des thématiques"})
    coverage = fields.List(fields.Nested(CoverageSchema))


class SourceSchema(Schema):
    level = fields.String()
    file_name = fields.String()
    sha256 = fields.String()
    imported_at = fields.DateTime()


class DiagnosticSchema(Schema):
    indicator = fields.String(allow_none=True)
    indicator_en = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    themes = fields.List(fields.String())
    choices = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()))
    department = fields.Nested(FigureSchema, allow_none=True)
    communes = fields.List(fields.Nested(CommuneSchema))
    gaps = fields.List(fields.String(), metadata={"description": "codes INSEE des manques"})
    sources = fields.List(fields.Nested(SourceSchema))


class ImportForm(Schema):
    file = Upload(required=True, metadata={"description": "base communale ou départementale"})


class ImportArgs(Schema):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "vérifier seulement"})


class ImportSchema(Schema):
    file_name = fields.String()
    sha256 = fields.String()
    level = fields.String()
    years = fields.List(fields.Integer())
    figures = fields.Integer()
    withheld = fields.Integer()
    skipped = fields.Integer(metadata={"description": "lignes hors Martinique"})
    replaced = fields.Integer()
    written = fields.Boolean()


@diagnostic_api.route("")
@diagnostic_api.arguments(DiagnosticArgs, location="query", unknown=RAISE)
@diagnostic_api.response(200, DiagnosticSchema)
@declare(diagnostic_api, 422)
def read(args):
    """Le diagnostic d'un indicateur et d'une année : taux par commune, couverture, manques."""
    session = reading().session
    result = diagnostic(session, args.get("indicator"), args.get("year"))
    return body(result, sources(imports(session), result.year))


@diagnostic_api.route("/imports", methods=["POST"])
@diagnostic_api.arguments(ImportArgs, location="query", unknown=RAISE)
@diagnostic_api.arguments(ImportForm, location="files")
@diagnostic_api.response(201, ImportSchema)
@declare(diagnostic_api, 403, 422)
@body_limit(UPLOAD_LIMIT)
@takes_files
def create_import(args, form):
    """Importer une base du SSMSI (CSV séparé par des points-virgules, .gz accepté). Au moindre
    défaut, rien n'est écrit et l'erreur nomme les lignes ; `dry_run` vérifie sans écrire (200)."""
    upload = form["file"]
    name = Path(upload.filename or "ssmsi.csv").name[:200]
    try:
        if args["dry_run"]:
            result = preview_diagnostic(reading(), actor(), upload.stream, name)
        else:
            with writing() as work:
                result = import_diagnostic(work, actor(), upload.stream, name)
    except DiagnosticRejected as refused:
        raise InvalidInput({"file": refused.file.refusal}, refused.message) from refused
    f = result.file
    answer = {
        "file_name": f.file_name,
        "sha256": f.sha256,
        "level": f.level,
        "years": f.years,
        "figures": len(f.figures),
        "withheld": f.withheld,
        "skipped": f.skipped,
        "replaced": result.replaced,
        "written": result.written,
    }
    return answer, 201 if result.written else 200


def body(result: Diagnostic, origin) -> dict:
    known = indicators()
    name = result.indicator.name if result.indicator else None
    return {
        "indicator": name,
        "indicator_en": known[name].label_en if name in known else name,
        "year": result.year,
        "themes": list(result.indicator.themes) if result.indicator else [],
        "choices": {key: years for key, years in result.choices.items()},
        "department": _figure(result.department) if result.department else None,
        "communes": [_commune(line) for line in result.lines],
        "gaps": [line.code for line in result.gaps],
        "sources": [
            {
                "level": event.data["level"],
                "file_name": event.data["file_name"],
                "sha256": event.data["sha256"],
                "imported_at": event.occurred_at,
            }
            for event in origin
        ],
    }


def _figure(figure) -> dict:
    if figure is None:
        return {"published": None, "unit": None, "count": None, "rate": None}
    return {
        "published": figure.published,
        "unit": figure.unit,
        "count": figure.count if figure.published else None,
        "rate": figure.rate if figure.published else None,
    }


def _commune(line: CommuneLine) -> dict:
    return {
        "code": line.code,
        "name": line.name,
        "epci": line.epci,
        **_figure(line.figure),
        "above": line.above,
        "gap": line.gap,
        "coverage": [
            {"theme": t.code, "approved": t.cell.approved, "in_progress": t.cell.in_progress}
            for t in line.coverage
        ],
    }
