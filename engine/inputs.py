"""Transition inputs (comment, decision reference, target date…): types and validation."""

from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from engine.errors import InvalidInput

INPUT_TYPES = {"text", "date"}
REQUIRED_MESSAGE = "Ce champ est obligatoire."


def _field(spec) -> fields.Field:
    if spec.type == "date":
        return fields.Date(required=spec.required, allow_none=not spec.required)
    limits = validate.Length(min=1 if spec.required else 0, max=spec.max_length or 5000)
    return fields.String(required=spec.required, allow_none=not spec.required, validate=limits)


def build_input_schema(name: str, specs: dict) -> type[Schema]:
    """Return the marshmallow schema validating the inputs of one transition."""
    declared = {key: _field(spec) for key, spec in specs.items()}
    return Schema.from_dict(declared, name=f"{name.title()}Inputs")


def validate_inputs(schema: Schema, raw: dict[str, Any] | None) -> dict[str, Any]:
    """Validate raw inputs, trimming text; raise InvalidInput with French messages per field."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in (raw or {}).items()}
    data = {k: v for k, v in data.items() if v not in ("", None)}
    try:
        return schema.load(data, unknown=RAISE)
    except ValidationError as exc:
        raise InvalidInput(_french(exc.normalized_messages())) from exc


def _french(messages: dict) -> dict[str, list[str]]:
    translations = {
        "Missing data for required field.": REQUIRED_MESSAGE,
        "Unknown field.": "Champ inconnu.",
        "Not a valid date.": "Date invalide (format attendu : AAAA-MM-JJ).",
        "Not a valid string.": "Texte attendu.",
        "Field may not be null.": REQUIRED_MESSAGE,
    }
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        items = value if isinstance(value, list) else [str(value)]
        out[key] = [translations.get(m, _length(m)) for m in items]
    return out


def _length(message: str) -> str:
    if message.startswith("Length must be"):
        return "Longueur invalide : " + message.removeprefix("Length must be ").rstrip(".") + "."
    return message


def jsonable_inputs(values: dict[str, Any]) -> dict[str, Any]:
    """Inputs as stored in the audit log: dates as ISO strings."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
