"""The meetings' pages: the calendar, a meeting with its members, agenda, recusals and decisions;
the log and the worklist with meetings in them."""

from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, Meeting, MeetingItem, MeetingMember
from engine.services.common import RecordRef
from engine.services.meetings import (
    add_item,
    close_meeting,
    plan_meeting,
    record_decision,
    set_attendance,
)
from engine.services.transitions import apply_transition
from engine.services.users import set_locale


@pytest.fixture
def meeting(world):
    secretary = world.actors["secretary"] = world.add_user("secretary", ["secretary"], None)
    prefecture = world.add_user("prefecture", ["copil"], world.organisation_id)
    members = [world.actors["copil"].id, world.actors["copil2"].id, prefecture.id]
    ref = world.scheme("proposed", title="Médiateurs de nuit")
    with UnitOfWork(world.db) as uow:
        meeting = plan_meeting(
            uow,
            secretary,
            committee="copil",
            title="COPIL de janvier",
            starts_at=datetime(2027, 1, 14, 13, 0, tzinfo=UTC),
            secretary_id=secretary.id,
            member_ids=members,
            place="Hôtel de la CTM",
        )
        meeting_id = meeting.id
    with UnitOfWork(world.db) as uow:
        item_id = add_item(uow, secretary, meeting_id, ref, summary="Avis favorable").id
    with UnitOfWork(world.db) as uow:
        apply_transition(uow, RecordRef("meeting", meeting_id), "convene", secretary)
    for user_id in members:
        with UnitOfWork(world.db) as uow:
            set_attendance(uow, secretary, meeting_id, user_id, "present")
    with UnitOfWork(world.db) as uow:
        record_decision(uow, secretary, item_id, "approve", votes=(2, 0, 0))
    return meeting_id


def test_the_calendar_lists_the_meeting(ui, meeting):
    page = ui("copil").get("/seances").get_data(as_text=True)
    assert "COPIL-2027-01" in page and "COPIL de janvier" in page
    assert "14/01/2027" in page and "Hôtel de la CTM" in page


