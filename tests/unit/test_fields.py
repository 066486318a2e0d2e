"""The field tables agree with what they describe: the validation schemas, the models, the
workflow files, and each other (an import header names one field only)."""

import pytest

from engine.french.text import key
from engine.importing.headers import HEADERS
from engine.records import fields
from engine.records.registry import RECORD_TYPES
from engine.rules.workflow import default_registry

TYPES = sorted(RECORD_TYPES)


@pytest.mark.parametrize("kind", TYPES)
def test_every_form_field_is_one_the_services_accept(kind):
    rtype = RECORD_TYPES[kind]
    accepted = set(rtype.edit_schema().fields) | {"organisation_id", "scheme_ids"}
    unknown = [f.form_name for f in fields.form_fields(rtype.fields) if f.form_name not in accepted]
    assert not unknown, f"form fields the services would refuse: {unknown}"


@pytest.mark.parametrize("kind", TYPES)
def test_every_own_field_is_a_column_of_the_record(kind):
    rtype = RECORD_TYPES[kind]
    own = fields.of_kind(rtype.fields, *fields.SCALARS, fields.REFERENCE, fields.INSTANT)
    assert not [name for name in own if name not in rtype.table.c]


@pytest.mark.parametrize("kind", TYPES)
def test_names_and_french_headers_are_unique_within_a_table(kind):
    table = RECORD_TYPES[kind].fields
    names = [f.name for f in table]
    headers = [key(f.french) for f in table if f.exported]
    assert len(names) == len(set(names))
    assert len(headers) == len(set(headers))


def test_an_import_header_names_one_field_only():
    # A header shared by two fields would silently go to the first one: each field's French
    # header and synonyms must lead back to it.
    wrong = [
        (header, HEADERS[key(header)], f.name)
        for f in fields.SCHEME_FIELDS
        if f.exported
        for header in (f.french, *f.synonyms)
        if HEADERS[key(header)] != f.name
    ]
    assert not wrong


@pytest.mark.parametrize("kind", TYPES)
def test_what_a_state_requires_is_a_field_the_record_type_can_check(kind):
    rtype, workflow = RECORD_TYPES[kind], default_registry().current(kind)
    names = {f.name for f in rtype.fields}
    assert set(rtype.requirements) <= names
    for state in workflow.states.values():
        # "contact_email|contact_phone": one of them.
        required = {name for group in state.requires for name in group.split("|")}
        assert required <= set(rtype.requirements), state.name
