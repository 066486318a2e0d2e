"""What every page must pass in a real browser: axe-core, a 375 px screen, and a screenshot."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
BLOCKING_IMPACTS = {"serious", "critical"}
# The rules axe-core files under WCAG 2.x A and AA, plus its best practices (headings, landmarks).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def screenshot_directory() -> Path:
    """$MAILLAGE_SCREENSHOTS, else artifacts/screenshots/ at the root of the repository."""
    configured = os.environ.get("MAILLAGE_SCREENSHOTS")
    directory = Path(configured) if configured else REPO_ROOT / "artifacts" / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as `<name>-<width>.png` among the test artefacts."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = screenshot_directory() / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per element."""
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}) at {', '.join(map(str, node['target']))}: "
        f"{violation['help']} — {node.get('failureSummary', '').strip()}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
        for node in violation["nodes"]
    ]


# Elements sticking out to the right of the screen, except inside a scrolling .defilement box
# (the box itself must fit). The outermost come first, then the innermost, likely the cause.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.parentElement.closest('.defilement')) continue;
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) out.push(element);
  }
  const describe = (element) => {
    const id = element.id ? '#' + element.id : '';
    const classes = element.classList.length ? '.' + [...element.classList].join('.') : '';
    const box = element.getBoundingClientRect();
    const name = element.tagName.toLowerCase() + id + classes;
    return `${name} is ${Math.round(box.width)} px wide, ends at ${Math.round(box.right)} px`;
  };
  const innermost = out.filter((e) => !out.some((other) => other !== e && e.contains(other)));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    outermost: out.slice(0, 3).map(describe),
    innermost: innermost.slice(0, 8).map(describe),
  };
}"""


def overflow_problems(page: Page, width: int = 375) -> list[str]:
    """Why the page scrolls sideways at `width` px (nothing when it does not)."""
    measured = page.evaluate(OVERFLOW_SCRIPT)
    if measured["scrollWidth"] <= width:
        return []
    return [
        f"the page is {measured['scrollWidth']} px wide at {width} px",
        *(f"outermost: {line}" for line in measured["outermost"]),
        *(f"innermost: {line}" for line in measured["innermost"]),
    ]


def assert_page_is_sound(page: Page, name: str) -> None:
    """Screenshot the page, then require no serious axe violation and no sideways scrolling."""
    screenshot(page, name)
    width = page.viewport_size["width"] if page.viewport_size else 1280
    problems = accessibility_problems(page)
    if width <= 480:
        problems += overflow_problems(page, width)
    assert not problems, f"{page.url} at {width} px:\n" + "\n".join(problems)