def test_a_meetings_page_shows_attendance_quorum_agenda_recusals_and_decisions(ui, meeting):
    response = ui("copil").get(f"/seances/{meeting}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Copil2 — présent" in page
    assert "quorum atteint : 3 membres présents ou représentés sur 3" in page
    assert "Médiateurs de nuit" in page and "/dispositifs/" in page
    assert "Déportés : Prefecture (membre de « Ville de Fort-de-France »" in page
    assert "COPIL-2027-01/D01" in page and "pour 2, contre 0, abstention 0" in page


def test_an_unknown_meeting_is_a_french_404(ui):
    response = ui("copil").get("/seances/999999")
    assert response.status_code == 404


def test_the_log_and_the_worklist_show_meetings_without_error(ui, meeting):
    log = ui("admin").get("/journal")
    assert log.status_code == 200
    assert f"/seances/{meeting}" in log.get_data(as_text=True)
    assert ui("admin").get("/a-traiter").status_code == 200
    assert ui("admin").get("/tableau-de-bord").status_code == 200


def test_the_secretarys_worklist_shows_the_meeting_to_hold(ui, meeting):
    page = ui("secretary").get("/a-traiter").get_data(as_text=True)
    assert "COPIL-2027-01" in page and f"/seances/{meeting}" in page


def test_a_schemes_page_names_the_meeting_that_will_decide_it_then_the_decision(ui, world, meeting):
    with UnitOfWork(world.db) as uow:
        scheme_id = uow.session.scalar(select(MeetingItem.record_id))
    page = ui("owner").get(f"/dispositifs/{scheme_id}").get_data(as_text=True)
    assert f'href="/seances/{meeting}">COPIL-2027-01</a>, 14/01/2027' in page
    assert "décision COPIL-2027-01/D01 enregistrée (approuver), appliquée à la clôture" in page
    secretary = world.actors["secretary"]
    with UnitOfWork(world.db) as uow:
        close_meeting(uow, secretary, meeting)
    page = ui("owner").get(f"/dispositifs/{scheme_id}").get_data(as_text=True)
    assert "décision COPIL-2027-01/D01 : approuver" in page


# ---- The forms: planning, editing, the agenda, the session, closing -----------------------


def _text(response, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.get_data(True)[:3000])
    return unescape(response.get_data(as_text=True))


def _meeting(world, meeting_id: int) -> Meeting:
    with UnitOfWork(world.db) as uow:
        meeting = uow.session.get(Meeting, meeting_id)
        uow.session.expunge_all()
    return meeting


def _version(world, meeting_id: int) -> int:
    return _meeting(world, meeting_id).version


def _items(world, meeting_id: int) -> list[tuple[int, str, int]]:
    with UnitOfWork(world.db) as uow:
        rows = uow.session.execute(
            select(MeetingItem.id, MeetingItem.title, MeetingItem.position)
            .where(MeetingItem.meeting_id == meeting_id)
            .order_by(MeetingItem.position)
        )
        return [tuple(row) for row in rows]


@pytest.fixture
def people(world):
    """A secretary, the two COPIL members and a COPIL member of the scheme's organisation."""
    world.actors["secretary"] = world.add_user("secretary", ["secretary"], None)
    world.actors["prefecture"] = world.add_user("prefecture", ["copil"], world.organisation_id)
    return world.actors


def _plan_form(people, **changes) -> dict:
    form = {
        "committee": "copil",
        "title": "COPIL de février",
        "day": "11/02/2027",
        "hour": "9h30",
        "place": "Préfecture, salle Schœlcher",
        "secretary_id": str(people["secretary"].id),
        "quorum_rule": "half_plus_one",
        "members_copil": [str(people[k].id) for k in ("copil", "copil2", "prefecture")],
    }
    form.update(changes)
    return form


@pytest.fixture
def planned(ui, people):
    """A COPIL meeting planned through the form; its id."""
    response = ui("secretary").post("/seances/nouvelle", data=_plan_form(people))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def secretary(ui, people):
    return ui("secretary")


def _convene(secretary, world, meeting_id: int):
    return secretary.post(
        f"/seances/{meeting_id}/transitions/convene",
        data={"version": str(_version(world, meeting_id))},
    )


def _add(secretary, meeting_id: int, ref, summary: str = "Avis favorable du COTECH"):
    return secretary.post(
        f"/seances/{meeting_id}/points",
        data={"record_type": ref.kind, "record_id": str(ref.id), "summary": summary},
    )


def _attend(secretary, meeting_id: int, who, attendance="present", holder=None):
    data = {"attendance": attendance, "proxy_holder_id": str(holder.id) if holder else ""}
    return secretary.post(f"/seances/{meeting_id}/presences/{who.id}", data=data)


def _decide(secretary, meeting_id: int, item_id: int, outcome="approve", **fields):
    return secretary.post(
        f"/seances/{meeting_id}/points/{item_id}/decision", data={"outcome": outcome, **fields}
    )


def test_a_secretary_plans_a_meeting_in_martinique_time(world, people, secretary):
    page = _text(secretary.get("/seances"))
    assert 'href="/seances/nouvelle"' in page and "Planifier une séance" in page
    form = _text(secretary.get("/seances/nouvelle"))
    assert f'name="members_copil" value="{people["prefecture"].id}"' in form
    assert f'name="members_cotech" value="{people["cotech"].id}"' in form
    assert "la moitié des membres plus un" in form
    response = secretary.post("/seances/nouvelle", data=_plan_form(people))
    assert response.status_code == 303
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    meeting = _meeting(world, meeting_id)
    assert meeting.starts_at == datetime(2027, 2, 11, 13, 30, tzinfo=UTC)  # 9 h 30 in Martinique
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert "Séance COPIL-2027-01 planifiée." in page
    assert "11/02/2027" in page and "Préfecture, salle Schœlcher" in page
    assert "Prochaine étape : convoquer les membres" in page and "L'ordre du jour est vide." in page


def test_a_plan_with_errors_comes_back_with_the_input_and_the_reasons(people, secretary):
    form = _plan_form(people, day="31/02/2027", hour="25:00", members_copil=[])
    page = _text(secretary.post("/seances/nouvelle", data=form), 422)
    assert "Cette date n'existe pas : 31/02/2027." in page
    assert "Heure attendue au format hh:mm" in page
    assert "Convoquez au moins un membre." in page
    assert 'value="COPIL de février"' in page and 'value="31/02/2027"' in page


def test_only_the_committees_members_are_convened(people, secretary):
    form = _plan_form(people, members_copil=[str(people["cotech"].id)])
    page = _text(secretary.post("/seances/nouvelle", data=form), 422)
    assert "Ne sont pas membres actifs du COPIL : cotech@example.mq." in page


def test_an_owner_may_read_meetings_but_not_plan_or_change_them(ui, world, planned):
    owner = ui("owner")
    page = _text(owner.get(f"/seances/{planned}"))
    assert "Modifier la séance" not in page and "Convoquer" not in page
    assert "Planifier une séance" not in _text(owner.get("/seances"))
    assert owner.get("/seances/nouvelle").status_code == 403
    assert owner.post("/seances/nouvelle", data=_plan_form(world.actors)).status_code == 403
    posts = [
        (f"/seances/{planned}/modifier", {"version": "1", "title": "x"}),
        (f"/seances/{planned}/points", {"title": "Information"}),
        (f"/seances/{planned}/presences/{world.actors['copil'].id}", {"attendance": "present"}),
        (f"/seances/{planned}/cloture", {"version": "1"}),
        (f"/seances/{planned}/transitions/convene", {"version": "1"}),
    ]
    for path, data in posts:
        assert owner.post(path, data=data).status_code == 403, path
    assert _meeting(world, planned).state == "planned" and _items(world, planned) == []


def test_a_form_without_its_csrf_token_is_refused(world, secretary, planned):
    response = secretary.client.post(f"/seances/{planned}/points", data={"title": "Info"})
    assert response.status_code == 400
    assert _items(world, planned) == []


def test_editing_a_planned_meeting_then_removing_a_member_once_convened(
    world, people, secretary, planned
):
    url = f"/seances/{planned}/modifier"
    form = _text(secretary.get(url))
    assert 'value="11/02/2027"' in form and 'value="09:30"' in form
    data = _plan_form(people, title="COPIL de mars", day="11/03/2027", hour="14:00")
    data["members_copil"] = [str(people["copil"].id), str(people["copil2"].id)]
    response = secretary.post(url, data={**data, "version": str(_version(world, planned))})
    assert response.status_code == 303
    meeting = _meeting(world, planned)
    assert meeting.title == "COPIL de mars"
    assert meeting.starts_at == datetime(2027, 3, 11, 18, 0, tzinfo=UTC)
    page = _text(secretary.get(f"/seances/{planned}"))
    assert "Séance modifiée." in page and "Prefecture —" not in page
    with UnitOfWork(world.db) as uow:
        logged = uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.record_type == "meeting", AuditEvent.action == "update"
            )
        ).one()
        assert logged.changes["title"] == {"before": "COPIL de février", "after": "COPIL de mars"}
        assert logged.changes["members"]["after"] == sorted(
            [people["copil"].id, people["copil2"].id]
        )
    assert _convene(secretary, world, planned).status_code == 303
    data["members_copil"] = [str(people["copil"].id)]
    page = _text(secretary.post(url, data={**data, "version": str(_version(world, planned))}), 422)
    assert (
        "La convocation est partie : un membre convoqué ne peut plus être retiré (Copil2)" in page
    )
    assert 'value="COPIL de mars"' in page
    assert len(_meeting_members(world, planned)) == 2


