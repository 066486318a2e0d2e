"""Transition inputs (comment, decision reference, target date…): types and validation."""

from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from engine.errors import InvalidInput
from engine.french.messages import french_errors

INPUT_TYPES = {"text", "date"}


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
        raise InvalidInput(french_errors(exc.normalized_messages())) from exc


def jsonable_inputs(values: dict[str, Any]) -> dict[str, Any]:
    """Inputs as stored in the audit log: dates as ISO strings."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
