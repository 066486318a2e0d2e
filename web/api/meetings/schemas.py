"""Marshmallow schemas of the meetings' API: bodies checked strictly, answers documented.

The bodies bound ids and counts (no out-of-range integer reaches the database) and name the
codes a client may send; everything else — who may, quorum, proxies, recusals — is the engine's.
"""

from datetime import UTC, datetime

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from engine.models import ATTENDANCE, COMMITTEES, OUTCOMES
from engine.records.registry import DECIDED
from engine.services.meetings import QUORUM_RULES
from web.api.schemas import ID, MAX_ID, TransitionOptionSchema, WorkflowRefSchema

TEXT = validate.Length(max=5000)
# Within a day of Python's range, so that converting to UTC cannot overflow.
INSTANTS = validate.Range(datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC))


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=ID, **kwargs)


def _text(**kwargs) -> fields.String:
    return fields.String(allow_none=True, validate=TEXT, **kwargs)


def _version() -> fields.Integer:
    return _id(
        required=True, metadata={"description": "version lue de la séance (verrou optimiste)"}
    )


class _Strict(Schema):
    class Meta:
        unknown = RAISE


# ---- request bodies ---------------------------------------------------------------------------


class MeetingListArgs(_Strict):
    committee = fields.String(validate=validate.OneOf(sorted(COMMITTEES)))
    state = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        metadata={"description": "états (répétable, ou liste séparée par des virgules)"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PlanBody(_Strict):
    committee = fields.String(required=True, validate=validate.OneOf(sorted(COMMITTEES)))
    title = fields.String(required=True, validate=validate.Length(min=1, max=180))
    starts_at = fields.AwareDateTime(
        required=True,
        default_timezone=None,
        validate=INSTANTS,
        metadata={"description": "date et heure, avec fuseau (ex. 2027-01-14T09:00:00-04:00)"},
    )
    place = fields.String(allow_none=True, validate=validate.Length(max=200))
    secretary_id = _id(required=True)
    member_ids = fields.List(_id(), required=True, validate=validate.Length(min=1, max=500))
    quorum_rule = fields.String(validate=validate.OneOf(sorted(QUORUM_RULES)))


class RecordRefBody(_Strict):
    type = fields.String(required=True, validate=validate.OneOf([r.name for r in DECIDED]))
    id = _id(required=True)


class NewItemBody(_Strict):
    """A record proposed to the committee (`record`), or an information item (`title`)."""

    record = fields.Nested(RecordRefBody)
    title = fields.String(validate=validate.Length(min=1, max=300))
    summary = _text(metadata={"description": "avis ou synthèse du COTECH"})

    @validates_schema
    def _one_kind(self, data, **kwargs):
        if "record" in data and "title" in data:
            raise ValidationError(
                "Un dossier (`record`) ou un point d'information (`title`), pas les deux.",
                "title",
            )
        if "record" not in data and "title" not in data:
            raise ValidationError(
                "Un dossier (`record`) ou un intitulé (`title`) est exigé.", "title"
            )


class AttendanceBody(_Strict):
    attendance = fields.String(required=True, validate=validate.OneOf(sorted(ATTENDANCE)))
    proxy_holder_id = _id(allow_none=True, metadata={"description": "qui porte le pouvoir"})


class RecusalBody(_Strict):
    user_id = _id(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


def _votes(**kwargs) -> fields.Integer:
    return fields.Integer(
        strict=True, required=True, validate=validate.Range(min=0, max=MAX_ID), **kwargs
    )


class VotesSchema(_Strict):
    votes_for = _votes(data_key="for")
    against = _votes()
    abstention = _votes()


class DecisionBody(_Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(sorted(OUTCOMES)))
    conditions = _text()
    comment = _text()
    votes = fields.Nested(VotesSchema, allow_none=True, metadata={"description": "si l'on vote"})


class MeetingTransitionBody(Schema):
    """{"version", "comment", …inputs}: the inputs are checked by the meeting's workflow."""

    class Meta:
        unknown = INCLUDE

    version = _version()
    comment = _text()


class CloseBody(_Strict):
    dry_run = fields.Boolean(load_default=False, metadata={"description": "ne rien changer"})
    version = _version()


# ---- answers ----------------------------------------------------------------------------------


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class QuorumSchema(Schema):
    met = fields.Boolean()
    members = fields.Integer(metadata={"description": "membres qui prennent part"})
    counted = fields.Integer(metadata={"description": "présents ou représentés"})
    required = fields.Integer()
    rule = fields.String()
    sentence = fields.String()


class MeetingMemberSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    attendance = fields.String(allow_none=True)
    proxy_holder_id = fields.Integer(allow_none=True)


class AttendanceSchema(MeetingMemberSchema):
    quorum = fields.Nested(QuorumSchema, metadata={"description": "le quorum de la séance"})


class ItemRecordSchema(Schema):
    type = fields.String()
    id = fields.Integer()
    version = fields.Integer(metadata={"description": "la version inscrite à l'ordre du jour"})


class RecusalSchema(Schema):
    user_id = fields.Integer()
    name = fields.String()
    reason = fields.String()
    automatic = fields.Boolean()


class DecisionSchema(Schema):
    number = fields.String()
    outcome = fields.String()
    conditions = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    votes = fields.Nested(VotesSchema, allow_none=True)
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class AgendaItemSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    kind = fields.String()
    title = fields.String()
    record = fields.Nested(ItemRecordSchema, allow_none=True)
    summary = fields.String(allow_none=True)
    added_late = fields.Boolean()
    recusals = fields.List(fields.Nested(RecusalSchema))
    decision = fields.Nested(DecisionSchema, allow_none=True)
    quorum = fields.Nested(QuorumSchema, metadata={"description": "hors membres déportés"})


class _MeetingHead(Schema):
    id = fields.Integer()
    reference = fields.String(metadata={"example": "COPIL-2027-01"})
    committee = fields.String()
    title = fields.String()
    starts_at = fields.String(metadata={"format": "date-time"})
    place = fields.String(allow_none=True)
    state = fields.String()
    version = fields.Integer()
    secretary = fields.Nested(PersonSchema)


class MeetingSummarySchema(_MeetingHead):
    members = fields.Integer(metadata={"description": "membres convoqués"})
    items = fields.Integer(metadata={"description": "points à l'ordre du jour"})


class MeetingPageSchema(Schema):
    items = fields.List(fields.Nested(MeetingSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class MeetingSchema(_MeetingHead):
    workflow = fields.Nested(WorkflowRefSchema)
    quorum_rule = fields.String()
    members = fields.List(fields.Nested(MeetingMemberSchema))
    items = fields.List(fields.Nested(AgendaItemSchema))
    quorum = fields.Nested(QuorumSchema)
    transitions = fields.List(fields.Nested(TransitionOptionSchema))
    created_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    updated_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class ItemCheckSchema(Schema):
    item_id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    decision_number = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    applies = fields.Boolean()
    reasons = fields.List(fields.String())


class CloseReportSchema(Schema):
    meeting = fields.String(metadata={"description": "numéro de la séance"})
    ready = fields.Boolean()
    closed = fields.Boolean()
    quorum = fields.Nested(QuorumSchema)
    items = fields.List(fields.Nested(ItemCheckSchema))


class CloseSchema(Schema):
    report = fields.Nested(CloseReportSchema)
    meeting = fields.Nested(
        MeetingSchema,
        allow_none=True,
        metadata={"description": "la séance clôturée (null à blanc)"},
    )
