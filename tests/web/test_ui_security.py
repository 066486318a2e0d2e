"""Security of every answer: headers, cookie flags, body size, session lifetimes, languages."""

from engine.db.config import Settings
from engine.db.uow import UnitOfWork
from engine.models import User
from engine.services.users import set_user_active, set_user_roles
from tests.factories import PASSWORD


def test_every_page_carries_the_security_headers(browser) -> None:
    headers = browser.get("/connexion").headers
    policy = headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP unless configured


def test_error_pages_and_the_api_carry_them_too(browser, client) -> None:
    assert "frame-ancestors 'none'" in browser.get("/nulle-part").headers["Content-Security-Policy"]
    assert client.get("/api/v1/territories").headers["X-Frame-Options"] == "DENY"


def test_only_the_api_documentation_may_load_its_script_from_the_cdn(client) -> None:
    policy = client.get("/api/v1/docs").headers["Content-Security-Policy"]
    assert "script-src 'self' https://cdn.jsdelivr.net" in policy
    assert "frame-ancestors 'none'" in policy
    assert "cdn.jsdelivr.net" not in client.get("/connexion").headers["Content-Security-Policy"]


def test_the_session_cookie_is_httponly_and_samesite_lax(browser) -> None:
    response = browser.sign_in("owner@example.mq")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_when_configured(world, tmp_path, monkeypatch) -> None:
    from web import DATABASE, create_app

    monkeypatch.setenv("MAILLAGE_SECURE_COOKIES", "1")
    url = world.db.url.render_as_string(hide_password=False)
    app = create_app(Settings(instance_path=tmp_path, database_url=url, secret_key="k"))
    try:
        response = app.test_client().get("/connexion")
        assert "Secure" in response.headers["Set-Cookie"]
        assert "max-age=" in response.headers["Strict-Transport-Security"]
    finally:
        app.extensions[DATABASE].dispose()


def test_a_body_over_2_mb_is_refused_with_a_french_page(ui) -> None:
    owner = ui("owner")
    response = owner.post("/compte/jetons", {"name": "x" * (2 * 1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)


def test_thirty_minutes_idle_signs_out_with_a_french_message(ui, clock) -> None:
    owner = ui("owner")
    clock.advance(minutes=29)
    assert owner.get("/compte").status_code == 200
    clock.advance(minutes=29)  # active 29 minutes ago: still signed in
    assert owner.get("/compte").status_code == 200
    clock.advance(minutes=31)
    response = owner.get("/compte")
    assert response.status_code == 302
    assert response.location == "/connexion?next=/compte"
    page = owner.get(response.location).get_data(as_text=True)
    assert "Votre session a expiré" in page
    assert owner.get("/compte").status_code == 302  # signed out for good


def test_twelve_hours_end_even_an_active_session(ui, clock) -> None:
    owner = ui("owner")
    for _ in range(24):
        clock.advance(minutes=29)
        assert owner.get("/compte").status_code == 200
    clock.advance(minutes=29)  # 12 h 05 after signing in
    assert owner.get("/compte").status_code == 302


def test_an_expired_session_no_longer_reads_the_api(ui, clock) -> None:
    owner = ui("owner")
    assert owner.get("/api/v1/me").status_code == 200
    clock.advance(minutes=31)
    assert owner.get("/api/v1/me").status_code == 401


def test_a_role_change_ends_the_users_sessions(ui, world) -> None:
    cotech = ui("cotech")
    with UnitOfWork(world.db) as uow:
        set_user_roles(uow, world.actors["admin"], world.actors["cotech"].id, ["copil"])
    assert cotech.get("/compte").status_code == 302


def test_deactivation_ends_the_users_sessions(ui, world) -> None:
    owner = ui("owner")
    with UnitOfWork(world.db) as uow:
        set_user_active(uow, world.actors["admin"], world.actors["owner"].id, False)
    assert owner.get("/compte").status_code == 302


def test_the_browser_language_chooses_english(browser) -> None:
    page = browser.get("/connexion", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.get_data(as_text=True)
    page = browser.get("/connexion", headers={"Accept-Language": "de, fr;q=0.5"})
    assert '<html lang="fr">' in page.get_data(as_text=True)
    assert '<html lang="fr">' in browser.get("/connexion").get_data(as_text=True)


def test_an_anonymous_visitor_switches_language_on_the_sign_in_page(browser) -> None:
    browser.get("/connexion")
    response = browser.post("/langue", {"locale": "en", "next": "/connexion"})
    assert response.location == "/connexion"
    assert '<html lang="en">' in browser.get("/connexion").get_data(as_text=True)
    browser.post("/langue", {"locale": "fr"})
    page = browser.get("/connexion", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in page.get_data(as_text=True)


def test_a_users_language_is_kept_with_their_account(ui, world) -> None:
    owner = ui("owner")
    owner.post("/langue", {"locale": "en", "next": "/compte"})
    with UnitOfWork(world.db) as uow:
        assert uow.session.get(User, world.actors["owner"].id).locale == "en"
    assert '<html lang="en">' in owner.get("/compte").get_data(as_text=True)
    owner.post("/langue", {"locale": ""})
    page = owner.get("/compte", headers={"Accept-Language": "fr"})
    assert '<html lang="fr">' in page.get_data(as_text=True)


def test_behind_a_proxy_failures_count_by_the_address_it_saw(world, tmp_path, monkeypatch) -> None:
    from web import DATABASE, create_app

    monkeypatch.setenv("MAILLAGE_PROXIES", "1")
    url = world.db.url.render_as_string(hide_password=False)
    app = create_app(Settings(instance_path=tmp_path, database_url=url, secret_key="k"))
    try:
        client = app.test_client()
        page = client.get("/connexion").get_data(as_text=True)
        token = page.split('name="csrf-token" content="')[1].split('"')[0]

        def attempt(address: str, password: str):
            form = {"csrf_token": token, "email": "owner@example.mq", "password": password}
            headers = {"X-Forwarded-For": f"6.6.6.6, {address}"}
            return client.post("/connexion", data=form, headers=headers)

        for i in range(20):
            form = {"csrf_token": token, "email": f"x{i}@example.mq", "password": "non"}
            client.post("/connexion", data=form, headers={"X-Forwarded-For": "10.0.0.66"})
        assert attempt("10.0.0.66", PASSWORD).status_code == 429
        assert attempt("10.0.0.7", PASSWORD).status_code == 302  # not the client-written 6.6.6.6
    finally:
        app.extensions[DATABASE].dispose()
