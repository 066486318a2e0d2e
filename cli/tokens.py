"""`maillage token create|list|revoke`: API tokens managed from the command line."""

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cli.context import cli_actor, fail, open_database
from cli.tables import render
from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.errors import NotFound
from engine.models import ApiToken, User
from engine.services.tokens import create_token, revoke_token


@click.group()
def token() -> None:
    """Gérer les jetons d'accès à l'API."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="ligne de commande", show_default=True, help="Nom du jeton.")
def create(email: str, name: str) -> None:
    """Créer un jeton pour un compte et l'afficher, une seule fois."""
    with open_database() as database:
        with database.session() as session:
            user_id = _user_id(session, email)
        with UnitOfWork(database) as uow:
            issued = create_token(uow, cli_actor(), user_id, name)
    click.echo(issued.secret)
    click.echo(
        f"Jeton n°{issued.id} créé pour {email.strip().lower()}. Copiez-le maintenant : "
        "il ne sera plus jamais affiché.",
        err=True,
    )


@token.command("list")
@click.argument("email", required=False)
def list_tokens(email: str | None) -> None:
    """Lister les jetons (d'un compte, ou de tous), sans leur secret."""
    with open_database() as database, database.session() as session:
        stmt = select(ApiToken).options(selectinload(ApiToken.user)).order_by(ApiToken.id)
        if email:
            stmt = stmt.where(ApiToken.user_id == _user_id(session, email))
        rows = [
            (
                str(t.id),
                t.user.email,
                t.name,
                t.prefix + "…",
                local(t.created_at).strftime("%d/%m/%Y %H:%M"),
                local(t.revoked_at).strftime("%d/%m/%Y %H:%M") if t.revoked_at else "—",
            )
            for t in session.scalars(stmt)
        ]
    if not rows:
        click.echo("Aucun jeton : créez-en un avec « maillage token create EMAIL ».")
        return
    click.echo(render(("n°", "compte", "nom", "début", "créé le", "révoqué le"), rows))


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=click.IntRange(1, 2**31 - 1))
def revoke(token_id: int) -> None:
    """Révoquer un jeton : il est refusé dès maintenant."""
    with open_database() as database, UnitOfWork(database) as uow:
        try:
            revoke_token(uow, cli_actor(), token_id)
        except NotFound:
            fail(f"aucun jeton n°{token_id}.")
    click.echo(f"Jeton n°{token_id} révoqué.")


def _user_id(session, email: str) -> int:
    found = session.scalar(select(User.id).where(User.email == email.strip().lower()))
    if found is None:
        fail(f"aucun compte n'a l'adresse « {email} ».")
    return found
