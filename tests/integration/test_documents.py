"""Printable documents: case files, the COPIL's agenda (its meeting's convocation) and record of
decisions, their audit. Every decision of the COPIL is taken in session, through a meeting."""

import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape
from sqlalchemy import func, select

from cli.main import main
from engine.clock import local
from engine.db.database import Database
from engine.db.uow import UnitOfWork
from engine.documents import (
    attendance_sheet_document,
    case_file_document,
    convocation_document,
    copil_decisions_document,
    minutes_document,
    render_case_file,
    render_copil_decisions,
    to_pdf,
)
from engine.errors import NotFound
from engine.models import AuditEvent, Meeting, Pooling, Scheme, VocabularyTerm
from engine.records.fields import POOLING_COLUMNS, SCHEME_COLUMNS
from engine.services.comments import add_comment
from engine.services.common import RecordRef
from engine.services.documents import issue_document
from engine.services.records import edit_record
from tests.factories import World
from tests.integration.test_meeting_minutes import sit

NNBSP, NBSP = "\u202f", "\xa0"  # Babel's fr_FR thousands separator, and before "€"
DECISION = "COPIL-2027-01/D01"  # the first decision of the first COPIL meeting of 2027
EVERY_FIELD = {
    "age_min": 12,
    "age_max": 25,
    "annual_budget": "10000",
    "capacity": 1200,
    "beneficiaries_last_year": 845,
    "start_date": date(2024, 3, 15),
    "end_date": date(2027, 6, 30),
    "legal_basis": "Fonds interministériel de prévention de la délinquance (FIPD)",
    "contact_name": "Maryse Éloi",
    "contact_phone": "0596 12 34 56",
    "url": "https://mediation.example.mq",
    "funders": [{"name": "Préfecture de la Martinique", "amount": "6000"}],
    "partners": [{"name": "Club de prévention du Lamentin", "role": "operateur"}],
}


def _text(html: str) -> str:
    """The text a reader sees: tags dropped, entities kept as written by the escaping."""
    # Only ASCII spaces are collapsed: the no-break spaces of amounts are part of the value.
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def _case(world: World, actor: str, record) -> str:
    with UnitOfWork(world.db) as uow:
        return render_case_file(uow, world.actors[actor], record)


def _edit(world: World, ref: RecordRef, who: str, data: dict) -> None:
    with UnitOfWork(world.db) as uow:
        edit_record(uow, ref, data, world.actors[who])


def _comment(world: World, ref: RecordRef, who: str, body: str) -> None:
    with UnitOfWork(world.db) as uow:
        add_comment(uow, ref, world.actors[who], body)