def _meeting_members(world, meeting_id: int) -> list[int]:
    with UnitOfWork(world.db) as uow:
        return list(
            uow.session.scalars(
                select(MeetingMember.user_id).where(MeetingMember.meeting_id == meeting_id)
            )
        )


def test_editing_on_a_stale_page_shows_the_conflict_and_keeps_the_input(
    world, people, secretary, planned
):
    stale = str(_version(world, planned))
    data = _plan_form(people, title="COPIL avancé")
    assert (
        secretary.post(f"/seances/{planned}/modifier", data={**data, "version": stale}).status_code
        == 303
    )
    data["title"] = "COPIL reporté"
    page = _text(
        secretary.post(f"/seances/{planned}/modifier", data={**data, "version": stale}), 409
    )
    assert "Quelqu'un a modifié cet élément pendant que vous le consultiez." in page
    assert 'value="COPIL reporté"' in page
    assert _meeting(world, planned).title == "COPIL avancé"


def test_the_agenda_takes_what_is_proposed_in_one_click_then_moves_and_removes(
    world, secretary, planned
):
    first = world.scheme("proposed", title="Médiateurs de nuit")
    second = world.scheme("proposed", title="Chantiers jeunes")
    page = _text(secretary.get(f"/seances/{planned}"))
    assert "Proposés au COPIL, à inscrire" in page and "Chantiers jeunes" in page
    assert "2 dossiers proposés au COPIL ne sont inscrits à aucune séance." in page
    assert _add(secretary, planned, first).status_code == 303
    assert _add(secretary, planned, second, "").status_code == 303
    info = {"title": "Point sur le budget 2027", "summary": "Présenté par la CTM"}
    assert secretary.post(f"/seances/{planned}/points", data=info).status_code == 303
    page = _text(secretary.get(f"/seances/{planned}"))
    assert "Avis du COTECH : Avis favorable du COTECH" in page
    assert "Point sur le budget 2027" in page and "pour information" in page
    assert "Déportés : Prefecture (membre de « Ville de Fort-de-France »" in page
    assert f'name="record_id" value="{first.id}"' not in page  # no longer offered
    (a, _, _), (b, _, _), (c, _, _) = _items(world, planned)
    assert (
        secretary.post(
            f"/seances/{planned}/points/{c}/deplacer", data={"sens": "monter"}
        ).status_code
        == 303
    )
    assert [i for i, _, _ in _items(world, planned)] == [a, c, b]
    assert secretary.post(f"/seances/{planned}/points/{a}/retirer").status_code == 303
    assert [(i, p) for i, _, p in _items(world, planned)] == [(c, 1), (b, 2)]
    page = _text(
        secretary.post(f"/seances/{planned}/points/{c}/deplacer", data={"sens": "monter"}), 422
    )
    assert "Ce point est déjà à cette extrémité de l'ordre du jour." in page
    page = _text(secretary.post(f"/seances/{planned}/points", data={"title": " "}), 422)
    assert "Intitulé du point d'information exigé." in page


