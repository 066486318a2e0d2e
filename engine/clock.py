"""Time as the domain sees it: aware UTC instants, shown in Martinique time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MARTINIQUE = ZoneInfo("America/Martinique")


def utcnow() -> datetime:
    """Return the current instant, timezone-aware, in UTC.

    Code that is not handed a clock uses `system_clock`, which looks this function up when it is
    called: the test suite replaces it with its test clock, so no test depends on today's date.
    """
    return datetime.now(UTC)


def system_clock() -> datetime:
    """The default clock of units of work and of the web application: `utcnow`, looked up now."""
    return utcnow()


def local(instant: datetime) -> datetime:
    """Return an instant in America/Martinique time."""
    return instant.astimezone(MARTINIQUE)
