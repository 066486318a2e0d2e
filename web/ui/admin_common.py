"""What the administration pages share: the list of organisations."""

from sqlalchemy import select

from engine.models import Organisation
from web.context import reading


def organisations() -> list[Organisation]:
    """Every organisation, by name."""
    return list(reading().session.scalars(select(Organisation).order_by(Organisation.search_text)))
