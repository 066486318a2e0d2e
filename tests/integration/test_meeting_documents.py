"""A meeting's documents: the convocation with its agenda, the attendance sheet, the minutes —
HTML and PDF, in French, each copy handed out audited."""

import re
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from engine.db.uow import UnitOfWork
from engine.documents import (
    attendance_sheet_document,
    convocation_document,
    minutes_document,
    to_pdf,
)
from engine.errors import Conflict, NotFound
from engine.models import AuditEvent, Meeting
from engine.services.documents import issue_document
from tests.integration.test_meeting_minutes import approve, edit, sit


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.fixture
def convened(world):
    """A convened COPIL meeting: a scheme, an information item, and a scheme added late."""
    first = world.scheme("proposed", title="Médiateurs de nuit", annual_budget="12000")
    late = world.scheme("proposed", title="Ajout tardif")
    return sit(
        world,
        [(first, "approve", {"votes": (3, 0, 0)})],
        information="Bilan du trimestre",
        late=(late, "send_back", {"comment": "À chiffrer"}),
        close=False,
    )


def _render(world, build, meeting_id, who="copil") -> str:
    with UnitOfWork(world.db) as uow:
        return build(uow, world.actors[who], meeting_id).html


def test_the_convocation_names_the_members_when_where_and_the_agenda(world, convened):
    text = _text(_render(world, convocation_document, convened.meeting_id))
    assert "Convocation et ordre du jour" in text
    assert "Comité de pilotage (COPIL) · COPIL-2027-01" in text
    assert "Jeudi 14 janvier 2027 à 09:00 (heure de Martinique)" in text
    assert "Hôtel de la CTM, Fort-de-France" in text and "Secretary" in text
    for name in ("Copil", "Copil2", "Copil3", "Prefecture"):
        assert f" {name} " in text
    assert "Prefecture Ville de Fort-de-France" in text  # a member and their organisation
    assert "la moitié des membres plus un" in text
    assert "Avis favorable" in text and "12\u202f000,00\xa0€" in text
    assert "Bilan du trimestre" in text and "pour information" in text
    assert text.count("jouté après la convocation") == 2  # in the summary and on its page
    assert re.findall(r"Point n°(\d+) · (\w+)", text) == [
        ("1", "Dispositif"),
        ("2", "Pour"),
        ("3", "Dispositif"),
    ]
    assert "membre de « Ville de Fort-de-France »" in text  # the automatic recusal


def test_the_attendance_sheet_has_each_member_a_signature_box_and_the_proxies(world, convened):
    html = _render(world, attendance_sheet_document, convened.meeting_id)
    text = _text(html)
    assert "Feuille d'émargement" in text
    assert html.count('<td class="signature"></td>') == 4
    assert "Copil2 Représenté" in text and "pouvoir donné à Copil" in text
    assert "détient le pouvoir de Copil2" in text
    assert "Prefecture Excusé Ville de Fort-de-France" in text
    assert "4 membres convoqués" in text


def test_the_minutes_wait_for_the_meeting_to_be_held(world, convened):
    with UnitOfWork(world.db) as uow, pytest.raises(Conflict) as refused:
        minutes_document(uow, world.actors["copil"], convened.meeting_id)
    assert refused.value.message == (
        "La séance est convoquée : son procès-verbal s'écrit une fois tenue."
    )


def test_unknown_meetings_are_not_found(world):
    with UnitOfWork(world.db) as uow, pytest.raises(NotFound):
        convocation_document(uow, world.actors["copil"], 424242)


def test_the_minutes_are_a_draft_then_show_their_sha256_once_approved(world, tmp_path):
    sitting = sit(world, [(world.scheme("proposed", title="Médiateurs"), "approve", {})])
    draft = _text(_render(world, minutes_document, sitting.meeting_id))
    assert "Projet de procès-verbal" in draft and "SHA-256" not in draft
    edit(world, sitting.meeting_id, "PROCÈS-VERBAL relu et corrigé.\nDécision D01 adoptée.\n")
    digest = approve(world, sitting.meeting_id)
    html = _render(world, minutes_document, sitting.meeting_id)
    text = _text(html)
    assert "Procès-verbal approuvé" in text and digest in text
    assert "PROCÈS-VERBAL relu et corrigé." in text and "Projet" not in text
    with UnitOfWork(world.db) as uow:
        pdf = to_pdf(minutes_document(uow, world.actors["copil"], sitting.meeting_id).html)
    in_pdf = _pdf_text(pdf, tmp_path)
    assert "Procès-verbal approuvé" in in_pdf and "Décision D01 adoptée." in in_pdf
    assert digest[:16] in in_pdf.replace("\n", "").replace(" ", "")


def test_minutes_changed_after_approval_are_printed_with_a_warning(world):
    sitting = sit(world, [(world.scheme("proposed"), "approve", {})])
    approve(world, sitting.meeting_id)
    with UnitOfWork(world.db) as uow:
        conn = uow.begin_write()
        table = Meeting.__table__
        conn.execute(update(table).values(minutes="Falsifié\n"))
        uow.commit()
    text = _text(_render(world, minutes_document, sitting.meeting_id))
    assert "Attention : Le procès-verbal de COPIL-2027-01 a été modifié" in text


def test_the_convocation_and_sheet_as_pdf_read_in_french_and_are_audited(world, tmp_path):
    ref = world.scheme("proposed", title="Médiateurs de nuit")
    starts = datetime(2027, 3, 4, 18, 30, tzinfo=UTC)  # 14:30 in Martinique
    sitting = sit(world, [(ref, "approve", {})], starts_at=starts, close=False)
    actor = world.actors["copil"]
    with UnitOfWork(world.db) as uow:
        convocation = issue_document(
            uow, actor, convocation_document(uow, actor, sitting.meeting_id), "pdf"
        )
        sheet = issue_document(
            uow, actor, attendance_sheet_document(uow, actor, sitting.meeting_id), "pdf"
        )
    text = _pdf_text(convocation, tmp_path)
    assert "Jeudi 4 mars 2027 à 14:30" in text and "Médiateurs de nuit" in text
    assert "Feuille d'émargement" in _pdf_text(sheet, tmp_path)
    with UnitOfWork(world.db) as uow:
        prints = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "print").order_by(AuditEvent.position)
        ).all()
    assert [(e.record_type, e.record_id, e.data["document"]) for e in prints] == [
        ("meeting", sitting.meeting_id, "convocation"),
        ("meeting", sitting.meeting_id, "attendance_sheet"),
    ]
    assert prints[0].record_reference == "COPIL-2027-01"
