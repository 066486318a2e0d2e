"""The SSMSI indicators Maillage knows, and the themes whose schemes answer each (data)."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

INDICATORS_YAML = Path(__file__).resolve().parents[1] / "reference" / "ssmsi_indicators.yaml"


@dataclass(frozen=True)
class Indicator:
    name: str  # the SSMSI's French name, as in the files
    label_en: str
    themes: tuple[str, ...]


@cache
def indicators() -> dict[str, Indicator]:
    """Return the indicators by their French name, in the data file's order."""
    data = yaml.safe_load(INDICATORS_YAML.read_text(encoding="utf-8"))
    return {
        item["name"]: Indicator(item["name"], item["en"], tuple(item["themes"]))
        for item in data["indicators"]
    }


def indicator_names() -> frozenset[str]:
    return frozenset(indicators())
