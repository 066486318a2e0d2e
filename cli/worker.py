"""`maillage worker`: send the notifications of the outbox, after their changes committed."""

import logging
import signal
import threading

import click

from cli.context import SETUP_FAILURE, fail, open_database
from engine.notifications.settings import MailSettings, MailSettingsError
from engine.notifications.worker import Worker


@click.command()
@click.option("--once", is_flag=True, help="Un seul passage, puis s'arrêter (cron, tests).")
@click.option(
    "--interval", default=5.0, show_default=True, type=float, help="Secondes entre deux passages."
)
@click.option("--batch", default=100, show_default=True, type=int, help="Messages par lot.")
def worker(once: bool, interval: float, batch: int) -> None:
    """Envoyer les notifications en attente (MAILLAGE_SMTP_URL désigne le serveur SMTP).

    Plusieurs processus peuvent tourner ensemble sur PostgreSQL ; un seul sur SQLite.
    """
    try:
        settings = MailSettings.from_env()
    except MailSettingsError as exc:
        fail(str(exc), SETUP_FAILURE)
    if settings is None:
        fail("MAILLAGE_SMTP_URL n'est pas défini : aucun serveur SMTP où envoyer.", SETUP_FAILURE)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with open_database() as database:
        work = Worker(database, settings, batch=batch)
        if once:
            tally = work.run_once()
            click.echo(
                f"{tally.sent} envoyé(s), {tally.retried} à réessayer, {tally.dead} en échec"
            )
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        work.run(stop, interval)
