"""What a meeting's next step needs, said on its page (the worklist names the step only)."""

from flask_babel import gettext as _
from flask_babel import ngettext

from engine.models import Meeting
from engine.services.meetings import quorum_of


def next_steps(meeting: Meeting, proposals: int) -> list[str]:
    """The sentences of the page's "Prochaine étape" box, most pressing first."""
    if meeting.state == "planned":
        return _planned(meeting, proposals)
    if meeting.state == "convened":
        return _convened(meeting)
    if meeting.state == "held":
        return [
            _("Séance tenue : les décisions sont appliquées. Le procès-verbal reste à approuver.")
        ]
    return []


def _planned(meeting: Meeting, proposals: int) -> list[str]:
    steps = [_("Prochaine étape : convoquer les membres ; l'ordre du jour sera alors arrêté.")]
    if not meeting.items:
        steps.append(_("L'ordre du jour est vide."))
    if proposals:
        steps.append(
            ngettext(
                "%(num)d dossier proposé au COPIL n'est inscrit à aucune séance.",
                "%(num)d dossiers proposés au COPIL ne sont inscrits à aucune séance.",
                proposals,
            )
        )
    return steps


def _convened(meeting: Meeting) -> list[str]:
    steps = [_("Prochaine étape : relever les présences, enregistrer les décisions, clôturer.")]
    unrecorded = sum(1 for m in meeting.members if m.attendance is None)
    if unrecorded:
        steps.append(
            ngettext(
                "%(num)d membre sans présence relevée.",
                "%(num)d membres sans présence relevée.",
                unrecorded,
            )
        )
    if not quorum_of(meeting).met:
        steps.append(_("Le quorum n'est pas atteint : aucune décision ne peut être enregistrée."))
    undecided = sum(1 for i in meeting.items if i.kind == "decision" and i.outcome is None)
    if undecided:
        steps.append(
            ngettext("%(num)d point sans décision.", "%(num)d points sans décision.", undecided)
        )
    return steps
