"""/api/v1/diagnostic: figures per commune (withheld ones null, never 0), the gaps, the import."""

import io
from pathlib import Path

from tests.integration.test_diagnostic import COMMUNE_HEADER, DEPARTMENT_HEADER, VIF, commune

PATH = "/api/v1/diagnostic"
DATA = Path(__file__).resolve().parents[2] / "demo" / "ssmsi"
DEPARTMENT_ROW = f'"972";"02";"2024";"{VIF}";"Victime";"900";"2,5";"349925";"2022";"180000";"2022"'


def send(caller, content: bytes, name: str = "base.csv", dry: bool = False):
    return caller.post(
        f"{PATH}/imports" + ("?dry_run=true" if dry else ""),
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def text(*rows: str, header: str = COMMUNE_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_the_import_checks_then_writes_and_refuses_a_bad_file_with_its_rows(api):
    data = (DATA / "ssmsi-communes-INVENTE.csv").read_bytes()
    dry = send(api["cotech"], data, dry=True)
    assert dry.status_code == 200, dry.json
    assert dry.json["written"] is False and dry.json["figures"] == 204
    assert api["owner"].get(PATH).json["communes"] == []  # the dry run wrote nothing
    done = send(api["cotech"], data, "donnee-comm.csv")
    assert done.status_code == 201 and done.json["skipped"] == 2 and done.json["written"]
    assert len(done.json["sha256"]) == 64 and done.json["years"] == [2023, 2024]
    bad = send(api["admin"], text(commune("97201", "1,0"), commune("97299", "1,0")))
    assert bad.status_code == 422
    assert bad.json["errors"]["file"] == [
        "Ligne 3 : la commune 97299 n'est pas une commune de la Martinique."
    ]
    assert "rien n'a été importé" in bad.json["message"]
    missing = api["cotech"].post(f"{PATH}/imports", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["errors"]
    refused = send(api["owner"], data)
    assert refused.status_code == 403 and refused.json["reasons"][0]["code"] == "role_required"
    assert send(api["copil"], data).status_code == 403


def test_withheld_figures_are_null_and_flagged_never_zero(api, world, client):
    send(api["cotech"], text(DEPARTMENT_ROW, header=DEPARTMENT_HEADER))
    send(api["cotech"], text(commune("97201", "4,0"), commune("97203", None)))
    world.scheme("approved", themes=["violences_intrafamiliales"], territories=["COM-97209"])
    response = api["owner"].get(f"{PATH}?indicator={VIF}&year=2024")
    assert response.status_code == 200, response.json
    body = response.json
    communes = {c["code"]: c for c in body["communes"]}
    assert communes["97203"]["published"] is False
    assert communes["97203"]["count"] is None and communes["97203"]["rate"] is None
    assert communes["97201"]["rate"] in ("4.0000000", "4.0") and communes["97201"]["gap"]
    assert communes["97234"]["published"] is None
    assert communes["97209"]["coverage"][0] == {
        "theme": "violences_intrafamiliales",
        "approved": 1,
        "in_progress": 0,
    }
    assert body["gaps"] == ["97201"] and body["department"]["count"] == 900
    assert body["indicator_en"] == "Domestic physical violence"
    assert [s["level"] for s in body["sources"]] == ["commune", "department"]
    assert client.get(PATH).status_code == 401
    assert api["cotech"].get(f"{PATH}?year=deux").status_code == 422
