"""The notification frequency: on the account page, in the admin's user page and in the API;
audited; back to immediate, what was held for a digest is released. The coordinator role, and
the workflow page's reminders and escalation."""

from sqlalchemy import select

from engine.db.uow import UnitOfWork
from engine.models import FREQUENCIES, ROLES, AuditEvent, OutboxMessage, User
from engine.notifications.outbox import Message, enqueue
from web.ui.labels import FREQUENCY_NAMES, ROLE_NAMES


def _user(world, key: str) -> User:
    with UnitOfWork(world.db) as uow:
        user = uow.session.get(User, world.actors[key].id)
        uow.session.expunge(user)
        return user


def _changes(world) -> list[dict]:
    with UnitOfWork(world.db) as uow:
        query = select(AuditEvent).where(AuditEvent.action == "user_notification_frequency")
        return [event.changes for event in uow.session.scalars(query.order_by(AuditEvent.position))]


def _hold(world, key: str, n: int, clock) -> None:
    actor = world.actors[key]
    messages = [
        Message(
            f"event:{i}:user:{actor.id}",
            "record_waiting",
            actor.label,
            held=True,
            recipient_id=actor.id,
        )
        for i in range(n)
    ]
    with UnitOfWork(world.db) as uow:
        enqueue(uow.begin_write(), messages, clock())
        uow.commit()


def _statuses(world) -> list[str]:
    with UnitOfWork(world.db) as uow:
        return list(uow.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_the_labels_written_out_for_the_catalogue_are_the_engines():
    assert {k: str(v) for k, v in ROLE_NAMES.items()} == ROLES
    assert {k: str(v) for k, v in FREQUENCY_NAMES.items()} == FREQUENCIES


def test_a_user_chooses_a_daily_digest_on_their_account_page(ui, world):
    owner = ui("owner")
    page = owner.get("/compte").get_data(as_text=True)
    assert "Fréquence des notifications" in page
    assert 'value="immediate" checked' in page
    response = owner.post("/compte/notifications", {"notification_frequency": "daily"})
    assert response.location == "/compte"
    page = owner.get("/compte").get_data(as_text=True)
    assert 'value="daily" checked' in page
    assert "Votre préférence de notification est enregistrée." in page
    assert _user(world, "owner").notification_frequency == "daily"
    assert _changes(world) == [
        {"notification_frequency": {"before": "immediate", "after": "daily"}}
    ]


def test_a_wrong_frequency_is_refused_next_to_the_field(ui, world):
    response = ui("owner").post("/compte/notifications", {"notification_frequency": "hourly"})
    assert response.status_code == 422
    assert "Valeur attendue parmi : immediate, daily, weekly." in response.get_data(as_text=True)
    assert _user(world, "owner").notification_frequency == "immediate"
    assert _changes(world) == []


def test_the_same_frequency_again_writes_no_event(ui, world):
    ui("owner").post("/compte/notifications", {"notification_frequency": "immediate"})
    assert _changes(world) == []


def test_back_to_immediate_the_held_messages_are_released(ui, world, test_clock):
    owner = ui("owner")
    owner.post("/compte/notifications", {"notification_frequency": "weekly"})
    _hold(world, "owner", 2, test_clock)
    _hold(world, "cotech", 1, test_clock)
    owner.post("/compte/notifications", {"notification_frequency": "daily"})
    assert _statuses(world) == ["held", "held", "held"]
    owner.post("/compte/notifications", {"notification_frequency": "immediate"})
    assert _statuses(world) == ["pending", "pending", "held"]  # the COTECH's stay held


def test_the_english_page_names_the_frequencies_in_english(ui):
    owner = ui("owner")
    owner.post("/langue", {"locale": "en"})
    page = owner.get("/compte").get_data(as_text=True)
    assert "One digest a day" in page and "Email notifications" in page


def test_an_admin_changes_a_users_frequency_on_their_page(ui, world):
    admin = ui("admin")
    path = f"/administration/utilisateurs/{world.actors['copil'].id}"
    assert 'value="immediate" checked' in admin.get(path).get_data(as_text=True)
    response = admin.post(path + "/notifications", {"notification_frequency": "weekly"})
    assert response.location == path
    assert _user(world, "copil").notification_frequency == "weekly"
    wrong = admin.post(path + "/notifications", {"notification_frequency": ""})
    assert wrong.status_code == 422
    assert (
        ui("owner").post(path + "/notifications", {"notification_frequency": "daily"}).status_code
        == 403
    )


def test_the_admin_lists_the_coordinator_role(ui, world):
    page = ui("admin").get("/administration/utilisateurs").get_data(as_text=True)
    assert 'value="coordinator"' in page and "Coordinateur du COTECH" in page


def test_the_api_shows_and_changes_the_frequency(api, world):
    own = f"/api/v1/users/{world.actors['owner'].id}"
    assert api["owner"].get(own).json["notification_frequency"] == "immediate"
    changed = api["owner"].patch(own, json={"notification_frequency": "weekly"})
    assert changed.status_code == 200 and changed.json["notification_frequency"] == "weekly"
    other = f"/api/v1/users/{world.actors['copil'].id}"
    refused = api["owner"].patch(other, json={"notification_frequency": "weekly"})
    assert refused.status_code == 403
    # Only an admin changes anything else, even of their own account.
    assert (
        api["owner"]
        .patch(own, json={"notification_frequency": "daily", "active": True})
        .status_code
        == 403
    )
    bad = api["owner"].patch(own, json={"notification_frequency": "hourly"})
    assert bad.status_code == 422
    by_admin = api["admin"].patch(
        other, json={"notification_frequency": "daily", "roles": ["copil", "coordinator"]}
    )
    assert by_admin.status_code == 200
    assert by_admin.json["notification_frequency"] == "daily"
    assert by_admin.json["roles"] == ["coordinator", "copil"]
    assert len(_changes(world)) == 2


def test_the_workflow_page_says_when_reminders_and_escalation_go(ui):
    owner = ui("owner")
    page = owner.get("/workflows").get_data(as_text=True)
    assert "rappel 3 jours avant" in page
    assert "7 jours de retard : coordinateur du COTECH prévenu" in page
    assert "7 jours de retard : secrétaire de séance prévenu" in page
    owner.post("/langue", {"locale": "en"})
    page = owner.get("/workflows").get_data(as_text=True)
    assert "reminder 3 days before" in page and "7 days late: COTECH coordinator told" in page
