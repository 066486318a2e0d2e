"""A PostgreSQL database of a benchmark's own, beside the one the tests use on the same server:
made fresh, reused when kept, dropped."""

from dataclasses import dataclass

from engine.db.database import Database


@dataclass(frozen=True)
class BenchDatabase:
    server_url: str  # any database URL on the server, e.g. postgresql+psycopg://…/test
    name: str

    @property
    def url(self) -> str:
        return self.server_url.rsplit("/", 1)[0] + f"/{self.name}"

    def exists(self) -> bool:
        found = self._admin(f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'")
        return found is not None

    def fresh(self) -> str:
        """Drop it if it is there, create it empty, and return its URL."""
        self.drop()
        self._admin(f"CREATE DATABASE {self.name}")
        return self.url

    def drop(self) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def _admin(self, sql: str):
        db = Database(self.server_url)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            result = conn.exec_driver_sql(sql)
            found = result.first() if result.returns_rows else None
        db.dispose()
        return found
