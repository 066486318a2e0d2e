"""The `maillage` command group: one place turns expected failures into a line and an exit code."""

import click
from sqlalchemy.exc import DBAPIError, OperationalError

from cli.audit import audit
from cli.candidates import candidates
from cli.context import SETUP_FAILURE, fail, first_line, report_invalid
from cli.db import demo, init
from cli.diagnostic import diagnostic
from cli.documents import case_file, copil
from cli.exporting import export
from cli.importing import import_
from cli.meetings import meeting
from cli.serve import serve
from cli.tokens import token
from cli.users import user
from cli.worker import worker
from engine.errors import DatabaseNotReady, InvalidInput, NotPermitted, WorkflowError


class MaillageGroup(click.Group):
    """Runs a command; a database that is not ready gives one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DatabaseNotReady as exc:
            fail(str(exc), SETUP_FAILURE)
        except OperationalError as exc:
            fail(f"la base de données ne répond pas : {first_line(exc)}", SETUP_FAILURE)
        except DBAPIError as exc:
            # A write the database refuses (a constraint, a value too long): still one line.
            fail(f"la base de données a refusé l'opération : {first_line(exc)}")
        except WorkflowError as exc:
            fail(f"workflow invalide : {exc}", SETUP_FAILURE)
        except InvalidInput as exc:
            report_invalid(exc)
        except NotPermitted as exc:
            fail(str(exc))


@click.group(cls=MaillageGroup)
@click.version_option(package_name="maillage", message="Maillage %(version)s")
def main() -> None:
    """Maillage : recensement des dispositifs d'aides du CTPLI de Martinique.

    La base de données est désignée par MAILLAGE_DATABASE_URL (par défaut, un fichier SQLite
    dans le dossier instance/).
    """


main.add_command(init)
main.add_command(demo)
main.add_command(user)
main.add_command(token)
main.add_command(audit)
main.add_command(serve)
main.add_command(case_file)
main.add_command(copil)
main.add_command(export)
main.add_command(import_)
main.add_command(meeting)
main.add_command(worker)
main.add_command(diagnostic)
main.add_command(candidates)
