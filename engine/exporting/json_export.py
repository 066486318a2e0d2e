"""The inventory as a JSON array of schemes, each as the REST API represents it.

Streamed: one scheme at a time is encoded and written, never the whole array as one string.
"""

import json
from typing import BinaryIO

from engine.exporting.source import Inventory
from engine.records.representation import scheme_dict


def write(inventory: Inventory, out: BinaryIO) -> int:
    """Write the schemes as a UTF-8 JSON array of scheme_dict; return how many."""
    count = 0
    out.write(b"[")
    for scheme in inventory.schemes():
        out.write(b"\n" if count == 0 else b",\n")
        out.write(json.dumps(scheme_dict(scheme), ensure_ascii=False).encode("utf-8"))
        count += 1
    out.write(b"\n]\n" if count else b"]\n")
    return count
