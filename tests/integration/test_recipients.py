"""Who is told: active users by role, and the owners of an organisation, one query each."""

from sqlalchemy import event, update

from engine.db.uow import UnitOfWork
from engine.models.user import User
from engine.notifications.recipients import (
    owners_by_organisation,
    owners_of,
    with_roles,
    with_roles_by_role,
)


def emails(recipients):
    return [r.email for r in recipients]


def test_users_by_role_are_the_active_holders_each_once(world):
    with UnitOfWork(world.db) as uow:
        uow.begin_write().execute(
            update(User).where(User.email == "cotech2@example.mq").values(active=False)
        )
        uow.commit()
    with UnitOfWork(world.db) as uow:
        found = with_roles(uow.connection, ["cotech", "copil", "coordinator"])
        grouped = with_roles_by_role(uow.connection, ["cotech", "coordinator"])
        nobody = with_roles(uow.connection, [])
    assert emails(found) == ["cotech@example.mq", "copil@example.mq", "copil2@example.mq"]
    assert emails(grouped["cotech"]) == ["cotech@example.mq"] and grouped["coordinator"] == []
    assert nobody == []
    [cotech] = grouped["cotech"]
    assert (cotech.locale, cotech.frequency, cotech.held) == ("fr", "immediate", False)


def test_the_owners_of_organisations_in_one_query(world):
    with UnitOfWork(world.db) as uow:
        uow.begin_write().execute(
            update(User)
            .where(User.email == "owner2@example.mq")
            .values(locale="en", notification_frequency="weekly")
        )
        uow.commit()
    statements = []
    with UnitOfWork(world.db) as uow:
        conn = uow.connection
        event.listen(conn, "before_cursor_execute", lambda *a: statements.append(a[2]))
        owners = owners_by_organisation(
            conn, [world.organisation_id, world.other_organisation_id, 999_999]
        )
    assert len(statements) == 1
    assert emails(owners[world.organisation_id]) == ["owner@example.mq", "owner2@example.mq"]
    assert emails(owners[world.other_organisation_id]) == ["other_owner@example.mq"]
    assert owners[999_999] == []
    second = owners[world.organisation_id][1]
    assert (second.locale, second.frequency, second.held) == ("en", "weekly", True)
    with UnitOfWork(world.db) as uow:
        assert emails(owners_of(uow.connection, world.other_organisation_id)) == [
            "other_owner@example.mq"
        ]
