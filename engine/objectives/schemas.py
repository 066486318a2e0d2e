"""Validation of what the COPIL and the indicators' owners enter (Python values, not form text)."""

from decimal import Decimal, InvalidOperation

from marshmallow import RAISE, ValidationError, fields, validate, validates_schema

from engine.objectives.measures import MEASURES
from engine.records.schemas import _Clean, _codes, _id, _text


class Value(fields.Decimal):
    """A number with at most two decimals: a count, euros or a percentage."""

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
            raise ValidationError("Nombre attendu.")
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValidationError("Nombre attendu.") from exc
        if not number.is_finite() or abs(number) >= Decimal("1e13"):
            raise ValidationError("Nombre attendu.")
        if number.as_tuple().exponent < -2:
            raise ValidationError("Au plus deux décimales.")
        return number.quantize(Decimal("0.01"))


class IndicatorFields(_Clean):
    class Meta:
        unknown = RAISE

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(["computed", "reported"]))
    measure = fields.String(allow_none=True, validate=validate.OneOf(list(MEASURES)))
    themes = _codes()
    publics = _codes()
    unit = _text(20)
    baseline = Value(allow_none=True)
    baseline_date = fields.Date(allow_none=True)
    target = Value(allow_none=True)
    target_date = fields.Date(allow_none=True)
    organisation_id = _id(allow_none=True)

    @validates_schema
    def _measure_of_computed(self, data, **kwargs):
        if data.get("kind") == "computed" and not data.get("measure"):
            raise ValidationError("Choisissez la mesure calculée.", "measure")
        if data.get("kind") == "reported" and data.get("measure"):
            raise ValidationError("Un indicateur déclaré n'a pas de mesure calculée.", "measure")


class ReportedValueFields(_Clean):
    class Meta:
        unknown = RAISE

    value = Value(required=True)
    measured_on = fields.Date(required=True)
    source = fields.String(required=True, validate=validate.Length(min=1, max=300))


class MilestoneFields(_Clean):
    class Meta:
        unknown = RAISE

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    due_on = fields.Date(required=True)
    organisation_id = _id(allow_none=True)
