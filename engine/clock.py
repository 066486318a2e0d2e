"""Time as the domain sees it: aware UTC instants, shown in Martinique time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MARTINIQUE = ZoneInfo("America/Martinique")


def utcnow() -> datetime:
    """Return the current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local(instant: datetime) -> datetime:
    """Return an instant in America/Martinique time."""
    return instant.astimezone(MARTINIQUE)
