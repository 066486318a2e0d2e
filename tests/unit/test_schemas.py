"""Field validation as the services receive it: money, phone numbers, French messages."""

from datetime import date
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from engine.french.messages import french, french_errors
from engine.records.schemas import (
    FunderFields,
    Money,
    NewSchemeFields,
    SchemeFields,
    normalise_phone,
)


def load_errors(schema, data) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return french_errors(caught.value.normalized_messages())


class TestMoney:
    @pytest.mark.parametrize(
        ("raw", "amount"),
        [
            ("1234.5", Decimal("1234.50")),
            (12, Decimal("12.00")),
            (Decimal("0.07"), Decimal("0.07")),
            # A float is read through its shortest repr, never its binary expansion.
            (0.1, Decimal("0.10")),
            ("0", Decimal("0.00")),
        ],
    )
    def test_euros_and_cents_are_kept_exact(self, raw, amount):
        value = Money().deserialize(raw)
        assert value == amount
        assert value.as_tuple().exponent == -2

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            ("12.345", "Au plus deux décimales (les centimes)."),
            ("-0.01", "Must be greater than or equal to 0."),
            ("douze", "Montant attendu (en euros)."),
            ("NaN", "Montant attendu (en euros)."),
            ("Infinity", "Montant attendu (en euros)."),
            (True, "Montant attendu (en euros)."),
            ([12], "Montant attendu (en euros)."),
            ("1e12", "Montant trop élevé."),
        ],
    )
    def test_invalid_amounts_are_refused(self, raw, message):
        with pytest.raises(ValidationError) as caught:
            Money().deserialize(raw)
        assert caught.value.messages == [message]

    def test_negative_amount_is_refused_in_french(self):
        errors = load_errors(SchemeFields(), {"annual_budget": "-5"})
        assert errors == {"annual_budget": ["Valeur attendue supérieure ou égale à 0."]}

    def test_funder_amounts_are_money(self):
        assert FunderFields().load({"name": "CAF", "amount": "0.20"})["amount"] == Decimal("0.20")


class TestPhone:
    @pytest.mark.parametrize(
        ("raw", "national"),
        [
            ("0596123456", "0596 12 34 56"),
            ("0596 12 34 56", "0596 12 34 56"),
            ("05.96.12.34.56", "0596 12 34 56"),
            ("(0596) 12-34-56", "0596 12 34 56"),
            ("+596 596 12 34 56", "0596 12 34 56"),
            ("+596 696 12 34 56", "0696 12 34 56"),
            ("00596 696 12 34 56", "0696 12 34 56"),
            ("+33 6 96 12 34 56", "0696 12 34 56"),
            ("01 23 45 67 89", "01 23 45 67 89"),
            ("+33 1 23 45 67 89", "01 23 45 67 89"),
            ("0612345678", "06 12 34 56 78"),
        ],
    )
    def test_martinique_and_french_numbers_are_normalised(self, raw, national):
        assert normalise_phone(raw) == national

    @pytest.mark.parametrize(
        "raw", ["12345", "0096123456", "0596 12 34 5", "0596 12 34 567", "+1 596 123 4567", "abc"]
    )
    def test_other_numbers_are_refused_with_an_example(self, raw):
        with pytest.raises(ValidationError, match=r"ex\. 0596 12 34 56"):
            normalise_phone(raw)

    def test_phone_field_normalises_on_load(self):
        assert SchemeFields().load({"contact_phone": " 0696.12.34.56 "}) == {
            "contact_phone": "0696 12 34 56"
        }


class TestSchemeFields:
    def test_text_is_trimmed_and_blank_text_is_cleared(self):
        loaded = SchemeFields().load({"summary": "  Un résumé  ", "legal_basis": "   "})
        assert loaded == {"summary": "Un résumé", "legal_basis": None}

    def test_title_cannot_be_blanked(self):
        assert load_errors(SchemeFields(), {"title": "   "}) == {
            "title": ["Ce champ est obligatoire."]
        }

    def test_new_scheme_needs_a_title_and_an_organisation_only(self):
        assert NewSchemeFields().load({"title": "Médiation", "organisation_id": 3}) == {
            "title": "Médiation",
            "organisation_id": 3,
        }
        assert load_errors(NewSchemeFields(), {}) == {
            "title": ["Ce champ est obligatoire."],
            "organisation_id": ["Ce champ est obligatoire."],
        }

    @pytest.mark.parametrize(
        ("data", "errors"),
        [
            ({"contact_email": "mediation.example.mq"}, ["Adresse électronique invalide."]),
            ({"capacity": "12"}, ["Nombre entier attendu."]),
            ({"capacity": True}, ["Nombre entier attendu."]),
            ({"capacity": -1}, ["Valeur attendue supérieure ou égale à 0."]),
            ({"age_min": 121}, ["Valeur attendue entre 0 et 120."]),
            ({"start_date": "15/01/2024"}, ["Date invalide (format attendu : AAAA-MM-JJ)."]),
            ({"url": "ftp://example.mq"}, ["Adresse web invalide (http:// ou https://)."]),
            ({"summary": "x" * 181}, ["Au plus 180 caractères."]),
            ({"themes": "insertion"}, ["Liste attendue."]),
            ({"budget": 100}, ["Champ inconnu."]),
        ],
        ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
    )
    def test_invalid_values_are_refused_in_french(self, data, errors):
        assert load_errors(SchemeFields(), data) == {next(iter(data)): errors}

    def test_nested_errors_name_the_item(self):
        errors = load_errors(SchemeFields(), {"partners": [{"name": "CAF", "role": "mécène"}]})
        assert list(errors) == ["partners.0.role"]
        assert errors["partners.0.role"][0].startswith("Valeur attendue parmi : ")

    def test_dates_are_read_in_iso_form(self):
        assert SchemeFields().load({"start_date": "2024-01-15"}) == {
            "start_date": date(2024, 1, 15)
        }


class TestMessages:
    @pytest.mark.parametrize(
        ("english", "french_text"),
        [
            ("Missing data for required field.", "Ce champ est obligatoire."),
            ("Longer than maximum length 200.", "Au plus 200 caractères."),
            ("Length must be between 1 and 5000.", "Entre 1 et 5000 caractères."),
            ("Must be one of: a, b.", "Valeur attendue parmi : a, b."),
            ("Déjà en français.", "Déjà en français."),
        ],
    )
    def test_marshmallow_messages_read_in_french(self, english, french_text):
        assert french(english) == french_text

    def test_nested_messages_are_flattened_by_path(self):
        messages = {
            "funders": {0: {"amount": ["Not a valid number."]}},
            "_schema": ["Invalid value."],
        }
        assert french_errors(messages) == {
            "funders.0.amount": ["Nombre attendu."],
            "_schema": ["Valeur invalide."],
        }


@pytest.mark.parametrize(
    "data",
    [
        {"capacity": 2**31},
        {"beneficiaries_last_year": 2**63 + 1},
        {"partners": [{"organisation_id": 2**63, "role": "partenaire"}]},
    ],
)
def test_numbers_beyond_the_database_columns_are_refused_by_the_schema(data):
    from marshmallow import ValidationError

    with pytest.raises(ValidationError):
        SchemeFields().load(data)
