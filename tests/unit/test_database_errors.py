import pytest

from engine.db.database import Database
from engine.errors import DatabaseNotReady


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://maillage:s3cr3t-pw@db.example:port/maillage",
        "nosuchdialect://maillage:s3cr3t-pw@db.example/maillage",
        "mysql://maillage:s3cr3t-pw@db.example/maillage",
    ],
)
def test_a_bad_database_url_is_refused_without_showing_its_password(url):
    with pytest.raises(DatabaseNotReady) as refused:
        Database(url)
    assert "s3cr3t-pw" not in str(refused.value)
    assert "Adresse de base de données invalide" in str(refused.value)
