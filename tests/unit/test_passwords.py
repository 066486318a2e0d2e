"""Which passwords are refused: too short, common (padded or not), the own email or name."""

import pytest

from engine.rules.passwords import common_passwords, password_problem


@pytest.mark.parametrize(
    "password",
    [
        "motdepasse123",
        "azertyuiop123",
        "martinique972",
        "Martinique 972 !",
        "MotDePasse2026",
        "123456789012",
        "aaaaaaaaaaaa",
        "qwertyuiop12",
        "Password1234",
        "sunshine2026!!",
    ],
)
def test_common_passwords_are_refused_in_french(password: str) -> None:
    assert "trop courant" in password_problem(password)


@pytest.mark.parametrize(
    "password",
    ["mot de passe de test 2026", "la mangrove du Robert au petit matin", "Tr0mp3tt3-Vélo-Nuage"],
)
def test_long_uncommon_passwords_are_accepted_without_composition_rules(password: str) -> None:
    assert password_problem(password) is None


def test_a_short_password_is_refused_first() -> None:
    assert password_problem("court") == "Le mot de passe doit compter au moins 12 caractères."


def test_the_accounts_own_email_or_name_is_refused() -> None:
    message = "Le mot de passe ne doit pas reprendre votre adresse électronique ni votre nom."
    assert password_problem("jean.dupont@ctm.mq", email="jean.dupont@ctm.mq") == message
    assert password_problem("jean.dupont2026", email="jean.dupont@ctm.mq") == message
    assert password_problem("Marie-Josée Éléonore", name="Marie-Josée Éléonore") == message


def test_the_shipped_lists_hold_thousands_of_passwords_french_ones_too() -> None:
    common = common_passwords()
    assert len(common) > 19_000
    assert {"motdepasse", "azertyuiop", "madinina", "123456", "password"} <= common
