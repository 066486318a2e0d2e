"""Bad input gets a 4xx in the one JSON shape: never an HTML page, a traceback or a 500."""

import json

import pytest

from web.api.hardening import MAX_DEPTH

SCHEMES = "/api/v1/schemes"


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The answer is the API's error shape with this status; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    assert "Traceback" not in response.get_data(as_text=True)
    if code is not None:
        assert body["code"] == code
    return body


def post_raw(api, path: str, data: bytes, content_type: str = "application/json"):
    return api["owner"].post(path, data=data, headers={"Content-Type": content_type})


@pytest.fixture
def new_scheme(world) -> dict:
    return {"title": "Médiation numérique", "organisation_id": world.organisation_id}


def test_a_valid_body_still_creates_a_scheme(api, new_scheme):
    assert api["owner"].post(SCHEMES, json=new_scheme).status_code == 201


@pytest.mark.parametrize(
    "data", [b"{", b'{"title": }', b"{'title': 'x'}", b'{"a": NaN}', b"[1e999, Infinity]"]
)
def test_malformed_json_is_a_400(api, data):
    body = assert_error(post_raw(api, SCHEMES, data), 400, "bad_request")
    assert body["message"].startswith("JSON invalide")


def test_invalid_utf8_is_a_400(api):
    body = assert_error(post_raw(api, SCHEMES, b'{"title": "\xff\xfe"}'), 400)
    assert body["message"] == "JSON invalide : encodage UTF-8 attendu."


def test_a_body_nested_deeper_than_the_limit_is_a_400(api):
    fine = {"x": 1}
    for _ in range(MAX_DEPTH - 1):
        fine = {"x": fine}
    assert api["owner"].post(SCHEMES, json=fine).status_code == 422  # read, then refused
    assert_error(api["owner"].post(SCHEMES, json={"x": fine}), 400)
    # Deep enough for Python's json to give up with a RecursionError, not a 500.
    assert_error(post_raw(api, SCHEMES, b"[" * 100_000 + b"]" * 100_000), 400)


def test_a_body_over_the_limit_is_a_413(app, api):
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge = json.dumps({"title": "x" * limit}).encode()
    assert_error(post_raw(api, SCHEMES, huge), 413, "payload_too_large")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_that_is_not_json_is_a_415(api, new_scheme, content_type):
    response = post_raw(api, SCHEMES, json.dumps(new_scheme).encode(), content_type)
    assert_error(response, 415, "unsupported_media_type")


def test_a_body_that_is_not_an_object_is_a_422(api):
    for body in ([], [1, 2], "title", 5, None):
        assert_error(api["owner"].post(SCHEMES, json=body), 422, "invalid_input")


def test_wrong_types_and_unknown_fields_are_422_per_field_in_french(api, new_scheme):
    body = assert_error(
        api["owner"].post(SCHEMES, json={**new_scheme, "title": 5, "colour": "blue"}), 422
    )
    assert body["errors"]["title"] == ["Texte attendu."]
    assert body["errors"]["colour"] == ["Champ inconnu."]


def test_a_string_is_not_taken_for_a_number(api, new_scheme):
    body = assert_error(
        api["owner"].post(SCHEMES, json={**new_scheme, "organisation_id": "5"}), 422
    )
    assert body["errors"]["organisation_id"] == ["Nombre entier attendu."]
    body = assert_error(api["owner"].post(SCHEMES, json={**new_scheme, "capacity": "5"}), 422)
    assert "capacity" in body["errors"]


@pytest.mark.parametrize("value", [2**63, 2**64 + 1, -(2**63) - 1, 10**40])
def test_an_id_beyond_the_database_range_in_a_body_is_a_422(api, new_scheme, value):
    body = assert_error(
        api["owner"].post(SCHEMES, json={**new_scheme, "organisation_id": value}), 422
    )
    assert "organisation_id" in body["errors"]


@pytest.mark.parametrize(
    "path", [f"{SCHEMES}/{2**63}", f"{SCHEMES}/{10**40}", f"{SCHEMES}/{2**64}"]
)
def test_an_id_beyond_the_database_range_in_a_path_is_a_404(api, path):
    assert_error(api["owner"].get(path), 404, "not_found")
    # werkzeug answers a 405 when another method's rule shares the path: still a JSON 4xx.
    assert api["owner"].patch(path, json={"version": 1}).status_code in (404, 405)


