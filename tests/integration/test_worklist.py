"""The worklist: what awaits each role, oldest first, deadlines and separation of duties."""

from datetime import timedelta

from sqlalchemy import update

from engine.db.uow import UnitOfWork
from engine.models import Pooling, Scheme
from engine.queries.worklist import worklist
from engine.services.meetings import add_item, plan_meeting
from engine.services.records import create_scheme
from tests.factories import clock_start

# Two hours before the test clock starts (the world's records are made at its start).
NOW = clock_start() - timedelta(hours=2)


def entered(world, model, record_id: int, days_ago: int) -> None:
    with UnitOfWork(world.db) as uow:
        uow.session.execute(
            update(model)
            .where(model.id == record_id)
            .values(state_changed_at=NOW - timedelta(days=days_ago))
        )
        uow.commit()


def items(world, key: str, now=NOW):
    with UnitOfWork(world.db) as uow:
        return worklist(uow.session, world.actors[key], now)


def test_each_role_sees_what_awaits_it(world):
    world.scheme("draft", title="Brouillon")
    world.scheme("changes_requested", title="À compléter")
    world.scheme("recorded", title="Enregistré")
    world.scheme("reviewed", title="Examiné")
    world.scheme("proposed", title="Proposé")
    world.scheme("approved", title="Approuvé")
    with UnitOfWork(world.db) as uow:
        create_scheme(
            uow,
            world.actors["other_owner"],
            {"title": "Autre brouillon", "organisation_id": world.other_organisation_id},
        )

    def seen(key):
        return {(i.kind, i.title, i.action) for i in items(world, key).items}

    assert seen("owner") == {
        ("scheme", "Brouillon", "soumettre"),
        ("scheme", "À compléter", "soumettre"),
    }
    assert seen("other_owner") == {("scheme", "Autre brouillon", "soumettre")}
    assert seen("cotech") == {
        ("scheme", "Enregistré", "valider l'examen"),
        ("scheme", "Examiné", "proposer au COPIL"),
    }
    # The COPIL decides in session: no member has a proposed record to decide alone.
    assert seen("copil") == set()
    # Its secretary (or an administrator) puts it on the agenda of a meeting.
    assert seen("admin") == {("scheme", "Proposé", "à inscrire à l'ordre du jour")}


def test_the_secretary_sees_the_proposed_records_not_yet_on_an_agenda(world):
    on_agenda = world.scheme("proposed", title="Inscrit")
    world.scheme("proposed", title="À inscrire")
    world.pooling("proposed")
    secretary = world.secretary()
    with UnitOfWork(world.db) as uow:
        meeting = plan_meeting(
            uow,
            secretary,
            committee="copil",
            title="COPIL de décembre",
            starts_at=NOW + timedelta(days=20),
            secretary_id=secretary.id,
            member_ids=[world.actors["copil"].id],
        )
        meeting_id = meeting.id
    with UnitOfWork(world.db) as uow:
        add_item(uow, secretary, meeting_id, on_agenda)

    found = items(world, "secretariat")
    assert {(i.kind, i.title, i.action) for i in found.items if i.kind != "meeting"} == {
        ("scheme", "À inscrire", "à inscrire à l'ordre du jour"),
        ("pooling", "Mutualiser la médiation", "à inscrire à l'ordre du jour"),
    }
    # The planned meeting itself awaits its convocation.
    assert [i.action for i in found.items if i.kind == "meeting"] == ["convoquer"]
    assert items(world, "copil").items == []


def test_a_record_the_meeting_did_not_decide_is_to_put_on_an_agenda_again(world):
    decided, left = (
        world.scheme("proposed", title="Décidé"),
        world.scheme("proposed", title="Reste"),
    )
    world.hold_meeting([(decided, "approve", {})])
    assert {i.title for i in items(world, "secretariat").items} == {"Reste"}
    world.decide(left, "send_back", comment="Précisez les publics.")
    assert items(world, "secretariat").items == []
    assert {i.title for i in items(world, "cotech").items} == {"Reste"}


def test_oldest_first_with_due_dates_and_overdue_marks(world):
    recent = world.scheme("recorded", title="Récent")
    old = world.scheme("recorded", title="Ancien")
    reviewed = world.scheme("reviewed", title="Examiné")
    entered(world, Scheme, recent.id, 3)
    entered(world, Scheme, old.id, 20)
    entered(world, Scheme, reviewed.id, 10)

    found = items(world, "cotech")
    assert [i.title for i in found.items] == ["Ancien", "Examiné", "Récent"]
    assert found.total == 3
    ancien, examine, recent_item = found.items
    assert ancien.overdue and ancien.due_at == NOW - timedelta(days=5)
    assert not examine.overdue and examine.due_at == NOW + timedelta(days=20)
    assert not recent_item.overdue and recent_item.due_at == NOW + timedelta(days=12)


def test_separation_of_duties_is_named_not_hidden(world):
    pooling = world.pooling("recorded", author="cotech")
    entered(world, Pooling, pooling.id, 40)
    mine = [i for i in items(world, "cotech").items if i.kind == "pooling"]
    theirs = [i for i in items(world, "cotech2").items if i.kind == "pooling"]
    assert len(mine) == 1 and "un autre membre du COTECH" in mine[0].blocked
    assert theirs[0].blocked is None and theirs[0].overdue
    assert theirs[0].action == "valider l'examen"
    assert theirs[0].organisation == "Ville de Fort-de-France"


def test_a_page_is_bounded_but_the_total_is_not(world):
    for i in range(4):
        world.scheme("recorded", title=f"N{i}")
    with UnitOfWork(world.db) as uow:
        found = worklist(uow.session, world.actors["cotech"], NOW, limit=2)
    assert len(found.items) == 2 and found.total == 4


def test_a_bounded_page_holds_the_oldest_records_across_states(world):
    # Each state is read apart, oldest first: the page must still be the oldest of all.
    ages = {"R1": ("recorded", 3), "R2": ("recorded", 9), "V1": ("reviewed", 5)}
    ages |= {"V2": ("reviewed", 20), "R3": ("recorded", 1)}
    for title, (state, days_ago) in ages.items():
        scheme = world.scheme(state, title=title)
        with UnitOfWork(world.db) as uow:
            uow.session.execute(
                update(Scheme)
                .where(Scheme.id == scheme.id)
                .values(state_changed_at=NOW - timedelta(days=days_ago))
            )
            uow.commit()
    with UnitOfWork(world.db) as uow:
        found = worklist(uow.session, world.actors["cotech"], NOW, limit=3)
    assert [i.title for i in found.items] == ["V2", "R2", "V1"] and found.total == 5
