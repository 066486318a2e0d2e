"""Languages: French first, English second, chosen per user and by the browser (Flask-Babel).

Message ids are the French texts themselves; `web/translations/en` holds their English forms.
"""

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
SESSION_KEY = "locale"  # an anonymous visitor's choice, made on the sign-in page


def register_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "America/Martinique")
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale


def select_locale() -> str:
    """The account's choice, else this browser's, else its Accept-Language, else French."""
    if not has_request_context():
        return DEFAULT
    user = getattr(current_user, "user", None)
    if user is not None and user.locale in LANGUAGES:
        return user.locale
    if session.get(SESSION_KEY) in LANGUAGES:
        return session[SESSION_KEY]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT
