"""French error messages for marshmallow's English ones."""

import re

_EXACT = {
    "Missing data for required field.": "Ce champ est obligatoire.",
    "Field may not be null.": "Ce champ est obligatoire.",
    "Unknown field.": "Champ inconnu.",
    "Not a valid string.": "Texte attendu.",
    "Not a valid integer.": "Nombre entier attendu.",
    "Not a valid number.": "Nombre attendu.",
    "Not a valid date.": "Date invalide (format attendu : AAAA-MM-JJ).",
    "Not a valid email address.": "Adresse électronique invalide.",
    "Not a valid URL.": "Adresse web invalide (http:// ou https://).",
    "Not a valid list.": "Liste attendue.",
    "Not a valid boolean.": "Valeur oui/non attendue.",
    "Invalid input type.": "Type de donnée invalide.",
    "Invalid value.": "Valeur invalide.",
}
_PATTERNS = [
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "Au plus {0} caractères."),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "Au moins {0} caractère(s)."),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "Entre {0} et {1} caractères."),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "Valeur attendue entre {0} et {1}.",
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+)\.$"),
        "Valeur attendue supérieure ou égale à {0}.",
    ),
    (re.compile(r"^Must be one of: (.*)\.$"), "Valeur attendue parmi : {0}."),
]


def french(message: str) -> str:
    """Return the French form of one marshmallow message (unchanged when already French)."""
    if message in _EXACT:
        return _EXACT[message]
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


def french_errors(messages: dict | list, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow's nested messages into {"field" or "field.0.sub": [French text]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, list):
        out[prefix or "_schema"] = [french(str(m)) for m in messages]
        return out
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(french_errors(value, name))
        else:
            out.setdefault(name, []).extend(french(str(m)) for m in value)
    return out
