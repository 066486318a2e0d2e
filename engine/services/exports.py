"""Export the inventory (CSV, XLSX, JSON, open data), then record the export in the audit log.

Two transactions, on purpose. The schemes are read in the caller's unit of work, a read
transaction (one snapshot on SQLite); the audit event is then appended in a second, short write
unit of work. Reading inside the write transaction would hold SQLite's database-wide write lock
for as long as the file takes to write (seconds for 10,000 schemes, longer to a slow disk),
blocking every edit and transition meanwhile. An export that fails leaves no event; an event
that cannot be written makes the export fail (the command line then deletes the file).
"""

from collections.abc import Callable
from dataclasses import replace
from typing import BinaryIO

from engine.db.uow import UnitOfWork
from engine.errors import InvalidInput, NotPermitted
from engine.exporting import csv_export, json_export, open_data, xlsx_export
from engine.exporting.source import Inventory
from engine.queries.inventory import InventoryFilter
from engine.records import audit
from engine.rules.policy import Actor, inactive_reason
from engine.services.common import log_apart

WRITERS: dict[str, Callable[[Inventory, BinaryIO], int]] = {
    "csv": csv_export.write,
    "xlsx": xlsx_export.write,
    "json": json_export.write,
    "dispositif-aide": open_data.write,
}
FORMATS = tuple(WRITERS)
# The open-data file publishes what the COPIL approved, unless states are chosen.
OPEN_DATA_STATES = ("approved",)


def export_inventory(
    uow: UnitOfWork,
    actor: Actor,
    fmt: str,
    filters: InventoryFilter,
    out: BinaryIO,
    *,
    on_skip: Callable[[str, str], None] | None = None,
) -> int:
    """Write the schemes `actor` may see that match `filters` to `out`; audit; return the count.

    `on_skip` is told (reference, reason) of each scheme the format cannot hold (open data
    requires fields a draft may lack).
    """
    if fmt not in WRITERS:
        raise InvalidInput({"format": [f"Format inconnu : {fmt} (choix : {', '.join(FORMATS)})."]})
    if not actor.active:
        raise NotPermitted(inactive_reason())
    filters = effective_filters(fmt, filters)
    inventory = Inventory(uow.session, actor, filters, uow.workflows, on_skip=on_skip)
    count = WRITERS[fmt](inventory, out)
    # End the read transaction before taking the write lock for the audit event.
    uow.close()
    _record(uow, actor, fmt, filters, count, inventory.skipped)
    return count


def effective_filters(fmt: str, filters: InventoryFilter) -> InventoryFilter:
    """Return the filter an export applies: open data defaults to approved schemes."""
    if fmt == "dispositif-aide" and not filters.states:
        return replace(filters, states=OPEN_DATA_STATES)
    return filters


def _record(
    uow: UnitOfWork,
    actor: Actor,
    fmt: str,
    filters: InventoryFilter,
    count: int,
    skipped: list[str],
) -> None:
    data = {"format": fmt, "filters": filters.as_dict(), "count": count}
    if skipped:
        data["skipped"] = skipped
    log_apart(
        uow,
        lambda now: audit.Entry(
            record_type="export",
            action="export",
            occurred_at=now,
            actor_id=actor.id,
            actor_label=actor.label,
            data=data,
        ),
    )
