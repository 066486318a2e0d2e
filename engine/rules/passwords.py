"""Password hashing with argon2, and which passwords to refuse.

No composition rules (NIST SP 800-63B): at least 12 characters, not a common password, not the
account's own email or name.
"""

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024
DATA = Path(__file__).resolve().parents[1] / "data"
# Digits, spaces and punctuation people add around a word to pass a length rule.
_PADDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SEPARATORS = re.compile(r"[\s._\-']+")
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether `password` matches `password_hash`."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why a password is refused (in French), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return "Le mot de passe est trop long (1 024 caractères au plus)."
    folded = fold(password)
    if _personal(folded, email, name):
        return "Le mot de passe ne doit pas reprendre votre adresse électronique ni votre nom."
    if is_common(password):
        return (
            "Ce mot de passe est trop courant : il figure parmi les plus utilisés. "
            "Choisissez-en un autre, par exemple une phrase de plusieurs mots."
        )
    return None


def is_common(password: str) -> bool:
    """Tell whether a password is a common one, or one padded with digits or symbols."""
    folded = fold(password)
    base = _PADDING.sub("", folded)
    common = common_passwords()
    return (
        folded in common
        or base in common
        or len(set(base)) < 4  # "123456789012", "aaaaaaaaaaaa", "abababab2026"
    )


def fold(text: str) -> str:
    """Return `text` in lower case, without accents or separators, as the lists are kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub("", plain)


@cache
def common_passwords() -> frozenset[str]:
    """Return the common passwords: Django's list of 20,000 and a French one, folded."""
    with gzip.open(DATA / "common-passwords.txt.gz", "rt", encoding="utf-8") as lines:
        words = {fold(line.strip()) for line in lines}
    french = (DATA / "common-passwords-fr.txt").read_text(encoding="utf-8").splitlines()
    words |= {fold(line) for line in french if line.strip() and not line.startswith("#")}
    words.discard("")
    return frozenset(words)


def _personal(folded: str, email: str, name: str) -> bool:
    local = email.partition("@")[0]
    candidates = {fold(email), fold(local), fold(name)} - {""}
    return folded in candidates or _PADDING.sub("", folded) in candidates
