"""`maillage meeting …`: plan a committee meeting, its agenda, attendance, decisions, the close,
the approval of its minutes; its documents (agenda, attendance sheet, minutes) come from
cli/documents.py.

Each command is one audited change through engine/services/meetings/, as the operator at the
command line (an administrator). Meetings are named by their number (COPIL-2027-01), members by
their e-mail address, records by their reference (DSP-2026-0042, MUT-2026-0003), items by their
position on the agenda.
"""

from datetime import datetime
from functools import partial

import click
from sqlalchemy import func, select

from cli.context import cli_actor, fail, open_database
from cli.documents import MEETING_DOCUMENTS
from engine.clock import MARTINIQUE
from engine.db.uow import UnitOfWork
from engine.errors import Conflict, NotFound
from engine.models import ATTENDANCE, COMMITTEES, OUTCOMES, Meeting, User
from engine.records.registry import DECIDED
from engine.services import meetings
from engine.services.common import RecordRef
from engine.services.transitions import apply_transition


class FrenchMoment(click.ParamType):
    """A date and time written jj/mm/aaaa hh:mm, Martinique time."""

    name = "jj/mm/aaaa hh:mm"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return datetime.strptime(value, "%d/%m/%Y %H:%M").replace(tzinfo=MARTINIQUE)
        except ValueError:
            self.fail(f"« {value} » : écrivez jj/mm/aaaa hh:mm (ex. 14/01/2027 09:00)")


@click.group()
def meeting() -> None:
    """Séances du COPIL et du COTECH : convoquer, tenir, décider, clôturer."""


@meeting.command("plan")
@click.option("--committee", type=click.Choice(sorted(COMMITTEES)), default="copil")
@click.option("--title", required=True, help="Intitulé de la séance.")
@click.option("--at", "starts_at", required=True, type=FrenchMoment(), help="Date et heure.")
@click.option("--place", default=None, help="Lieu.")
@click.option("--secretary", required=True, help="Courriel du secrétaire de séance.")
@click.option("--member", "members", multiple=True, required=True, help="Courriel d'un membre.")
@click.option(
    "--quorum", type=click.Choice(sorted(meetings.QUORUM_RULES)), default=meetings.DEFAULT_QUORUM
)
def plan(committee, title, starts_at, place, secretary, members, quorum) -> None:
    """Prévoir une séance et les membres à convoquer."""
    with open_database() as database:
        ids = _read(database, lambda uow: _user_ids(uow, [secretary, *members]))
        with UnitOfWork(database) as uow:
            planned = _plan(uow, committee, title, starts_at, place, ids, quorum)
        click.echo(f"Séance {planned.reference} prévue : {len(members)} membre(s) à convoquer.")


def _plan(uow, committee, title, starts_at, place, ids, quorum):
    return meetings.plan_meeting(
        uow,
        cli_actor(),
        committee=committee,
        title=title,
        starts_at=starts_at,
        secretary_id=ids[0],
        member_ids=ids[1:],
        place=place,
        quorum_rule=quorum,
    )


@meeting.command("add")
@click.argument("number")
@click.argument("references", nargs=-1)
@click.option("--all-proposed", is_flag=True, help="Tout ce qui est proposé au COPIL.")
@click.option("--information", default=None, help="Un point d'information (son intitulé).")
def add(number, references, all_proposed, information) -> None:
    """Inscrire à l'ordre du jour des dossiers proposés, ou un point d'information."""
    with open_database() as database:
        meeting_id = _read(database, lambda uow: _meeting_id(uow, number))
        refs = _read(database, lambda uow: [_record(uow, r) for r in references])
        if all_proposed:
            refs += _read(database, meetings.proposed_records)
        if not refs and not information:
            fail("rien à inscrire : donnez des références, --all-proposed ou --information")
        for ref in refs:
            with UnitOfWork(database) as uow:
                item = _change(partial(meetings.add_item, uow, cli_actor(), meeting_id, ref))
                click.echo(f"{item.position}. {item.title}")
        if information:
            with UnitOfWork(database) as uow:
                add_info = partial(meetings.add_item, uow, cli_actor(), meeting_id)
                item = _change(partial(add_info, title=information))
                click.echo(f"{item.position}. {item.title} (pour information)")


@meeting.command("convene")
@click.argument("number")
def convene(number) -> None:
    """Convoquer la séance : son ordre du jour est arrêté."""
    with open_database() as database:
        ref = RecordRef("meeting", _read(database, lambda uow: _meeting_id(uow, number)))
        with UnitOfWork(database) as uow:
            _change(partial(apply_transition, uow, ref, "convene", cli_actor()))
        click.echo(f"Séance {number} convoquée.")


@meeting.command("attend")
@click.argument("number")
@click.argument("email")
@click.argument("attendance", type=click.Choice(sorted(ATTENDANCE)))
@click.option("--proxy", default=None, help="Courriel du membre présent qui reçoit le pouvoir.")
def attend(number, email, attendance, proxy) -> None:
    """Relever la présence d'un membre convoqué."""
    with open_database() as database:
        meeting_id = _read(database, lambda uow: _meeting_id(uow, number))
        user_id = _read(database, lambda uow: _user_ids(uow, [email])[0])
        holder = _read(database, lambda uow: _user_ids(uow, [proxy])[0]) if proxy else None
        with UnitOfWork(database) as uow:
            attending = partial(meetings.set_attendance, uow, cli_actor(), meeting_id, user_id)
            _change(partial(attending, attendance, holder))
        click.echo(f"{email} : {ATTENDANCE[attendance]}.")


