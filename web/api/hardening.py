"""Bad input under /api/ gets a 4xx in the one error shape before any view reads it.

A body is read once here, strictly: JSON only (415 otherwise), UTF-8 only, no NaN or Infinity,
at most MAX_DEPTH levels of nesting (400); then no integer beyond the database's range and no
character the database cannot store (422, per field). Path ids beyond that range match no route.
"""

import json
from decimal import Decimal

from flask import Flask, current_app, request
from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.routing import IntegerConverter

from web.context import is_api_request
from web.errors import error_response

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_DEPTH = 20
# BIGINT on PostgreSQL, INTEGER on SQLite: one more and the driver raises instead of answering.
MAX_INTEGER = 2**63 - 1


class BadBody(ValueError):
    """A body the API refuses to read, with the French sentence that says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in a route, capped at the database's range: a larger id is simply not found."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(url_map, *args, **kwargs)


def register_hardening(app: Flask, api) -> None:
    """Check every /api/ body before its view; bound path ids (call before the blueprints)."""
    app.url_map.converters["int"] = BoundedIntConverter
    api.register_converter(BoundedIntConverter, integerconverter2paramschema)
    api.ma_plugin.converter.add_attribute_function(decimal_bounds_as_numbers)
    app.before_request(_check_request)


def takes_files(view):
    """Let an endpoint receive a multipart/form-data upload instead of JSON."""
    view.takes_files = True
    return view


def _takes_files() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "takes_files", False))


def decimal_bounds_as_numbers(converter, field, ret: dict, **kwargs) -> dict:
    """Document a Decimal field's Range as numbers: apispec leaves Decimals, JSON makes strings."""
    return {k: float(v) for k, v in ret.items() if isinstance(v, Decimal)}


def _check_request():
    if not is_api_request():
        return None
    if "\x00" in request.path or any("\x00" in k + v for k, v in request.args.items(multi=True)):
        return error_response(400, "Requête invalide : caractère nul dans l'adresse.")
    if request.method not in BODY_METHODS:
        return None
    if request.mimetype == "multipart/form-data" and _takes_files():
        return None  # a file streamed to its view, which reads it strictly itself
    data = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: werkzeug raises the 413
    if not data:
        return None  # an action without input (webargs reads an empty body as no body)
    if not request.is_json:
        return error_response(415)
    try:
        body = parse_json(data)
    except BadBody as exc:
        return error_response(400, exc.message)
    errors = unstorable_values(body)
    if errors:
        return error_response(422, errors=errors)
    return None


def parse_json(data: bytes):
    """Return the JSON value of a body, or raise BadBody saying what is wrong with it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("JSON invalide : encodage UTF-8 attendu.") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadBody(_too_deep()) from None
    except json.JSONDecodeError as exc:
        raise BadBody(f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno}).") from None
    except ValueError as exc:  # an integer of more than 4,300 digits, NaN, Infinity
        raise BadBody(f"JSON invalide : {exc}") from None
    if _deeper_than(value, MAX_DEPTH):
        raise BadBody(_too_deep())
    return value


def unstorable_values(value, path: str = "") -> dict[str, list[str]]:
    """Return {"field.0.sub": [French message]} for each value no database column can hold."""
    errors: dict[str, list[str]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else key
            if not _storable(key):
                errors.setdefault(path or "_schema", []).append(f"Nom de champ invalide : {key!r}.")
            errors.update(unstorable_values(item, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors.update(unstorable_values(item, f"{path}.{index}" if path else str(index)))
    elif isinstance(value, str) and not _storable(value):
        errors[path or "_schema"] = ["Caractère nul ou invalide dans le texte."]
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        errors[path or "_schema"] = ["Nombre hors limites."]
    return errors


def _storable(text: str) -> bool:
    # PostgreSQL refuses NUL in text; a lone surrogate (from a "\ud800" escape) is no UTF-8.
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _deeper_than(value, levels: int) -> bool:
    # Stops descending past the limit: json.loads builds up to ~1,000 levels before it gives up.
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        return False
    return levels == 0 or any(_deeper_than(item, levels - 1) for item in value)


def _refuse_constant(name: str):
    raise ValueError(f"« {name} » n'est pas un nombre JSON.")


def _too_deep() -> str:
    return f"JSON invalide : plus de {MAX_DEPTH} niveaux d'imbrication."
