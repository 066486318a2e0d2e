"""Names the engine keeps in French, written out here for the English catalogue.

The templates translate them with `_(label)`, which finds a message only if its id was
extracted; tests/web/test_ui_preferences.py checks that these are the engine's names, all of
them."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {
    "owner": _l("Porteur de dispositif"),
    "cotech": _l("Membre du COTECH"),
    "coordinator": _l("Coordinateur du COTECH"),
    "copil": _l("Membre du COPIL"),
    "secretary": _l("Secrétaire de séance"),
    "admin": _l("Administrateur"),
}
FREQUENCY_NAMES = {
    "immediate": _l("Un message par notification"),
    "daily": _l("Un récapitulatif par jour"),
    "weekly": _l("Un récapitulatif par semaine"),
}
