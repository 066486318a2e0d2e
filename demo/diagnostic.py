"""The demo's diagnostic: the SSMSI bases in their exact format, with INVENTED numbers.

demo/ssmsi/ holds them (see its README): they let the diagnostic page be seen on a demo; the page
warns that their numbers are invented. A real instance imports the SSMSI's files instead.
"""

from pathlib import Path

from engine.diagnostic.ssmsi import INVENTED
from engine.rules.policy import Actor
from engine.services.diagnostic import import_diagnostic

FOLDER = Path(__file__).resolve().parent / "ssmsi"
# The diagnostic page warns of invented numbers by this mark in the files' names.
FILES = (f"ssmsi-departement-{INVENTED}.csv", f"ssmsi-communes-{INVENTED}.csv")


def load_diagnostic(uow_factory, actor: Actor) -> None:
    for name in FILES:
        with uow_factory() as uow, (FOLDER / name).open("rb") as stream:
            import_diagnostic(uow, actor, stream, name)