def _events(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return uow.connection.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


@pytest.fixture
def approved(world: World) -> RecordRef:
    """A scheme with every field filled, taken through changes, review, proposal, and approved
    by the COPIL in session."""
    ref = world.scheme("draft", title="Médiateurs de rue", **EVERY_FIELD)
    world.fire(ref, "submit", "owner")
    world.fire(ref, "request_changes", "cotech", {"comment": "Précisez le budget."})
    _edit(world, ref, "owner", {"annual_budget": "12500.50"})
    world.fire(ref, "submit", "owner")
    world.fire(ref, "review", "cotech2")
    world.fire(ref, "propose", "cotech", {"target_date": date(2025, 12, 9)})
    _comment(world, ref, "cotech2", "Dossier complet, avis favorable.")
    sit(world, [(ref, "approve", {"votes": (3, 0, 0)})])
    return ref


def test_case_file_shows_every_field_with_its_french_label_and_value(world, approved):
    html = _case(world, "cotech", approved)
    for name, (label, _) in SCHEME_COLUMNS.items():
        assert str(escape(label)) in html, name
    text = _text(html)
    assert f"12{NNBSP}500,50{NBSP}€" in text
    assert f"6{NNBSP}000,00{NBSP}€" in text
    assert "15/03/2024" in text and "30/06/2027" in text
    assert "Fort-de-France (COM-97209)" in text and "Le Lamentin (COM-97213)" in text
    assert "Approuvé par le COPIL" in text
    assert DECISION in text
    assert "Club de prévention du Lamentin" in text and "Opérateur" in text
    assert "Préfecture de la Martinique" in text
    assert f"1{NNBSP}200" in text and "0596 12 34 56" in text
    with UnitOfWork(world.db) as uow:
        labels = uow.session.scalars(
            select(VocabularyTerm.label_fr).where(
                VocabularyTerm.code.in_(["mediation_tranquillite", "adolescents", "mediation"])
            )
        ).all()
    assert len(labels) == 3
    for label in labels:
        assert str(escape(label)) in html


def test_case_file_timeline_lists_every_event_in_order_in_french(world, approved):
    html = _case(world, "cotech", approved)
    assert re.findall(r'class="event event-(\w+)"', html) == [
        "create",
        "edit",
        "submit",
        "request_changes",
        "edit",
        "submit",
        "review",
        "propose",
        "comment",
        "approve",
    ]
    actions = re.findall(r'<div class="action"><strong>(.*?)</strong>', html)
    assert actions == [
        "Création",
        "Modification",
        "Soumettre",
        "Demander des compléments",
        "Modification",
        "Soumettre",
        str(escape("Valider l'examen")),
        "Proposer au COPIL",
        "Commentaire",
        "Approuver",
    ]
    text = _text(html)
    for name in ("Owner", "Cotech", "Cotech2", "Secretary"):
        assert name in text
    assert "brouillon → enregistré" in text
    assert "proposé au COPIL → approuvé par le COPIL" in text
    assert "Précisez le budget." in text and "Dossier complet, avis favorable." in text
    # The owner's edit of the budget, before → after, formatted as money.
    assert re.search(
        rf'<td class="before">10{NNBSP}000,00{NBSP}€</td><td>12{NNBSP}500,50{NBSP}€</td>', html
    )
    assert f"Référence de la décision : {DECISION}" in text
    assert "Date de COPIL visée : 09/12/2025" in text


def test_case_file_escapes_what_users_typed(world):
    ref = world.scheme("recorded", title='Atelier <script>alert("x")</script>')
    html = _case(world, "cotech", ref)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize("actor", ["cotech", "other_owner", "copil"])
def test_a_draft_case_file_is_not_found_by_whoever_may_not_see_it(world, actor):
    ref = world.scheme("draft", title="Brouillon confidentiel")
    with pytest.raises(NotFound):
        _case(world, actor, ref)


@pytest.mark.parametrize("actor", ["owner", "owner2", "admin"])
def test_a_draft_case_file_is_printed_for_its_owners_and_admins(world, actor):
    ref = world.scheme("draft", title="Brouillon confidentiel")
    assert "Brouillon confidentiel" in _case(world, actor, ref)


def test_a_case_file_is_found_by_reference(world, approved):
    with UnitOfWork(world.db) as uow:
        document = case_file_document(uow, world.actors["copil"], approved)
        reference = document.record_reference
    assert "Médiateurs de rue" in _case(world, "copil", reference.lower())
    with pytest.raises(NotFound):
        _case(world, "copil", "DSP-1999-0001")


def test_pooling_case_file_lists_members_and_totals(world):
    first = world.scheme("reviewed", title="Médiation Nord", annual_budget="1000.50")
    second = world.scheme(
        "reviewed", title="Médiation Sud", annual_budget="2000", territories=["COM-97224"]
    )
    ref = world.pooling("proposed", members=[first, second])
    html = _case(world, "cotech", ref)
    for name, (label, _) in POOLING_COLUMNS.items():
        assert str(escape(label)) in html, name
    text = _text(html)
    assert "Médiation Nord" in text and "Médiation Sud" in text
    assert text.count("Examiné par le COTECH") == 2
    assert f"3{NNBSP}000,50{NBSP}€" in text
    assert "Saint-Joseph (COM-97224)" in text and "Fort-de-France (COM-97209)" in text
    assert "Fusion" in text and "Proposée au COPIL" in text
    assert re.findall(r'class="event event-(\w+)"', html) == ["create", "review", "propose"]


def _agenda_items(html: str) -> list[tuple[str, str]]:
    return re.findall(r"Point n°\d+ · (\w+) · ([A-Z]{3}-\d{4}-\d{4})", html)


def test_a_meetings_agenda_lists_its_items_with_the_cotech_comments(world):
    proposed = world.scheme("draft", title="Écoute jeunes")
    world.fire(proposed, "submit", "owner")
    world.fire(proposed, "request_changes", "cotech", {"comment": "Ajoutez les horaires."})
    world.fire(proposed, "submit", "owner")
    world.fire(proposed, "review", "cotech2")
    world.fire(proposed, "propose", "cotech")
    _comment(world, proposed, "cotech2", "Priorité pour le quartier.")
    _comment(world, proposed, "owner", "Merci pour votre retour.")
    pooling = world.pooling("proposed")
    world.scheme("proposed", title="Proposé, pas inscrit")
    first = sit(world, [(pooling, "approve", {})], close=False)
    second = sit(world, [(proposed, "approve", {})], close=False)
    with UnitOfWork(world.db) as uow:
        html = convocation_document(uow, world.actors["copil"], first.meeting_id).html
        other = convocation_document(uow, world.actors["copil"], second.meeting_id).html
        pooling_reference = uow.session.get(Pooling, pooling.id).reference
        scheme_reference = uow.session.get(Scheme, proposed.id).reference
    assert _agenda_items(html) == [("Mutualisation", pooling_reference)]
    assert _agenda_items(other) == [("Dispositif", scheme_reference)]
    text = _text(other)
    assert "Jeudi 14 janvier 2027 à 09:00" in text
    assert "Ajoutez les horaires." in text and "Priorité pour le quartier." in text
    assert "Merci pour votre retour." not in text
    assert "Proposé, pas inscrit" not in text and "Proposé, pas inscrit" not in _text(html)


JANUARY_2025 = datetime(2025, 1, 10, 15, 0, tzinfo=UTC)


def test_copil_decisions_list_the_decisions_of_the_period_only(world):
    old = world.scheme("proposed", title="Décidé il y a longtemps")
    sit(world, [(old, "approve", {})], starts_at=JANUARY_2025, clock=lambda: JANUARY_2025)
    recent = world.scheme("proposed", title="Approuvé récemment")
    back = world.scheme("proposed", title="Renvoyé au COTECH")
    no = world.scheme("proposed", title="Rejeté par le COPIL")
    world.scheme("rejected", title="Rejeté par le COTECH")  # not a COPIL decision
    pooled = world.pooling("proposed")
    sit(
        world,
        [
            (recent, "approve", {}),
            (back, "send_back", {"comment": "Chiffrez les besoins."}),
            (no, "reject", {"comment": "Doublon avec un dispositif existant."}),
            (pooled, "approve", {"conditions": "Une convention commune"}),
        ],
    )
    with UnitOfWork(world.db) as uow:
        last_days = render_copil_decisions(uow, world.actors["cotech"])
        january = render_copil_decisions(
            uow, world.actors["cotech"], date(2025, 1, 1), date(2025, 1, 31)
        )
        pooling_reference = uow.session.get(Pooling, pooled.id).reference
    text = _text(last_days)
    for title in ("Approuvé récemment", "Renvoyé au COTECH", "Rejeté par le COPIL"):
        assert title in text
    assert "Décidé il y a longtemps" not in text and "Rejeté par le COTECH" not in text
    assert pooling_reference in text and "COPIL-2027-01/D04" in text
    assert "COPIL-2027-01/D01" in text and "Une convention commune" in text
    assert "Chiffrez les besoins." in text and "Doublon avec un dispositif existant." in text
    assert "4 décisions" in text
    january_text = _text(january)
    assert "Décidé il y a longtemps" in january_text and "COPIL-2025-01/D01" in january_text
    assert "1 décision." in january_text and "Approuvé récemment" not in january_text


def test_pdf_is_a_pdf_with_the_text_of_the_document(world, approved, tmp_path):
    with UnitOfWork(world.db) as uow:
        pdf = to_pdf(render_case_file(uow, world.actors["copil"], approved))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "dossier.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Médiateurs de rue" in text
    assert "Décision" in text and DECISION in text


def test_each_document_handed_out_adds_one_print_event(world, approved):
    with UnitOfWork(world.db) as uow:
        meeting_id = uow.session.scalar(select(Meeting.id))
    builders = [
        (lambda uow, a: case_file_document(uow, a, approved), "scheme", "case_file", "pdf"),
        (lambda uow, a: convocation_document(uow, a, meeting_id), "meeting", "convocation", "html"),
        (
            lambda uow, a: attendance_sheet_document(uow, a, meeting_id),
            "meeting",
            "attendance_sheet",
            "pdf",
        ),
        (lambda uow, a: minutes_document(uow, a, meeting_id), "meeting", "minutes", "html"),
        (lambda uow, a: copil_decisions_document(uow, a), "copil", "copil_decisions", "html"),
    ]
    actor = world.actors["copil"]
    for build, record_type, name, fmt in builders:
        before = _events(world.db)
        with UnitOfWork(world.db) as uow:
            content = issue_document(uow, actor, build(uow, actor), fmt)
        assert content
        assert _events(world.db) == before + 1
        with UnitOfWork(world.db) as uow:
            event = uow.session.scalars(
                select(AuditEvent).order_by(AuditEvent.position.desc()).limit(1)
            ).one()
        assert (event.action, event.record_type, event.actor_id) == ("print", record_type, actor.id)
        assert event.data["document"] == name and event.data["format"] == fmt
        expected = {"scheme": approved.id, "meeting": meeting_id, "copil": None}[record_type]
        assert event.record_id == expected


def test_rendering_alone_writes_nothing(world, approved):
    before = _events(world.db)
    with UnitOfWork(world.db) as uow:
        render_case_file(uow, world.actors["copil"], approved)
        convocation_document(uow, world.actors["copil"], uow.session.scalar(select(Meeting.id)))
    assert _events(world.db) == before


def test_cli_writes_html_and_pdf(world, approved, tmp_path: Path, test_clock):
    env = {"MAILLAGE_DATABASE_URL": world.db.url.render_as_string(hide_password=False)}
    with UnitOfWork(world.db) as uow:
        reference = case_file_document(uow, world.actors["copil"], approved).record_reference
    # The COPIL's next meeting, whatever day the test clock says it is.
    soon = test_clock() + timedelta(days=2)
    sit(world, [], starts_at=soon, title="COPIL de la semaine", close=False)
    runner = CliRunner()
    html, pdf = tmp_path / "dossier.html", tmp_path / "dossier.pdf"
    agenda, decisions = tmp_path / "odj.pdf", tmp_path / "decisions.html"
    until = (local(test_clock()).date() + timedelta(days=1)).strftime("%d/%m/%Y")
    for args in (
        ["case-file", reference, "-o", str(html)],
        ["case-file", reference, "-o", str(pdf)],
        ["copil", "agenda", "-o", str(agenda)],
        ["copil", "decisions", "--since", "01/01/2024", "--until", until, "-o", str(decisions)],
    ):
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
        assert "Document écrit" in result.output
    assert "Médiateurs de rue" in html.read_text(encoding="utf-8")
    assert pdf.read_bytes().startswith(b"%PDF") and agenda.read_bytes().startswith(b"%PDF")
    agenda_text = subprocess.run(
        ["pdftotext", "-layout", str(agenda), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "COPIL de la semaine" in agenda_text and "Convocation et ordre du jour" in agenda_text
    assert DECISION in decisions.read_text(encoding="utf-8")
    with UnitOfWork(world.db) as uow:
        prints = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all()
    assert [e.data["format"] for e in prints] == ["html", "pdf", "pdf", "html"]
    assert all(e.actor_label.startswith("ligne de commande") for e in prints)


def test_cli_refuses_unknown_references_extensions_and_dates(world, tmp_path: Path):
    env = {"MAILLAGE_DATABASE_URL": world.db.url.render_as_string(hide_password=False)}
    runner = CliRunner()
    missing = runner.invoke(
        main, ["case-file", "DSP-1999-0001", "-o", str(tmp_path / "a.pdf")], env=env
    )
    assert missing.exit_code == 1 and "DSP-1999-0001" in missing.output
    wrong = runner.invoke(main, ["copil", "agenda", "-o", str(tmp_path / "a.docx")], env=env)
    assert wrong.exit_code == 1 and ".html ou .pdf" in wrong.output
    none = runner.invoke(main, ["copil", "agenda", "-o", str(tmp_path / "a.pdf")], env=env)
    assert none.exit_code == 1
    assert "Aucune séance du COPIL n'est prévue le" in none.output
    assert "maillage meeting plan" in none.output
    bad_date = runner.invoke(
        main,
        ["copil", "decisions", "--since", "2025-01-01", "-o", str(tmp_path / "d.html")],
        env=env,
    )
    assert bad_date.exit_code == 2 and "jj/mm/aaaa" in bad_date.output
    assert not any(tmp_path.iterdir())
