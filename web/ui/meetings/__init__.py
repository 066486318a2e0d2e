"""Committee meetings (séances): the calendar, planning a meeting, its page — who is convened
and how they attend, the agenda with its recusals and decisions — and closing it.

The blueprint lives in `blueprint.py`; importing the view modules registers their routes.
"""

from web.ui.meetings import agenda, closing, pages, sitting  # noqa: F401 (registers routes)
from web.ui.meetings.blueprint import blueprint

__all__ = ["blueprint"]
