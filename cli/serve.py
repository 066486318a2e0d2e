"""`maillage serve`: the development web server."""

import click

from cli.context import open_database


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port d'écoute.")
def serve(host: str, port: int) -> None:
    """Lancer le serveur web de développement (pas pour la production)."""
    with open_database():
        pass  # refuse to start on a database that is not ready, before Flask takes over
    # Imported here: the other commands must not pay for (nor depend on) the web layer.
    from web import create_app

    create_app().run(host=host, port=port, debug=False)