def test_the_agenda_is_frozen_once_convened_and_later_items_are_marked(world, secretary, planned):
    scheme = world.scheme("proposed", title="Médiateurs de nuit")
    assert _add(secretary, planned, scheme).status_code == 303
    assert _convene(secretary, world, planned).status_code == 303
    page = _text(secretary.get(f"/seances/{planned}"))
    assert "« Convoquer » effectué" in page and "Retirer de l'ordre du jour" not in page
    [(item_id, _, _)] = _items(world, planned)
    page = _text(secretary.post(f"/seances/{planned}/points/{item_id}/retirer"), 409)
    assert "L'ordre du jour est arrêté depuis la convocation" in page
    late = {"title": "Information tardive"}
    assert secretary.post(f"/seances/{planned}/points", data=late).status_code == 303
    assert "ajouté après la convocation" in _text(secretary.get(f"/seances/{planned}"))


def test_convening_on_a_stale_page_is_the_conflict_page(world, secretary, planned):
    stale = str(_version(world, planned))
    data = {**_plan_form(world.actors, title="COPIL déplacé"), "version": stale}
    assert secretary.post(f"/seances/{planned}/modifier", data=data).status_code == 303
    page = _text(
        secretary.post(f"/seances/{planned}/transitions/convene", data={"version": stale}), 409
    )
    assert "Conflit de modification" in page and "Réessayer sur la version à jour" in page
    assert _meeting(world, planned).state == "planned"


def test_cancelling_needs_a_comment(world, secretary, planned):
    version = str(_version(world, planned))
    url = f"/seances/{planned}/transitions/cancel"
    page = _text(secretary.post(url, data={"version": version, "comment": ""}), 422)
    assert "Annuler" in page and _meeting(world, planned).state == "planned"
    response = secretary.post(url, data={"version": version, "comment": "Préfet indisponible"})
    assert response.status_code == 303 and _meeting(world, planned).state == "cancelled"
    assert (
        secretary.post(f"/seances/{planned}/transitions/close", data={"version": "3"}).status_code
        == 404
    )


@pytest.fixture
def in_session(world, people, secretary, planned):
    """The planned meeting with a proposed scheme of the Préfecture's organisation, convened."""
    scheme = world.scheme("proposed", title="Médiateurs de nuit")
    assert _add(secretary, planned, scheme).status_code == 303
    assert _convene(secretary, world, planned).status_code == 303
    [(item_id, _, _)] = _items(world, planned)
    return planned, item_id, scheme


def test_attendance_with_a_proxy_and_its_refusals(world, people, secretary, in_session):
    meeting_id, _item, _scheme = in_session
    copil, copil2, prefecture = people["copil"], people["copil2"], people["prefecture"]
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert "3 membres sans présence relevée." in page
    page = _text(_attend(secretary, meeting_id, copil2, "represented", copil), 422)
    assert "Le pouvoir va à un membre présent." in page
    assert _attend(secretary, meeting_id, copil).status_code == 303
    assert _attend(secretary, meeting_id, copil2, "represented", copil).status_code == 303
    page = _text(_attend(secretary, meeting_id, prefecture, "represented", copil), 422)
    assert "Ce membre détient déjà un pouvoir (un seul chacun)." in page
    assert _text(_attend(secretary, meeting_id, people["cotech"]), 422).count(
        "Cette personne n'est pas convoquée à la séance."
    )
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert "Copil2 — représenté (pouvoir à Copil)" in page
    assert "quorum atteint : 2 membres présents ou représentés sur 3" in page


