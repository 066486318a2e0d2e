"""Copy the screenshots docs/ui.md shows from the browser tests' artefacts into docs/images/ui/.

Run the browser tests first (`make test PYTEST_ARGS=tests/browser`), then
`.venv/bin/python -m tests.browser.docs_images`. Long pages are cut to a readable height and
every image is reduced to 256 colours, so the repository stays small.
"""

import sys
from pathlib import Path

from PIL import Image

from tests.browser.checks import REPO_ROOT, screenshot_directory

TARGET = REPO_ROOT / "docs" / "images" / "ui"
# Screenshot (as the tests name it) → the most of its height worth showing, in pixels.
CHOSEN = {
    "connexion-375": 740,
    "a-traiter-1280": 1000,
    "dispositifs-1280": 1100,
    "dispositifs-375": 1400,
    "dispositif-nouveau-1280": 1700,
    "dispositif-1280": 2000,
    "dispositif-375": 1800,
    "conflit-1280": 1400,
    "mutualisation-nouvelle-1280": 1500,
    "mutualisation-1280": 1700,
    "tableau-de-bord-1280": 1800,
    "workflows-1280": 1500,
    "journal-1280": 1400,
    "administration-utilisateurs-1280": 1100,
}


def copy(name: str, max_height: int, source: Path) -> Path:
    """Cut one screenshot to `max_height` and write it, in 256 colours, under docs/images/ui/."""
    with Image.open(source / f"{name}.png") as image:
        width, height = image.size
        cut = image.convert("RGB").crop((0, 0, width, min(height, max_height)))
        target = TARGET / f"{name}.png"
        cut.quantize(colors=256).save(target, optimize=True)
    return target


def main() -> int:
    source = screenshot_directory()
    TARGET.mkdir(parents=True, exist_ok=True)
    missing = [name for name in CHOSEN if not (source / f"{name}.png").exists()]
    if missing:
        print(f"missing in {source}: {', '.join(missing)} (run the browser tests first)")
        return 1
    for name, max_height in CHOSEN.items():
        print(copy(name, max_height, source).relative_to(REPO_ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
