"""Administration pages: admins only, every change through an audited engine service."""

import io

import pytest
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent, Organisation, Scheme, User, VocabularyTerm

NEW_PASSWORD = "une phrase assez longue et rare"


def last_event(world, action: str) -> AuditEvent | None:
    with UnitOfWork(world.db) as uow:
        query = select(AuditEvent).where(AuditEvent.action == action)
        return uow.session.scalar(query.order_by(AuditEvent.position.desc()))


def user(world, key: str) -> User:
    with UnitOfWork(world.db) as uow:
        found = uow.session.get(User, world.actors[key].id)
        found.roles  # noqa: B018 (loaded before the unit of work closes)
        return found


def pages(world) -> list[str]:
    owner = world.actors["owner"].id
    return [
        "/administration",
        "/administration/utilisateurs",
        f"/administration/utilisateurs/{owner}",
        "/administration/structures",
        f"/administration/structures/{world.organisation_id}",
        "/administration/vocabulaires",
        "/administration/import",
    ]


def actions(world) -> list[tuple[str, dict]]:
    owner = world.actors["owner"].id
    return [
        ("/administration/utilisateurs", {"email": "x@example.mq", "name": "X", "roles": "copil"}),
        (f"/administration/utilisateurs/{owner}/droits", {"roles": "cotech"}),
        (f"/administration/utilisateurs/{owner}/activite", {"active": "0"}),
        (f"/administration/utilisateurs/{owner}/mot-de-passe", {"password": NEW_PASSWORD}),
        ("/administration/structures", {"name": "Nouvelle", "kind": "association"}),
        (f"/administration/structures/{world.organisation_id}", {"name": "Autre nom"}),
        ("/administration/vocabulaires/theme", {"code": "nouveau", "label_fr": "N"}),
        ("/administration/vocabulaires/termes/1", {"label_fr": "N", "label_en": "N"}),
        ("/administration/import", {}),
        ("/administration/import/confirmer", {"token": "0" * 32}),
    ]


def test_every_page_is_shown_to_an_admin(ui, world) -> None:
    admin = ui("admin")
    for path in pages(world):
        assert admin.get(path).status_code == 200, path


@pytest.mark.parametrize("key", ["owner", "cotech", "copil"])
def test_every_page_and_action_is_refused_to_others(ui, world, key) -> None:
    other = ui(key)
    for path in pages(world):
        assert other.get(path).status_code == 403, path
    for path, data in actions(world):
        assert other.post(path, data).status_code == 403, path
    assert last_event(world, "user_create") is None or "x@" not in str(
        last_event(world, "user_create").changes
    )


def test_anonymous_visitors_are_sent_to_sign_in(browser, world) -> None:
    for path in pages(world):
        response = browser.get(path)
        assert response.status_code == 302 and response.location.startswith("/connexion?next=")
    browser.get("/connexion")
    for path, data in actions(world):
        assert browser.post(path, data).status_code == 302, path


def test_the_users_list_shows_each_account(ui) -> None:
    page = ui("admin").get("/administration/utilisateurs").get_data(as_text=True)
    assert "owner@example.mq" in page and "Ville de Fort-de-France" in page
    assert "Membre du COTECH" in page


def test_an_admin_creates_an_account_with_roles_and_organisation(ui, world) -> None:
    response = ui("admin").post(
        "/administration/utilisateurs",
        {
            "email": "Agent@Example.mq",
            "name": "Agent Nouveau",
            "roles": ["owner", "cotech"],
            "organisation_id": str(world.organisation_id),
            "password": NEW_PASSWORD,
        },
    )
    assert response.location == "/administration/utilisateurs"
    event = last_event(world, "user_create")
    assert event.changes["roles"]["after"] == ["cotech", "owner"]
    assert event.actor_id == world.actors["admin"].id