def test_a_path_id_of_5000_digits_is_a_404(api):
    assert_error(api["owner"].get(f"{SCHEMES}/{'9' * 5000}"), 404)


def test_an_integer_of_5000_digits_in_a_body_is_a_400(api):
    assert_error(post_raw(api, SCHEMES, b'{"organisation_id": ' + b"9" * 5000 + b"}"), 400)


@pytest.mark.parametrize("value", ["10000-01-01", "2026-13-45", "2026-02-30", "0000-01-01", "x"])
def test_an_impossible_date_is_a_422(api, new_scheme, value):
    body = assert_error(api["owner"].post(SCHEMES, json={**new_scheme, "start_date": value}), 422)
    assert "start_date" in body["errors"]


@pytest.mark.parametrize("value", ["10000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00"])
def test_an_out_of_range_instant_in_a_query_is_a_422_not_a_500(api, value):
    # Regression: year 1 at +01:00 is year 0 in UTC, which Python cannot represent.
    body = assert_error(api["owner"].get(SCHEMES, query_string={"updated_since": value}), 422)
    assert "updated_since" in body["errors"]


def test_an_unknown_vocabulary_code_is_a_422(api, new_scheme):
    body = assert_error(
        api["owner"].post(SCHEMES, json={**new_scheme, "themes": ["no-such-theme"]}), 422
    )
    assert "themes" in body["errors"]
    assert_error(api["owner"].get(SCHEMES, query_string={"theme": "no-such-theme"}), 422)


def test_nul_characters_and_lone_surrogates_are_refused_before_the_database(api, new_scheme):
    body = assert_error(
        api["owner"].post(SCHEMES, json={**new_scheme, "title": "Mé\x00diation"}), 422
    )
    assert "title" in body["errors"]
    lone = b'{"title": "\\ud800", "organisation_id": 1}'
    assert "title" in assert_error(post_raw(api, SCHEMES, lone), 422)["errors"]
    assert_error(api["owner"].get(SCHEMES, query_string={"q": "a\x00b"}), 400)


def test_an_organisation_filter_is_read_from_the_query_text(world, api):
    # Regression (schemathesis): a strict Integer refused every query value, which is text.
    response = api["owner"].get(SCHEMES, query_string={"organisation_id": world.organisation_id})
    assert response.status_code == 200


def test_a_wrong_method_is_a_405_with_allow(api):
    response = api["owner"].put(SCHEMES, json={})
    assert_error(response, 405, "method_not_allowed")
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_an_unknown_api_path_is_a_json_404(api):
    assert_error(api["owner"].get("/api/v1/no/such/thing"), 404, "not_found")
    assert_error(api["owner"].post("/api/v1/no/such/thing", json={}), 404, "not_found")


def test_an_unexpected_exception_is_a_json_500_without_a_traceback(app, api, monkeypatch):
    from web.api import reference

    def boom(_workflow):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(reference, "_workflow", boom)
    response = api["owner"].get("/api/v1/workflows")
    body = assert_error(response, 500, "internal_error")
    assert "secret detail" not in response.get_data(as_text=True)
    assert body["message"] == "Erreur interne : l'incident est enregistré."


def test_the_openapi_document_declares_the_error_shape_and_bounded_ids(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    assert error["properties"]["code"]["type"] == "string"
    assert set(error["required"]) == {"code", "message"}
    get_one = spec["paths"]["/api/v1/schemes/{scheme_id}"]["get"]
    parameters = (
        get_one.get("parameters") or spec["paths"]["/api/v1/schemes/{scheme_id}"]["parameters"]
    )
    assert parameters[0]["schema"]["maximum"] == 2**63 - 1
    # apispec leaves a Decimal bound as a Decimal, which JSON writes as a string.
    assert '"minimum": "' not in json.dumps(spec)


@pytest.mark.parametrize("amount", [-1e30, "-1e30", -(10**40)])
def test_a_hugely_negative_amount_is_a_422_not_a_500(api, new_scheme, amount):
    # Regression (schemathesis): quantizing it to cents overflowed Decimal's 28 digits.
    funders = [{"name": "Région", "amount": amount}]
    body = assert_error(api["owner"].post(SCHEMES, json={**new_scheme, "funders": funders}), 422)
    assert "funders.0.amount" in body["errors"]
