"""Text as people type it: compare without case, accents or punctuation."""

import re
import unicodedata
from collections.abc import Callable

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURE_LETTERS = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}


class _Translation(dict):
    """A str.translate table filled per character as met: translate() then stays in C.

    A plain table lacking most characters makes translate() raise and catch a LookupError for
    each of them, slower than folding the text in Python.
    """

    def __init__(self, rule: Callable[[str], str | None]) -> None:
        super().__init__()
        self.rule = rule

    def __missing__(self, code: int) -> str | None:
        value = self[code] = self.rule(chr(code))
        return value


_LIGATURES = _Translation(lambda c: _LIGATURE_LETTERS.get(c, c))
_MARKS = _Translation(lambda c: None if unicodedata.combining(c) else c)


def fold(text: str | None) -> str:
    """Return text lower-cased, without accents or ligatures ("Réussite " → "reussite")."""
    if not text:
        return ""
    if text.isascii():
        # Nothing to decompose: most cells of an import take this path, ten times faster.
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return " ".join(decomposed.translate(_MARKS).casefold().split())


def key(text: str | None) -> str:
    """Return a matching key: folded, punctuation and spaces removed ("Budget (€)" → "budget")."""
    return _NOT_WORD.sub("", fold(text))


def searchable(*parts: str | None) -> str:
    """Return the folded text a search column stores for these parts."""
    return fold(" ".join(p for p in parts if p))


# A cell starting with one of these is a formula to a spreadsheet: a quote in front makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(text: str) -> str:
    """Return text a spreadsheet will never run as a formula (=HYPERLINK(…), =cmd|…)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard_formula(text: str) -> str:
    """Undo guard_formula: remove the quote our own export put before a formula-like text."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text
