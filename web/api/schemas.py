"""Marshmallow schemas of the records' API: bodies checked strictly, answers documented exactly.

Request bodies reuse the engine's field schemas (the same rules the services apply), with ids
and counts bounded so that no out-of-range integer reaches the database; once checked, the
view hands the body as received to the service, which validates it again on its own terms.
"""

from datetime import UTC, datetime

from marshmallow import INCLUDE, RAISE, Schema, fields, post_load, validate

from engine.records.schemas import (
    MAX_INT,
    FunderFields,
    NewPoolingFields,
    NewSchemeFields,
    PartnerFields,
    PoolingFields,
    SchemeFields,
)

# Ids and counts: what the engine accepts (32-bit integer columns).
MAX_ID = MAX_INT
ID = validate.Range(min=1, max=MAX_ID)
SORTS = ("id", "reference", "title", "state", "created_at", "updated_at")


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=ID, **kwargs)


def _count(low: int = 0) -> fields.Integer:
    return fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=low, max=MAX_ID)
    )


def _version() -> fields.Integer:
    return _id(required=True, metadata={"description": "version lue (verrou optimiste)"})


class _AsReceived(Schema):
    """Checks a body, then gives it back as received (minus `version`) for the service."""

    @post_load(pass_original=True)
    def _as_received(self, data, original, **kwargs):
        return {"version": data.get("version"), "fields": _without(original, "version")}


def _without(original, *names) -> dict:
    return {k: v for k, v in original.items() if k not in names}


# ---- request bodies ---------------------------------------------------------------------------


class PartnerBody(PartnerFields):
    organisation_id = _id(allow_none=True)


class FunderBody(FunderFields):
    organisation_id = _id(allow_none=True)


class _SchemeBounds(Schema):
    partners = fields.List(fields.Nested(PartnerBody))
    funders = fields.List(fields.Nested(FunderBody))
    capacity = _count()
    beneficiaries_last_year = _count()


class NewSchemeBody(_SchemeBounds, NewSchemeFields, _AsReceived):
    organisation_id = _id(required=True)


class SchemeEditBody(_SchemeBounds, SchemeFields, _AsReceived):
    version = _version()


class _PoolingBounds(Schema):
    scheme_ids = fields.List(_id(), validate=validate.Length(max=1000))


class NewPoolingBody(_PoolingBounds, NewPoolingFields, _AsReceived):
    lead_organisation_id = _id(required=True)
    scheme_ids = fields.List(_id(), required=True, validate=validate.Length(max=1000))


class PoolingEditBody(_PoolingBounds, PoolingFields, _AsReceived):
    lead_organisation_id = _id(allow_none=True)
    version = _version()


class TransitionBody(Schema):
    """{"transition", "version", "comment", …inputs}: the inputs are checked by the workflow."""

    class Meta:
        unknown = INCLUDE

    transition = fields.String(required=True, validate=validate.Length(min=1, max=60))
    version = _version()
    comment = fields.String(allow_none=True, validate=validate.Length(max=5000))

    @post_load(pass_original=True)
    def _split(self, data, original, **kwargs):
        inputs = _without(original, "transition", "version")
        return {"transition": data["transition"], "version": data["version"], "inputs": inputs}


class CommentBody(Schema):
    class Meta:
        unknown = RAISE

    body = fields.String(required=True, validate=validate.Length(min=1, max=5000))


def _codes(description: str) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        metadata={"description": description + " (répétable, ou liste séparée par des virgules)"},
    )


class _ListArgs(Schema):
    class Meta:
        unknown = RAISE

    sort = fields.String(
        load_default="id",
        validate=validate.OneOf([*SORTS, *(f"-{s}" for s in SORTS)]),
        metadata={"description": "champ de tri, « - » pour l'ordre décroissant ; puis par id"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "texte"})


class SchemeListArgs(_ListArgs):
    state = _codes("états")
    theme = _codes("thématiques")
    public = _codes("publics")
    aid_type = _codes("natures d'aide")
    territory = fields.String(validate=validate.Length(max=20), metadata={"example": "COM-97209"})
    # Query strings are text: "5" is the number 5 here, but "5.0" or "abc" is refused.
    organisation_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    # Within a day of Python's range, so that converting to UTC cannot overflow (was a 500).
    updated_since = fields.AwareDateTime(
        default_timezone=None,
        validate=validate.Range(datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)),
    )

    @post_load
    def _filters(self, data, **kwargs):
        names = {"state": "states", "theme": "themes", "public": "publics", "aid_type": "aid_types"}
        raw = {}
        for name, value in data.items():
            if name in names:
                raw[names[name]] = [p.strip() for v in value for p in v.split(",") if p.strip()]
            elif name == "updated_since":
                raw[name] = value.isoformat()
            elif name not in ("sort", "page", "per_page"):
                raw[name] = value
        return {"filters": raw, **{k: data[k] for k in ("sort", "page", "per_page")}}


class PoolingListArgs(_ListArgs):
    state = _codes("états")


# ---- answers ----------------------------------------------------------------------------------


class ReasonSchema(Schema):
    code = fields.String(metadata={"example": "not_submitter"})
    message = fields.String()
    fields = fields.List(fields.String())


