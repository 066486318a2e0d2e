"""The Jinja2 environment of the printable documents, built once, on first use."""

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from engine.documents.display import territory_label
from engine.french import formatting


@cache
def environment() -> Environment:
    """Return the documents' environment: autoescaped templates and the French filters."""
    env = Environment(
        loader=PackageLoader("engine", "documents/templates"),
        autoescape=True,
        # A misspelt variable must fail the rendering, not print an empty cell in a record.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=formatting.money,
        number=formatting.number,
        day=formatting.day,
        long_day=formatting.long_day,
        moment=formatting.moment,
        # Jinja's own `capitalize` lowers the rest: "proposer au COPIL" would lose its capitals.
        sentence=sentence,
        territory=territory_label,
    )
    return env


def sentence(text: str) -> str:
    """Return the text with its first letter in upper case, the rest untouched."""
    return text[:1].upper() + text[1:]


def render(template: str, **context) -> str:
    """Render one document template with its context."""
    return environment().get_template(template).render(**context)
