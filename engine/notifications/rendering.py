"""The notifications' templates: French and English, a subject, plain text and HTML.

A template `name` is three files under `engine/notifications/templates/<locale>/`:
`name.subject.txt` (one line), `name.txt` (plain text) and `name.html` (the HTML part, which
extends `layout.html`). Their context is the message's JSON context plus `base_url`; instants
and days arrive as ISO strings and are shown by the `moment` and `day` filters.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

from babel.dates import format_date, format_time
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from engine.clock import local
from engine.french import formatting

LOCALES = ("fr", "en")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None


def render(template: str, locale: str, context: dict[str, Any]) -> Rendered:
    """Render a notification's subject, text and HTML in the recipient's language."""
    env = environment(locale if locale in LOCALES else "fr")
    subject = env.get_template(f"{template}.subject.txt").render(**context)
    text = env.get_template(f"{template}.txt").render(**context)
    html = env.get_template(f"{template}.html").render(**context)
    return Rendered(" ".join(subject.split()), text.strip() + "\n", html)


@cache
def environment(locale: str) -> Environment:
    """The templates of one language, with its date filters; HTML autoescaped, text not."""
    env = Environment(
        loader=PackageLoader("engine", f"notifications/templates/{locale}"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The templates ship with the code: never stat their files again at each render.
        auto_reload=False,
    )
    env.filters.update(day=_day(locale), moment=_moment(locale), money=formatting.money)
    return env


def _day(locale: str):
    @lru_cache(maxsize=1024)
    def day(value: str | date | None) -> str:
        if value is None:
            return formatting.NOTHING
        value = date.fromisoformat(value[:10]) if isinstance(value, str) else value
        if locale == "fr":
            return formatting.day(value)
        return format_date(value, "dd/MM/yyyy", locale="en_GB")

    return day


def _moment(locale: str):
    # The same instant is shown to each recipient of an event, in two parts: formatted once.
    @lru_cache(maxsize=1024)
    def moment(value: str | datetime | None) -> str:
        if value is None:
            return formatting.NOTHING
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        if locale == "fr":
            return formatting.moment(value)
        there = local(value)
        return f"{format_date(there.date(), 'dd/MM/yyyy', locale='en_GB')} at " + format_time(
            there.time(), "HH:mm", locale="en_GB"
        )

    return moment