def test_a_bad_account_shows_errors_by_field_and_keeps_the_input(ui, world) -> None:
    response = ui("admin").post(
        "/administration/utilisateurs",
        {
            "email": "pas-une-adresse",
            "name": "Agent Gardé",
            "roles": "owner",
            "password": "azertyuiop123",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Adresse électronique invalide." in page
    assert "Un porteur de dispositif est rattaché à une structure." in page
    assert "trop courant" in page
    assert 'value="Agent Gardé"' in page and 'value="pas-une-adresse"' in page
    assert "azertyuiop123" not in page
    with UnitOfWork(world.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(User)) == len(world.actors)


def test_a_role_and_organisation_change_is_audited_and_ends_sessions(ui, world) -> None:
    cotech = ui("cotech")
    response = ui("admin").post(
        f"/administration/utilisateurs/{world.actors['cotech'].id}/droits",
        {"roles": ["cotech", "owner"], "organisation_id": str(world.other_organisation_id)},
    )
    assert response.status_code == 302
    changed = user(world, "cotech")
    assert changed.roles == {"cotech", "owner"}
    assert changed.organisation_id == world.other_organisation_id
    assert last_event(world, "user_roles").record_id == changed.id
    assert last_event(world, "user_organisation").changes["organisation_id"] == {
        "before": None,
        "after": world.other_organisation_id,
    }
    assert cotech.get("/compte").status_code == 302


def test_an_owner_without_organisation_is_refused_next_to_the_field(ui, world) -> None:
    response = ui("admin").post(
        f"/administration/utilisateurs/{world.actors['owner'].id}/droits",
        {"roles": "owner", "organisation_id": ""},
    )
    assert response.status_code == 422
    assert "Un porteur de dispositif est rattaché à une structure." in response.get_data(
        as_text=True
    )
    assert user(world, "owner").organisation_id == world.organisation_id


def test_deactivation_and_reactivation_are_audited_and_end_sessions(ui, world, browser) -> None:
    owner = ui("owner")
    admin = ui("admin")
    path = f"/administration/utilisateurs/{world.actors['owner'].id}/activite"
    assert admin.post(path, {"active": "0"}).status_code == 302
    assert owner.get("/compte").status_code == 302
    assert browser.sign_in("owner@example.mq").status_code == 401
    assert last_event(world, "user_deactivate") is not None
    admin.post(path, {"active": "1"})
    assert last_event(world, "user_reactivate") is not None
    assert browser.sign_in("owner@example.mq").status_code == 302


def test_an_admin_cannot_deactivate_their_own_account(ui, world) -> None:
    path = f"/administration/utilisateurs/{world.actors['admin'].id}/activite"
    response = ui("admin").post(path, {"active": "0"})
    assert response.status_code == 403
    assert "votre propre compte" in response.get_data(as_text=True)


def test_a_temporary_password_ends_the_sessions_and_is_audited(ui, world, browser) -> None:
    owner = ui("owner")
    path = f"/administration/utilisateurs/{world.actors['owner'].id}/mot-de-passe"
    admin = ui("admin")
    refused = admin.post(path, {"password": "martinique972"})
    assert refused.status_code == 422 and "trop courant" in refused.get_data(as_text=True)
    assert admin.post(path, {"password": NEW_PASSWORD}).status_code == 302
    assert owner.get("/compte").status_code == 302
    assert browser.sign_in("owner@example.mq", NEW_PASSWORD).status_code == 302
    assert last_event(world, "password_reset").actor_id == world.actors["admin"].id


def test_an_unknown_user_answers_404(ui) -> None:
    assert ui("admin").get("/administration/utilisateurs/99999").status_code == 404


def test_organisations_are_created_and_edited_with_an_audit_trail(ui, world) -> None:
    admin = ui("admin")
    created = admin.post(
        "/administration/structures", {"name": "Ville du Lamentin", "kind": "commune", "siren": ""}
    )
    assert created.status_code == 302
    assert last_event(world, "organisation_create").record_reference == "Ville du Lamentin"
    path = f"/administration/structures/{world.organisation_id}"
    edited = admin.post(
        path, {"name": "Mairie de Fort-de-France", "kind": "commune", "siren": "219 722 097"}
    )
    assert edited.status_code == 302
    event = last_event(world, "organisation_edit")
    assert event.changes == {
        "name": {"before": "Ville de Fort-de-France", "after": "Mairie de Fort-de-France"}
    }


def test_a_bad_organisation_shows_its_errors_and_changes_nothing(ui, world) -> None:
    path = f"/administration/structures/{world.organisation_id}"
    response = ui("admin").post(path, {"name": "Nom tapé", "kind": "commune", "siren": "123456789"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Numéro SIREN invalide." in page and 'value="Nom tapé"' in page
    with UnitOfWork(world.db) as uow:
        assert (
            uow.session.get(Organisation, world.organisation_id).name == "Ville de Fort-de-France"
        )
    duplicate = ui("admin").post(
        "/administration/structures",
        {"name": "association horizon JEUNESSE", "kind": "association"},
    )
    assert duplicate.status_code == 422
    assert "Cette structure existe déjà" in duplicate.get_data(as_text=True)


def test_a_vocabulary_term_is_added_and_its_labels_edited_not_its_code(ui, world) -> None:
    admin = ui("admin")
    response = admin.post(
        "/administration/vocabulaires/theme",
        {"code": "aide_aux_devoirs", "label_fr": "Aide aux devoirs", "label_en": "Homework help"},
    )
    assert response.status_code == 302
    assert last_event(world, "vocabulary_term_create").record_reference == "theme:aide_aux_devoirs"
    with UnitOfWork(world.db) as uow:
        term = uow.session.scalar(
            select(VocabularyTerm).where(VocabularyTerm.code == "aide_aux_devoirs")
        )
    response = admin.post(
        f"/administration/vocabulaires/termes/{term.id}",
        {"label_fr": "Soutien scolaire", "label_en": "Homework help", "code": "autre"},
    )
    assert response.status_code == 302
    with UnitOfWork(world.db) as uow:
        term = uow.session.get(VocabularyTerm, term.id)
        assert (term.code, term.label_fr) == ("aide_aux_devoirs", "Soutien scolaire")
    assert last_event(world, "vocabulary_term_edit").changes == {
        "label_fr": {"before": "Aide aux devoirs", "after": "Soutien scolaire"}
    }
    assert "Soutien scolaire" in admin.get("/administration/vocabulaires").get_data(as_text=True)


def test_a_bad_term_is_refused_next_to_its_field(ui, world) -> None:
    response = ui("admin").post(
        "/administration/vocabulaires/public",
        {"code": "Élèves du collège", "label_fr": "Collégiens", "label_en": ""},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Code attendu" in page and "Libellé obligatoire" in page
    assert 'value="Collégiens"' in page
    assert last_event(world, "vocabulary_term_create") is None


CENSUS = (
    "Intitulé;Porteur;Communes concernées\n"
    "Médiation de rue;Ville de Fort-de-France;Le Lamentin\n"
    "Aide aux devoirs;Ville de Fort-de-France;Lamantin\n"
).encode()


def upload(admin, content: bytes = CENSUS, name: str = "recensement.csv"):
    return admin.post(
        "/administration/import",
        {"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def schemes(world) -> int:
    with UnitOfWork(world.db) as uow:
        return uow.session.scalar(select(func.count()).select_from(Scheme))


def test_an_import_is_previewed_then_confirmed(ui, world) -> None:
    admin = ui("admin")
    before = schemes(world)
    preview = upload(admin)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Aperçu de l'import" in page and "Rien n'a encore été enregistré." in page
    assert "vouliez-vous dire Le Lamentin" in page
    assert schemes(world) == before
    token = page.split('name="token" value="')[1].split('"')[0]
    done = admin.post(
        "/administration/import/confirmer", {"token": token, "filename": "recensement.csv"}
    )
    assert done.status_code == 200
    assert "Import réalisé" in done.get_data(as_text=True)
    assert schemes(world) == before + 1
    assert last_event(world, "import").actor_id == world.actors["admin"].id
    again = admin.post("/administration/import/confirmer", {"token": token})
    assert again.status_code == 404  # a previewed file is imported once


def test_an_unreadable_file_is_refused_on_the_form(ui) -> None:
    response = upload(ui("admin"), b"\x00\x01pas un tableur", "photo.csv")
    assert response.status_code == 422
    assert 'class="erreur"' in response.get_data(as_text=True)


def raw_upload(admin, content: bytes):
    # The multipart body is built here: the test client would spool a large one to a temporary
    # file it never closes.
    boundary = "limite-maillage"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{admin.csrf}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="grand.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return admin.client.post(
        "/administration/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_an_import_may_be_larger_than_the_general_limit_but_not_over_20_mb(ui) -> None:
    admin = ui("admin")
    admin.get("/administration/import")
    big = CENSUS + b"Note;" + b"x" * (3 * 1024 * 1024)  # 3 MB: over the 2 MB of other forms
    assert raw_upload(admin, big).status_code in (200, 422)
    response = raw_upload(admin, b"x" * (21 * 1024 * 1024))
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)