@meeting.command("decide")
@click.argument("number")
@click.argument("position", type=int)
@click.argument("outcome", type=click.Choice(sorted(OUTCOMES)))
@click.option("--comment", default=None)
@click.option("--conditions", default=None)
@click.option("--votes", default=None, help="Pour,contre,abstention (ex. 7,1,2).")
def decide(number, position, outcome, comment, conditions, votes) -> None:
    """Enregistrer la décision de la séance sur un point de son ordre du jour."""
    counts = _votes(votes)
    with open_database() as database:
        item_id = _read(database, lambda uow: _item_id(uow, number, position))
        with UnitOfWork(database) as uow:
            deciding = partial(meetings.record_decision, uow, cli_actor(), item_id, outcome)
            item = _change(partial(deciding, comment=comment, conditions=conditions, votes=counts))
        click.echo(f"Décision {item.decision_number} : {OUTCOMES[outcome]}.")


@meeting.command("close")
@click.argument("number")
@click.option("--dry-run", is_flag=True, help="Dire ce qui s'appliquerait, sans rien changer.")
def close(number, dry_run) -> None:
    """Clôturer la séance : toutes ses décisions s'appliquent ensemble, ou aucune."""
    with open_database() as database:
        meeting_id = _read(database, lambda uow: _meeting_id(uow, number))
        with UnitOfWork(database) as uow:
            closing = partial(meetings.close_meeting, uow, cli_actor(), meeting_id)
            try:
                report = _change(partial(closing, dry_run=dry_run))
            except meetings.MeetingNotReady as refused:
                _print(refused.report)
                fail(str(refused))
        _print(report)
        click.echo(
            f"Séance {number} clôturée." if report.closed else "Essai : rien n'a été modifié."
        )


@meeting.command("approve-minutes")
@click.argument("number")
@click.option("--at", "at_number", default=None, help="La séance ultérieure qui les approuve.")
def approve_minutes(number, at_number) -> None:
    """Approuver le procès-verbal d'une séance tenue : son empreinte SHA-256 entre au journal."""
    with open_database() as database:
        meeting_id = _read(database, lambda uow: _meeting_id(uow, number))
        at_id = _read(database, lambda uow: _meeting_id(uow, at_number)) if at_number else None
        version = _read(database, lambda uow: uow.session.get(Meeting, meeting_id).version)
        with UnitOfWork(database) as uow:
            approving = partial(meetings.approve_minutes, uow, cli_actor(), meeting_id)
            digest = _change(partial(approving, at_meeting_id=at_id, expected_version=version))
    where = f" en séance {at_number.upper()}" if at_number else ""
    click.echo(f"Procès-verbal de {number.upper()} approuvé{where} : SHA-256 {digest}.")


for _command in MEETING_DOCUMENTS:
    meeting.add_command(_command)


def _print(report: meetings.CloseReport) -> None:
    click.echo(report.quorum.sentence[0].upper() + report.quorum.sentence[1:])
    for item in report.items:
        mark = "✓" if item.applies else "·"
        decision = f" [{item.decision_number} : {OUTCOMES[item.outcome]}]" if item.outcome else ""
        why = f" — {'; '.join(item.reasons)}" if item.reasons else ""
        click.echo(f"{mark} {item.position}. {item.title}{decision}{why}")


def _read(database, read):
    """Run `read` in a unit of work of its own: the write that follows begins its own."""
    with UnitOfWork(database) as uow:
        return read(uow)


def _change(call):
    try:
        return call()
    except Conflict as exc:
        fail(exc.message)
    except NotFound:
        fail("introuvable")


def _meeting_id(uow: UnitOfWork, number: str) -> int:
    found = uow.session.scalar(select(Meeting.id).where(Meeting.reference == number.upper()))
    if found is None:
        fail(f"séance « {number} » introuvable")
    return found


def _item_id(uow: UnitOfWork, number: str, position: int) -> int:
    meeting = uow.session.get(Meeting, _meeting_id(uow, number))
    for item in meeting.items:
        if item.position == position:
            return item.id
    fail(f"la séance {number} n'a pas de point n°{position}")


def _user_ids(uow: UnitOfWork, emails: list[str]) -> list[int]:
    ids = []
    for email in emails:
        found = uow.session.scalar(
            select(User.id).where(func.lower(User.email) == email.strip().lower())
        )
        if found is None:
            fail(f"aucun compte « {email} »")
        ids.append(found)
    return ids


def _record(uow: UnitOfWork, reference: str) -> RecordRef:
    for rtype in DECIDED:
        t = rtype.table
        found = uow.connection.scalar(select(t.c.id).where(t.c.reference == reference.upper()))
        if found is not None:
            return RecordRef(rtype.name, found)
    fail(f"aucun dispositif ni mutualisation « {reference} »")


def _votes(text: str | None) -> tuple[int, int, int] | None:
    if text is None:
        return None
    parts = text.replace(" ", "").split(",")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        fail("--votes : pour,contre,abstention, trois nombres (ex. 7,1,2)")
    return tuple(int(p) for p in parts)  # type: ignore[return-value]
