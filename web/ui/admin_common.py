"""What the administration pages share: write units of work on the app's clock, lists."""

from sqlalchemy import select

from engine.models import Organisation
from engine.uow import UnitOfWork
from web.security import clock
from web.ui.common import database, uow


def write() -> UnitOfWork:
    """A write unit of work on the application's clock."""
    return UnitOfWork(database(), clock=clock())


def organisations() -> list[Organisation]:
    """Every organisation, by name."""
    return list(uow().session.scalars(select(Organisation).order_by(Organisation.search_text)))
