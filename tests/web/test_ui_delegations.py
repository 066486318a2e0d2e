"""The delegations page: lending one's roles, refusals next to their field, ending one; what
the delegate then sees on À traiter, on the record page and in its history."""

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import select

from engine.clock import local
from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, Delegation, Scheme
from engine.services.delegations import create_delegation


def day(clock, offset: int = 0) -> str:
    return (local(clock()) + timedelta(days=offset)).strftime("%d/%m/%Y")


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def lend(world, delegator="cotech", delegate="copil", roles=("cotech",), days=2) -> int:
    with UnitOfWork(world.db) as uow:
        today = local(uow.clock()).date()
        return create_delegation(
            uow,
            world.actors[delegator],
            delegator_id=None,
            delegate_id=world.actors[delegate].id,
            roles=list(roles),
            starts=today,
            ends=today + timedelta(days=days - 1),
        ).id


def delegations(world) -> list[Delegation]:
    with UnitOfWork(world.db) as uow:
        return list(uow.session.scalars(select(Delegation)))


def test_anonymous_visitors_are_sent_to_sign_in(browser):
    assert browser.get("/compte/delegations").status_code == 302
    browser.get("/connexion")
    assert browser.post("/compte/delegations").status_code == 302


def test_a_user_lends_their_roles_and_sees_it_given_and_received(world, ui, clock):
    cotech = ui("cotech")
    page = text(cotech.get("/compte/delegations"))
    assert "Nouvelle délégation" in page
    # Only their own roles are offered.
    assert re.findall(r'name="roles" value="(\w+)"', page) == ["cotech"]
    response = cotech.post(
        "/compte/delegations",
        {
            "delegate_id": str(world.actors["copil"].id),
            "roles": "cotech",
            "starts_at": day(clock),
            "ends_at": day(clock, 6),
        },
    )
    assert response.status_code == 302
    page = text(cotech.get("/compte/delegations"))
    assert "La délégation est enregistrée." in page
    assert f"du {day(clock)} au {day(clock, 6)}" in page
    assert "En cours" in page
    received = text(ui("copil").get("/compte/delegations"))
    assert 'id="table-recues"' in received and "Cotech" in received
    # The delegate may not end it: no button, and the form is refused.
    assert "Mettre fin" not in received


def test_bad_input_is_shown_next_to_its_field_and_kept(world, ui, clock):
    response = ui("cotech").post(
        "/compte/delegations",
        {
            "delegate_id": str(world.actors["cotech"].id),
            "starts_at": "31/02/2026",
            "ends_at": day(clock, 2),
        },
    )
    assert response.status_code == 422
    page = text(response)
    assert "On ne se délègue pas ses propres rôles." in page
    assert "Cochez au moins un rôle parmi ceux du délégant" in page
    assert "Cette date n'existe pas : 31/02/2026." in page
    assert 'value="31/02/2026"' in page
    assert delegations(world) == []


def test_ending_a_delegation(world, ui):
    delegation_id = lend(world)
    assert ui("copil").post(f"/compte/delegations/{delegation_id}/fin").status_code == 403
    assert ui("cotech2").post(f"/compte/delegations/{delegation_id}/fin").status_code == 404
    cotech = ui("cotech")
    assert cotech.post(f"/compte/delegations/{delegation_id}/fin").status_code == 302
    page = text(cotech.get("/compte/delegations"))
    assert "La délégation a pris fin." in page and "Révoquée" in page
    cotech.post(f"/compte/delegations/{delegation_id}/fin")
    assert "Cette délégation est déjà terminée." in text(cotech.get("/compte/delegations"))


def test_an_administrator_sees_all_and_lends_for_anyone(world, ui, clock):
    lend(world)
    admin = ui("admin")
    page = text(admin.get("/compte/delegations"))
    assert 'id="table-toutes"' in page and 'name="delegator_id"' in page
    response = admin.post(
        "/compte/delegations",
        {
            "delegator_id": str(world.actors["owner"].id),
            "delegate_id": str(world.actors["owner2"].id),
            "roles": "owner",
            "starts_at": day(clock, 1),
            "ends_at": day(clock, 3),
        },
    )
    assert response.status_code == 302
    assert {d.delegator_id for d in delegations(world)} == {
        world.actors["cotech"].id,
        world.actors["owner"].id,
    }
    # Anyone else's delegator_id is ignored: one delegates only one's own roles.
    ui("cotech2").post(
        "/compte/delegations",
        {
            "delegator_id": str(world.actors["cotech"].id),
            "delegate_id": str(world.actors["copil2"].id),
            "roles": "cotech",
            "starts_at": day(clock),
            "ends_at": day(clock),
        },
    )
    assert world.actors["cotech2"].id in {d.delegator_id for d in delegations(world)}


def test_the_delegate_sees_and_does_the_delegators_work(world, ui, clock):
    ref = world.scheme("recorded", title="Médiation de quartier")
    lend(world)
    copil = ui("copil")
    worklist = text(copil.get("/a-traiter"))
    assert "Médiation de quartier" in worklist and "pour le compte de Cotech" in worklist
    page = text(copil.get(f"/dispositifs/{ref.id}"))
    assert 'id="action-review"' in page
    assert "Pour le compte de Cotech (délégation)" in page
    with UnitOfWork(world.db) as uow:
        version = uow.session.get(Scheme, ref.id).version
    response = copil.post(f"/dispositifs/{ref.id}/transitions/review", {"version": str(version)})
    assert response.status_code == 303
    history = text(copil.get(f"/dispositifs/{ref.id}"))
    assert "Copil pour le compte de Cotech" in history
    with UnitOfWork(world.db) as uow:
        event = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.position.desc())).first()
    assert event.actor_label == "copil@example.mq pour le compte de cotech@example.mq"
    # The delegation ends by itself: two days later the work is no longer theirs.
    clock.advance(days=2)
    assert "pour le compte de" not in text(copil.get("/a-traiter"))
