"""The meetings' words in the page's language: quorum rules, attendance, outcomes.

The engine's labels are French (the minutes say them); the same texts are message ids here,
so an English page shows them translated.
"""

from flask_babel import lazy_gettext as _l

from engine.services.meetings import QUORUM_RULES

RULE_LABELS = {
    "half_plus_one": _l("la moitié des membres plus un"),
    "half": _l("la moitié des membres"),
    "one_third": _l("le tiers des membres"),
    "two_thirds": _l("les deux tiers des membres"),
}
ATTENDANCE_LABELS = {
    "present": _l("présent"),
    "represented": _l("représenté"),
    "excused": _l("excusé"),
    "absent": _l("absent"),
}
OUTCOME_LABELS = {
    "approve": _l("approuver"),
    "send_back": _l("renvoyer au COTECH"),
    "reject": _l("ne pas retenir"),
}


def rule_label(rule: str) -> str:
    return str(RULE_LABELS[rule]) if rule in RULE_LABELS else QUORUM_RULES[rule].label


def labels() -> dict:
    """What the meeting templates name: rules, attendance and outcomes, translated."""
    return {
        "rule_labels": {code: rule_label(code) for code in QUORUM_RULES},
        "attendance_labels": {code: str(label) for code, label in ATTENDANCE_LABELS.items()},
        "outcome_labels": {code: str(label) for code, label in OUTCOME_LABELS.items()},
        "rule_label": rule_label,
    }
