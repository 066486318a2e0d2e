"""Users and organisations as the audit log records them."""

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from engine.rules.policy import SYSTEM
from engine.services.users import add_user


def test_a_user_with_a_long_email_is_created_and_audited_on_every_backend(world):
    email = "marie-christine.de-la-grande-riviere.coordination-clspd@ville-de-fort-de-france.mq"
    with UnitOfWork(world.db) as uow:
        user = add_user(uow, SYSTEM, email, "Marie-Christine", ["cotech"], "phrase de passe longue")
    with UnitOfWork(world.db) as uow:
        event = (
            uow.session.query(AuditEvent).filter_by(action="user_create", record_id=user.id).one()
        )
        assert event.record_reference == email
