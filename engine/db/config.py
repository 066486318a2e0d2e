"""Settings read from the environment, shared by the command line and the web application."""

import contextlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY_FILE = "secret_key"


@dataclass(frozen=True)
class Settings:
    """Where Maillage keeps its files, which database it uses, and the key that signs sessions."""

    instance_path: Path
    database_url: str
    secret_key: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        """Read the settings from MAILLAGE_* variables, with defaults under the instance folder."""
        instance = Path(environ.get("MAILLAGE_INSTANCE_PATH") or REPO_ROOT / "instance")
        instance = instance.expanduser().resolve()
        database_url = environ.get("MAILLAGE_DATABASE_URL") or _default_database_url(instance)
        secret_key = environ.get("MAILLAGE_SECRET_KEY") or _stored_secret_key(instance)
        return cls(instance_path=instance, database_url=database_url, secret_key=secret_key)


def _default_database_url(instance: Path) -> str:
    instance.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance / 'maillage.db'}"


def _stored_secret_key(instance: Path) -> str:
    """Read the instance's secret key, generating it (readable by its owner only) if absent."""
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        _write_new_key(path)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"{path} est vide : supprimez-le pour qu'une clé soit générée.")
    return key


def _write_new_key(path: Path) -> None:
    # Written aside (mkstemp creates it 0600) then linked into place: a concurrent reader never
    # sees a half-written key, and of two processes starting together the first key wins.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