def test_no_decision_without_quorum_and_none_by_a_recused_member(
    world, people, secretary, ui, in_session
):
    meeting_id, item_id, _scheme = in_session
    page = _text(_decide(secretary, meeting_id, item_id, comment="Très bien"), 403)
    assert "Décision impossible, quorum non atteint : 0 membre présent ou représenté sur 2" in page
    assert 'value="approve" checked' in page and "Très bien" in page
    # A member of the scheme's organisation who is also a secretary records no decision on it.
    both = world.add_user("prefet", ["copil", "secretary"], world.organisation_id)
    data = _plan_form(people)
    data["members_copil"] = [str(people[k].id) for k in ("copil", "copil2", "prefecture")] + [
        str(both.id)
    ]
    version = str(_version(world, meeting_id))
    assert (
        secretary.post(
            f"/seances/{meeting_id}/modifier", data={**data, "version": version}
        ).status_code
        == 303
    )
    for who in (people["copil"], people["copil2"], both):
        assert _attend(secretary, meeting_id, who).status_code == 303
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert "Prefet (membre de « Ville de Fort-de-France »" in page
    assert "quorum atteint : 2 membres présents ou représentés sur 2" in page
    page = _text(_decide(ui("prefet"), meeting_id, item_id), 403)
    assert "Vous êtes déporté(e) de ce point" in page


def test_a_declared_conflict_recuses_the_member_and_the_quorum_follows(
    world, people, secretary, in_session
):
    meeting_id, item_id, _scheme = in_session
    for who in ("copil", "copil2"):
        assert _attend(secretary, meeting_id, people[who]).status_code == 303
    url = f"/seances/{meeting_id}/points/{item_id}/conflit"
    page = _text(secretary.post(url, data={"user_id": str(people["copil2"].id), "reason": ""}), 422)
    assert "Dites en quelques mots la nature du conflit d'intérêts." in page
    page = _text(
        secretary.post(url, data={"user_id": str(people["cotech"].id), "reason": "x"}), 422
    )
    assert "Cette personne n'est pas convoquée à la séance." in page
    data = {"user_id": str(people["copil2"].id), "reason": "Administrateur de l'association"}
    assert secretary.post(url, data=data).status_code == 303
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert "Copil2 (Administrateur de l'association)" in page
    assert "quorum atteint : 1 membre présent ou représenté sur 1" in page


def test_decisions_with_votes_and_their_refusals(world, people, secretary, in_session):
    meeting_id, item_id, _scheme = in_session
    for who in ("copil", "copil2"):
        assert _attend(secretary, meeting_id, people[who]).status_code == 303
    page = _text(_decide(secretary, meeting_id, item_id, votes_for="2", votes_against=""), 422)
    assert "indiquez les trois nombres, ou aucun" in page
    votes = {"votes_for": "2", "votes_against": "1", "votes_abstention": "0"}
    page = _text(_decide(secretary, meeting_id, item_id, **votes), 422)
    assert "3 voix pour 2 votants" in page
    page = _text(_decide(secretary, meeting_id, item_id, outcome="maybe"), 422)
    assert "Approuver, renvoyer au COTECH ou ne pas retenir." in page
    votes["votes_against"] = "0"
    response = _decide(secretary, meeting_id, item_id, conditions="Bilan à un an", **votes)
    assert response.status_code == 303
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert "COPIL-2027-01/D01</strong> : approuver — pour 2, contre 0, abstention 0" in page
    assert "Conditions : Bilan à un an" in page


