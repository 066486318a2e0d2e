"""The db fixture: a database of the run's backend, at head, committed to for real, never shared."""

import pytest
from sqlalchemy import text

from engine.db.migrate import current_revision, head_revision

INSERT_ORGANISATION = (
    "INSERT INTO organisation (name, kind, created_at) "
    "VALUES ('Ville du Lamentin', 'commune', '2026-01-01 00:00:00+00')"
)


def test_db_is_at_head_on_the_backend_of_the_run(db, backend):
    assert db.engine.dialect.name == backend
    assert current_revision(db) == head_revision()


@pytest.mark.parametrize("attempt", [1, 2])
def test_db_starts_empty_and_keeps_what_is_committed(db, attempt):
    # Run twice: the second attempt would break the unique name if a database were reused.
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM organisation")).scalar() == 0
        connection.execute(text(INSERT_ORGANISATION))

    with db.session() as session:
        assert session.execute(text("SELECT name FROM organisation")).scalars().all() == [
            "Ville du Lamentin"
        ]
