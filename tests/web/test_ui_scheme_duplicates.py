"""The possible-duplicates fragment the scheme form fetches while the title is typed."""


def test_the_fragment_lists_similar_schemes_visible_to_the_caller(world, ui):
    recorded = world.scheme("recorded", title="Médiation sociale de nuit")
    draft = world.scheme("draft", title="Médiation sociale du week-end")
    response = ui("other_owner").get("/dispositifs/doublons?titre=Médiation+sociale+nocturne")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f"/dispositifs/{recorded.id}" in html and f"/dispositifs/{draft.id}" not in html
    html = ui("owner").get("/dispositifs/doublons?titre=Chantier").get_data(as_text=True)
    assert "Aucun dispositif semblable" in html


def test_without_javascript_the_edit_page_shows_them_after_the_first_save(world, ui):
    existing = world.scheme("recorded", title="Médiation sociale de nuit")
    owner = ui("owner")
    owner.get("/dispositifs/nouveau")
    response = owner.post("/dispositifs/nouveau", data={"title": "Médiation sociale nocturne"})
    html = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "existent peut-être déjà" in html and f"/dispositifs/{existing.id}" in html
