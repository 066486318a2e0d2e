"""Validation of record fields as the services receive them (Python values, not form text)."""

import re
from decimal import Decimal, InvalidOperation

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from engine.models.pooling import POOLING_KINDS
from engine.models.scheme import PARTNER_ROLES

# 0590/0690 Guadeloupe, 0594/0694 Guyane, 0596/0696/0697 Martinique, 0262/0269/0639/0692/0693.
OVERSEAS_PREFIXES = {"059", "069", "026", "063"}
PHONE = re.compile(r"^(?:0|\+33|0033|\+596|00596)([1-9]\d{8})$")


class Money(fields.Decimal):
    """Euros and cents: at most two decimals, never negative, never a float's rounding."""

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_nan=False, validate=validate.Range(min=0), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
            raise ValidationError("Montant attendu (en euros).")
        try:
            amount = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValidationError("Montant attendu (en euros).") from exc
        if not amount.is_finite():
            raise ValidationError("Montant attendu (en euros).")
        if amount.as_tuple().exponent < -2:
            raise ValidationError("Au plus deux décimales (les centimes).")
        if abs(amount) >= Decimal("1e12"):  # quantize overflows 28 digits otherwise
            raise ValidationError("Montant trop élevé.")
        return amount.quantize(Decimal("0.01"))


def normalise_phone(value: str) -> str:
    """Return a French or Martinique number in national form (0596 12 34 56), or raise."""
    compact = re.sub(r"[\s.\-()]", "", value)
    match = PHONE.match(compact)
    if not match:
        raise ValidationError(
            "Numéro de téléphone invalide (ex. 0596 12 34 56 ou +596 696 12 34 56)."
        )
    digits = "0" + match.group(1)
    if digits[:3] in OVERSEAS_PREFIXES:
        # Overseas numbers are written with their four-digit prefix: 0596 12 34 56.
        return " ".join([digits[:4], digits[4:6], digits[6:8], digits[8:10]])
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


class Phone(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return normalise_phone(super()._deserialize(value, attr, data, **kwargs))


class _Clean(Schema):
    """Trims text and turns empty strings into None before validation."""

    @pre_load
    def _trim(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip() or None
            cleaned[key] = value
        return cleaned


def _text(max_length: int, **kwargs) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=max_length), **kwargs)


# Integer columns hold 32 bits: anything larger is refused here, never by the database.
MAX_INT = 2**31 - 1


def _int(low: int = 0, high: int | None = None) -> fields.Integer:
    """A whole number within [low, high], or within what the column holds when no high is set."""
    if high is not None:
        return fields.Integer(
            strict=True, allow_none=True, validate=validate.Range(min=low, max=high)
        )
    limits = [
        validate.Range(min=low),
        validate.Range(max=MAX_INT, error="Nombre trop grand (au plus {max})."),
    ]
    return fields.Integer(strict=True, allow_none=True, validate=limits)


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_INT), **kwargs)


def _codes() -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=60)))


class PartnerFields(_Clean):
    class Meta:
        unknown = RAISE

    organisation_id = _id(allow_none=True)
    name = _text(200)
    role = fields.String(required=True, validate=validate.OneOf(list(PARTNER_ROLES)))


class FunderFields(_Clean):
    class Meta:
        unknown = RAISE

    organisation_id = _id(allow_none=True)
    name = _text(200)
    amount = Money(allow_none=True)


class SchemeFields(_Clean):
    """Every field of a scheme an owner or a COTECH member may set."""

    class Meta:
        unknown = RAISE

    title = fields.String(validate=validate.Length(min=1, max=180))
    summary = _text(180)
    description = _text(5000)
    themes = _codes()
    publics = _codes()
    aid_types = _codes()
    territories = _codes()
    partners = fields.List(fields.Nested(PartnerFields))
    funders = fields.List(fields.Nested(FunderFields))
    age_min = _int(0, 120)
    age_max = _int(0, 120)
    annual_budget = Money(allow_none=True)
    capacity = _int()
    beneficiaries_last_year = _int()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    eligibility = _text(5000)
    legal_basis = _text(5000)
    contact_name = _text(200)
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    contact_phone = Phone(allow_none=True)
    url = fields.Url(allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=500))


class NewSchemeFields(SchemeFields):
    title = fields.String(required=True, validate=validate.Length(min=1, max=180))
    organisation_id = _id(required=True)


class PoolingFields(_Clean):
    class Meta:
        unknown = RAISE

    title = fields.String(validate=validate.Length(min=1, max=180))
    rationale = _text(5000)
    kind = fields.String(validate=validate.OneOf(list(POOLING_KINDS)))
    lead_organisation_id = _id(allow_none=True)
    scheme_ids = fields.List(_id())
    territories = _codes()
    expected_budget = Money(allow_none=True)
    expected_savings = Money(allow_none=True)
    target_date = fields.Date(allow_none=True)


class NewPoolingFields(PoolingFields):
    title = fields.String(required=True, validate=validate.Length(min=1, max=180))
    rationale = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    kind = fields.String(required=True, validate=validate.OneOf(list(POOLING_KINDS)))
    lead_organisation_id = _id(required=True)
    scheme_ids = fields.List(_id(), required=True)


__all__ = [
    "FunderFields",
    "NewPoolingFields",
    "NewSchemeFields",
    "PartnerFields",
    "PoolingFields",
    "SchemeFields",
    "normalise_phone",
]


class MeetingFields(_Clean):
    """The fields of a meeting its secretary may set while it is planned."""

    class Meta:
        unknown = RAISE

    title = fields.String(validate=validate.Length(min=1, max=180))
    starts_at = fields.AwareDateTime(allow_none=False)
    place = _text(200)
    secretary_id = _id()


class ObjectiveFields(_Clean):
    """The fields of an objective the COPIL sets (the form's and the API's)."""

    class Meta:
        unknown = RAISE

    title = fields.String(validate=validate.Length(min=1, max=200))
    description = _text(5000)
    organisation_id = _id()
    themes = _codes()
    publics = _codes()
    territory = fields.String(allow_none=True, validate=validate.Length(max=20))
    target_date = fields.Date(allow_none=True)


class NewObjectiveFields(ObjectiveFields):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation_id = _id(required=True)
