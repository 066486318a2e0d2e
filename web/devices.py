"""Known browsers: the signed cookie a browser gets when it signs in.

A stranger guessing a password from elsewhere sets off limits that never hold a browser the user
signed in from before (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"). The
cookie names the account and a random nonce, signed with the application's secret key; it is
sent only to the sign-in page. The engine (`engine.services.signin`) decides what it is worth.
"""

import secrets
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from engine.services.signin import KnownDevice

COOKIE = "maillage_navigateur"
PATH = "/connexion"
LIFETIME = timedelta(days=180)
SALT = "maillage.navigateur-connu"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def known_device() -> KnownDevice | None:
    """The request's known browser, when its cookie is there, signed by us and not too old."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:
        return None
    user_id, nonce = (data.get("u"), data.get("n")) if isinstance(data, dict) else (None, None)
    if not isinstance(user_id, int) or not isinstance(nonce, str) or not 0 < len(nonce) <= 32:
        return None
    return KnownDevice(user_id, nonce)


def remember_device(response: Response, user_id: int, device: KnownDevice | None) -> Response:
    """Give the browser that just signed in its cookie (the same nonce when it had one)."""
    known = device is not None and device.user_id == user_id
    nonce = device.nonce if known else secrets.token_urlsafe(16)
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"u": user_id, "n": nonce}),
        max_age=int(LIFETIME.total_seconds()),
        path=PATH,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response
