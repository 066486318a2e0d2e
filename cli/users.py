"""`maillage user add|list`: accounts created from the command line, by the system."""

import sys

import click
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from cli.context import fail, open_database
from cli.tables import render
from engine.db.uow import UnitOfWork
from engine.models import ROLES, Organisation, User
from engine.rules.policy import SYSTEM
from engine.services.users import add_user

ROLE_HELP = ", ".join(f"{code} ({label.lower()})" for code, label in ROLES.items())


@click.group()
def user() -> None:
    """Gérer les comptes des utilisateurs."""


@user.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Prénom et nom.")
@click.option(
    "--role", "roles", multiple=True, required=True, help=f"Rôle, répétable : {ROLE_HELP}."
)
@click.option("--organisation", help="Structure de rattachement : nom exact ou SIREN.")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
def add(
    email: str, name: str, roles: tuple[str, ...], organisation: str | None, password_stdin: bool
) -> None:
    """Créer un compte ; le mot de passe est demandé (jamais passé en argument)."""
    with open_database() as database:
        with database.session() as session:
            organisation_id = _organisation_id(session, organisation) if organisation else None
        password = _read_password(password_stdin)
        with UnitOfWork(database) as uow:
            created = add_user(uow, SYSTEM, email, name, list(roles), password, organisation_id)
    click.echo(
        f"Compte créé : {created.email} ({', '.join(ROLES[r] for r in sorted(created.roles))})."
    )


def _organisation_id(session: Session, name_or_siren: str) -> int:
    wanted = name_or_siren.strip()
    found = session.scalars(
        select(Organisation.id).where(
            or_(Organisation.siren == wanted, func.lower(Organisation.name) == wanted.lower())
        )
    ).all()
    if len(found) != 1:
        fail(f"structure inconnue : « {wanted} » (indiquez son nom exact ou son SIREN).")
    return found[0]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = click.prompt("Mot de passe", hide_input=True, prompt_suffix=" : ")
    confirmation = click.prompt("Confirmez le mot de passe", hide_input=True, prompt_suffix=" : ")
    if confirmation != password:
        fail("les deux saisies du mot de passe diffèrent.")
    return password


@user.command("list")
def list_users() -> None:
    """Lister les comptes, leurs rôles et leur structure."""
    with open_database() as database, database.session() as session:
        users = session.scalars(
            select(User).options(selectinload(User.organisation)).order_by(User.email)
        ).all()
        rows = [
            (
                u.email,
                u.name,
                ", ".join(ROLES[r] for r in sorted(u.roles)),
                u.organisation.name if u.organisation else "—",
                "oui" if u.active else "non",
            )
            for u in users
        ]
    if not rows:
        click.echo("Aucun compte : créez-en un avec « maillage user add ».")
        return
    click.echo(render(("courriel", "nom", "rôles", "structure", "actif"), rows))