def test_the_dry_run_then_the_close_apply_the_decisions(world, people, secretary, ui, in_session):
    meeting_id, item_id, scheme = in_session
    for who in ("copil", "copil2"):
        assert _attend(secretary, meeting_id, people[who]).status_code == 303
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert "1 point sans décision." in page and f"/seances/{meeting_id}/cloture" in page
    page = _text(secretary.get(f"/seances/{meeting_id}/cloture"))
    assert "aucune décision enregistrée : le dossier reste proposé" in page
    assert _decide(secretary, meeting_id, item_id).status_code == 303
    page = _text(secretary.get(f"/seances/{meeting_id}/cloture"))
    assert "Essai à blanc" in page and "sera appliquée" in page and "Confirmer la clôture" in page
    assert _meeting(world, meeting_id).state == "convened"  # the dry run changed nothing
    version = str(_version(world, meeting_id))
    response = secretary.post(f"/seances/{meeting_id}/cloture", data={"version": version})
    assert response.status_code == 303
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert "Séance COPIL-2027-01 clôturée : 1 décision appliquée." in page
    assert _meeting(world, meeting_id).state == "held"
    page = _text(ui("owner").get(f"/dispositifs/{scheme.id}"))
    assert "approuvé" in page and "COPIL-2027-01/D01" in page
    # Closing twice is refused in French, nothing applied again: on the page's version, then
    # on the version now current.
    page = _text(secretary.post(f"/seances/{meeting_id}/cloture", data={"version": version}), 409)
    assert "La séance a changé entre-temps." in page and "État actuel : tenue." in page
    current = str(_version(world, meeting_id))
    page = _text(secretary.post(f"/seances/{meeting_id}/cloture", data={"version": current}), 409)
    assert "La séance est tenue : action impossible." in page


def test_a_close_that_is_not_ready_shows_the_report_never_a_500(
    world, people, secretary, in_session
):
    meeting_id, item_id, _scheme = in_session
    for who in ("copil", "copil2"):
        assert _attend(secretary, meeting_id, people[who]).status_code == 303
    assert _decide(secretary, meeting_id, item_id, outcome="reject").status_code == 303
    page = _text(secretary.get(f"/seances/{meeting_id}/cloture"))
    assert "un commentaire motivant la décision est exigé" in page
    assert "Confirmer la clôture" not in page
    version = str(_version(world, meeting_id))
    page = _text(secretary.post(f"/seances/{meeting_id}/cloture", data={"version": version}), 422)
    assert "La séance n'a pas été clôturée : rien n'a été appliqué." in page
    assert "ne peut pas être appliquée" in page
    assert _meeting(world, meeting_id).state == "convened"


def test_closing_on_a_stale_page_is_a_conflict(world, people, secretary, in_session):
    meeting_id, item_id, _scheme = in_session
    for who in ("copil", "copil2"):
        assert _attend(secretary, meeting_id, people[who]).status_code == 303
    assert _decide(secretary, meeting_id, item_id).status_code == 303
    stale = str(_version(world, meeting_id))
    data = {**_plan_form(people, place="Salle du conseil"), "version": stale}
    assert secretary.post(f"/seances/{meeting_id}/modifier", data=data).status_code == 303
    page = _text(secretary.post(f"/seances/{meeting_id}/cloture", data={"version": stale}), 409)
    assert "La séance a changé entre-temps." in page
    assert _meeting(world, meeting_id).state == "convened"


def test_the_meeting_page_in_english(world, people, ui, in_session):
    meeting_id, _item, _scheme = in_session
    with UnitOfWork(world.db) as uow:
        set_locale(uow, people["secretary"], "en")
    secretary = ui("secretary")
    assert _attend(secretary, meeting_id, people["copil"]).status_code == 303
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert '<html lang="en">' in page
    assert "quorum not met: 1 member present or represented out of 3" in page
    assert "half of the members plus one" in page
    assert "Record the decision" in page and "Agenda" in page
    assert "quorum atteint" not in page and "Ordre du jour" not in page


def test_the_quorum_counts_no_one_in_the_singular_in_french_and_plural_in_english(
    world, people, ui, in_session
):
    meeting_id, _item, _scheme = in_session
    french = _text(ui("secretary").get(f"/seances/{meeting_id}"))
    assert "quorum non atteint : 0 membre présent ou représenté sur 3" in french
    with UnitOfWork(world.db) as uow:
        set_locale(uow, people["secretary"], "en")
    english = _text(ui("secretary").get(f"/seances/{meeting_id}"))
    assert "quorum not met: 0 members present or represented out of 3" in english


def test_the_meeting_page_links_its_documents_and_the_minutes_once_held(
    world, secretary, in_session
):
    meeting_id, _item, _scheme = in_session
    page = _text(secretary.get(f"/seances/{meeting_id}"))
    assert f"/seances/{meeting_id}/convocation.pdf" in page
    assert f"/seances/{meeting_id}/feuille-emargement.pdf" in page
    assert f"/seances/{meeting_id}/proces-verbal" not in page  # not held yet