class ErrorSchema(Schema):
    """The API's one error shape (every member but code and message is optional)."""

    code = fields.String(required=True, metadata={"example": "not_found"})
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    reasons = fields.List(fields.Nested(ReasonSchema))
    current_version = fields.Integer(allow_none=True)
    changed_by = fields.String(allow_none=True)
    changed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    details = fields.Dict(
        metadata={"description": "ce que l'erreur rapporte (meeting_not_ready : le compte rendu)"}
    )


class InputSchema(Schema):
    name = fields.String()
    type = fields.String()
    required = fields.Boolean()


class TransitionOptionSchema(Schema):
    name = fields.String()
    label = fields.String()
    label_en = fields.String()
    to = fields.String()
    to_label = fields.String()
    allowed = fields.Boolean()
    reasons = fields.List(fields.Nested(ReasonSchema))
    inputs = fields.List(fields.Nested(InputSchema))


class OrganisationRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    siren = fields.String(allow_none=True)


class WorkflowRefSchema(Schema):
    name = fields.String()
    version = fields.Integer()


def _text() -> fields.String:
    return fields.String(allow_none=True)


def _money() -> fields.String:
    return fields.String(allow_none=True, metadata={"example": "12500.50"})


def _date() -> fields.String:
    return fields.String(allow_none=True, metadata={"format": "date"})


def _instant() -> fields.String:
    return fields.String(allow_none=True, metadata={"format": "date-time"})


class _Record(Schema):
    id = fields.Integer()
    reference = fields.String()
    state = fields.String()
    version = fields.Integer()
    workflow = fields.Nested(WorkflowRefSchema)
    title = fields.String()
    territories = fields.List(fields.String())
    decision_reference = _text()
    created_at = _instant()
    updated_at = _instant()
    transitions = fields.List(fields.Nested(TransitionOptionSchema))


class PartnerSchema(Schema):
    organisation_id = fields.Integer(allow_none=True)
    name = _text()
    role = fields.String()


class FunderSchema(Schema):
    organisation_id = fields.Integer(allow_none=True)
    name = _text()
    amount = _money()


class SchemeSchema(_Record):
    uuid = fields.String()
    summary = _text()
    description = _text()
    organisation = fields.Nested(OrganisationRefSchema)
    partners = fields.List(fields.Nested(PartnerSchema))
    funders = fields.List(fields.Nested(FunderSchema))
    themes = fields.List(fields.String())
    publics = fields.List(fields.String())
    aid_types = fields.List(fields.String())
    age_min = fields.Integer(allow_none=True)
    age_max = fields.Integer(allow_none=True)
    annual_budget = _money()
    capacity = fields.Integer(allow_none=True)
    beneficiaries_last_year = fields.Integer(allow_none=True)
    start_date = _date()
    end_date = _date()
    eligibility = _text()
    legal_basis = _text()
    contact_name = _text()
    contact_email = _text()
    contact_phone = _text()
    url = _text()
    pooling_id = fields.Integer(allow_none=True)


class MemberSchema(Schema):
    id = fields.Integer()
    reference = fields.String()


class PoolingSchema(_Record):
    rationale = _text()
    kind = fields.String()
    lead_organisation = fields.Nested(OrganisationRefSchema, allow_none=True)
    members = fields.List(fields.Nested(MemberSchema))
    expected_budget = _money()
    expected_savings = _money()
    target_date = _date()
    decision_date = _date()
    decision_conditions = _text()


class _Page(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class SchemePageSchema(_Page):
    items = fields.List(fields.Nested(SchemeSchema))


class PoolingPageSchema(_Page):
    items = fields.List(fields.Nested(PoolingSchema))


class RecordEventSchema(Schema):
    position = fields.Integer()
    action = fields.String()
    from_state = _text()
    to_state = _text()
    actor_label = _text()
    occurred_at = _instant()
    comment = _text()
    inputs = fields.Dict(allow_none=True)
    changes = fields.Dict(allow_none=True)


class CommentSchema(Schema):
    id = fields.Integer()
    body = fields.String()
    author_id = fields.Integer(allow_none=True)
    created_at = _instant()


# ---- pooling candidates -------------------------------------------------------------------------


class CandidateListArgs(Schema):
    class Meta:
        unknown = RAISE

    theme = fields.String(validate=validate.Length(max=60), metadata={"description": "thématique"})
    territory = fields.String(validate=validate.Length(max=20), metadata={"example": "COM-97213"})
    organisation_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class DismissBody(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(required=True, validate=validate.Length(max=2000))


class CandidateMemberSchema(Schema):
    id = fields.Integer()
    reference = fields.String()
    title = fields.String()
    state = fields.String()
    organisation = fields.String()
    annual_budget = _money()


class CandidateSchema(Schema):
    id = fields.Integer()
    size = fields.Integer(metadata={"description": "2 pour une paire, 3 ou plus pour un groupe"})
    score = fields.Float(metadata={"description": "de 0 à 1"})
    reasons = fields.List(
        fields.Dict(), metadata={"description": "les parties du score, comme données"}
    )
    explanation = fields.String(metadata={"description": "les raisons, en français"})
    explanation_en = fields.String(metadata={"description": "les raisons, en anglais"})
    members = fields.List(fields.Nested(CandidateMemberSchema))


class CandidatePageSchema(_Page):
    items = fields.List(fields.Nested(CandidateSchema))
