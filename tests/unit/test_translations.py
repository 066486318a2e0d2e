"""The English catalogue covers every French message of the interface, compiled and consistent.

A string newly wrapped in `_()` fails here until `make translations` has been run and its English
form written in web/translations/en/LC_MESSAGES/messages.po (see docs/translations.md).
"""

import re
from collections import Counter
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "web" / "translations" / "en" / "LC_MESSAGES"
# The same keywords as `make translations` (pybabel's defaults plus these).
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
# %(name)s, %s, %d… and {name}; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdrfi]|%[sdrfi]|\{[A-Za-z_]\w*\}")


@cache
def extracted() -> dict[str, list[str]]:
    """Map each message id the sources use (the singular for plurals) to where it occurs."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, list[str]] = {}
    for path, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found.setdefault(key, []).append(f"{path}:{line}")
    return found


@cache
def catalogue() -> Catalog:
    with open(CATALOGUE / "messages.po", "rb") as po:
        return read_po(po)


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string or ""]


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _plain(value):
    # read_mo gives a plural's forms as a list, read_po as a tuple.
    return tuple(value) if isinstance(value, list | tuple) else value


def test_every_extracted_message_has_an_english_translation():
    translated = {_key(m) for m in catalogue() if m.id and all(f.strip() for f in _forms(m))}
    missing = [
        f"{mid!r} ({', '.join(where)})"
        for mid, where in extracted().items()
        if mid not in translated
    ]
    assert not missing, "Untranslated, run `make translations` then translate:\n" + "\n".join(
        missing
    )


def test_no_translation_is_fuzzy_or_stale():
    fuzzy = [_key(m) for m in catalogue() if m.id and m.fuzzy]
    stale = [_key(m) for m in catalogue() if m.id and _key(m) not in extracted()]
    assert not fuzzy, f"Fuzzy (check, then remove the `#, fuzzy` flag): {fuzzy}"
    assert not stale, f"No longer in the sources (run `make translations`): {stale}"


def test_compiled_catalogue_matches_the_po_file():
    with open(CATALOGUE / "messages.mo", "rb") as mo:
        compiled = read_mo(mo)
    expected = {_plain(m.id): _plain(m.string) for m in catalogue() if m.id and not m.fuzzy}
    actual = {_plain(m.id): _plain(m.string) for m in compiled if m.id}
    assert actual == expected, "messages.mo is out of date: run `make translations`"


def test_placeholders_match_between_french_and_english():
    wrong = []
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for index, form in enumerate(_forms(message)):
            source = ids[min(index, len(ids) - 1)]
            if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(form)):
                wrong.append(f"{source!r} → {form!r}")
    assert not wrong, "Placeholders differ:\n" + "\n".join(wrong)
