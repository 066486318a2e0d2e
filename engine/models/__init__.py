"""The domain model, one module per aggregate; importing this package registers every table."""

from engine.models.audit import AuditEvent
from engine.models.candidate import CandidateDismissal, PoolingCandidate
from engine.models.comment import Comment
from engine.models.counter import ReferenceCounter
from engine.models.delegation import DELEGABLE, Delegation, DelegationRole
from engine.models.diagnostic import CrimeFigure, DiagnosticNote
from engine.models.meeting import (
    ATTENDANCE,
    COMMITTEES,
    OUTCOMES,
    Meeting,
    MeetingItem,
    MeetingMember,
    Recusal,
)
from engine.models.notification import FREQUENCIES, OutboxCursor, OutboxMessage
from engine.models.objective import (
    INDICATOR_KINDS,
    Indicator,
    IndicatorValue,
    Milestone,
    Objective,
)
from engine.models.opinion import EXPERT_KINDS, VERDICTS, CommitteeNote, Opinion
from engine.models.organisation import ORGANISATION_KINDS, Organisation
from engine.models.password_reset import PasswordReset, PasswordResetRequest
from engine.models.pooling import POOLING_KINDS, Pooling
from engine.models.record import WorkflowRecord
from engine.models.scheme import PARTNER_ROLES, Scheme, SchemeFunder, SchemePartner
from engine.models.signin import SignInFailure
from engine.models.territory import Territory
from engine.models.token import ApiToken
from engine.models.user import ROLES, User, UserRole
from engine.models.vocabulary import VOCABULARIES, VocabularyTerm

__all__ = [
    "ATTENDANCE",
    "COMMITTEES",
    "DELEGABLE",
    "EXPERT_KINDS",
    "FREQUENCIES",
    "INDICATOR_KINDS",
    "ORGANISATION_KINDS",
    "OUTCOMES",
    "PARTNER_ROLES",
    "POOLING_KINDS",
    "ROLES",
    "VERDICTS",
    "VOCABULARIES",
    "ApiToken",
    "AuditEvent",
    "CandidateDismissal",
    "Comment",
    "CommitteeNote",
    "CrimeFigure",
    "Delegation",
    "DelegationRole",
    "DiagnosticNote",
    "Indicator",
    "IndicatorValue",
    "Meeting",
    "MeetingItem",
    "MeetingMember",
    "Milestone",
    "Objective",
    "Opinion",
    "Organisation",
    "OutboxCursor",
    "OutboxMessage",
    "PasswordReset",
    "PasswordResetRequest",
    "Pooling",
    "PoolingCandidate",
    "Recusal",
    "ReferenceCounter",
    "Scheme",
    "SchemeFunder",
    "SchemePartner",
    "SignInFailure",
    "Territory",
    "User",
    "UserRole",
    "VocabularyTerm",
    "WorkflowRecord",
]
