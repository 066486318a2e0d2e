"""Files waiting between a preview and its confirmation, in the instance folder.

Each waits under a random name tied to the user who sent it, so the confirmation takes exactly
the file previewed, and only its sender can; files left more than a day are swept away.
"""

import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from engine.errors import NotFound
from web.context import actor

TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEPT_FOR = 24 * 3600  # seconds a previewed file waits for its confirmation


def _folder(kind: str) -> Path:
    folder = Path(current_app.instance_path) / kind
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def keep(kind: str, save: Callable[[Path], None]) -> str:
    """Keep a file (`save` writes it at the path given) and return its token."""
    folder = _folder(kind)
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - KEPT_FOR:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    save(folder / f"{actor().id}-{token}")
    return token


def forget(kind: str, token: str) -> None:
    """Drop a kept file (a refused preview's)."""
    if TOKEN.match(token):
        (_folder(kind) / f"{actor().id}-{token}").unlink(missing_ok=True)


def kept(kind: str, token: str) -> Path:
    """Return the path of this user's kept file; 404 if there is none."""
    if not TOKEN.match(token):
        raise NotFound()
    path = _folder(kind) / f"{actor().id}-{token}"
    if not path.is_file():
        raise NotFound()
    return path


@contextmanager
def taken(kind: str, token: str) -> Iterator[Path]:
    """Yield the path of this user's kept file, then forget it; 404 if there is none."""
    path = kept(kind, token)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
