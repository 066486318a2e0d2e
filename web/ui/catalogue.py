"""The public catalogue (/catalogue): the approved schemes, read without signing in.

Every page is a GET answered from the public cache (web/public_cache.py) and rendered by
templates of their own (web/templates/catalogue/): no internal navigation, no CSRF token, so
an anonymous visitor gets no session cookie. A scheme that is not published answers 404, as
one that does not exist.
"""

from io import BytesIO
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from engine.errors import InvalidInput
from engine.queries.catalogue import (
    CatalogueFilter,
    catalogue_choices,
    catalogue_page,
    catalogue_version,
    last_change,
    parse_catalogue_filter,
    published_count,
    published_entries,
    write_open_data,
)
from engine.queries.public_scheme import public_scheme, slug
from web.context import reading, workflows
from web.public_cache import cached
from web.ui.common import english
from web.ui.inventory_form import cursor

blueprint = Blueprint("catalogue", __name__)
PAGE_SIZE = 20
FILTERS = ("q", "commune", "public", "theme", "age")
# Schemes per sitemap file: under the protocol's 50,000 addresses, the catalogue's own included.
SITEMAP_SIZE = 45_000
OPEN_DATA_NAME = "dispositifs.csv"


def _version() -> int:
    return catalogue_version(reading().session)


def _key(*parts) -> tuple:
    return (english(), request.full_path, *parts)


@blueprint.get("/catalogue")
def index():
    return cached(_version(), _key(), _index)


def _index():
    session = reading().session
    try:
        filters = parse_catalogue_filter(session, request.args)
    except InvalidInput as exc:
        return _render_index(None, exc.errors, CatalogueFilter()), 400
    page = catalogue_page(
        session,
        filters,
        workflows(),
        size=PAGE_SIZE,
        after=cursor(request.args, "apres"),
        before=cursor(request.args, "avant"),
    )
    return _render_index(page, {}, filters)


def _render_index(page, errors: dict, filters: CatalogueFilter) -> str:
    query = [(name, request.args[name]) for name in FILTERS if request.args.get(name)]
    return render_template(
        "catalogue/index.html",
        page=page,
        errors=errors,
        args=request.args,
        choices=catalogue_choices(reading().session, english()),
        filtered=bool(query),
        next_url=page and page.next_after and _list_url(query, apres=page.next_after),
        previous_url=page and page.previous_before and _list_url(query, avant=page.previous_before),
    )


def _list_url(query: list[tuple[str, str]], **cursor_arg: int) -> str:
    return url_for("catalogue.index") + "?" + urlencode([*query, *cursor_arg.items()])


@blueprint.get("/catalogue/<int:scheme_id>")
@blueprint.get("/catalogue/<int:scheme_id>-<words>")
def scheme(scheme_id: int, words: str | None = None):
    return cached(_version(), _key(), lambda: _scheme(scheme_id, words))


def _scheme(scheme_id: int, words: str | None):
    found = public_scheme(reading().session, scheme_id, workflows(), english())
    if found is None:
        abort(404)
    if words != found.slug:
        # One address per scheme: an old or shortened one leads to it.
        return redirect(url_for(".scheme", scheme_id=scheme_id, words=found.slug), 301)
    return render_template("catalogue/scheme.html", scheme=found)


@blueprint.get(f"/catalogue/donnees/{OPEN_DATA_NAME}")
def open_data():
    session = reading().session
    return cached(_version(), ("open-data",), _open_data_file, last_modified=last_change(session))


def _open_data_file() -> Response:
    out = BytesIO()
    write_open_data(reading().session, workflows(), out)
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{OPEN_DATA_NAME}"'
    return response


@blueprint.get("/sitemap.xml")
def sitemap():
    return cached(_version(), ("sitemap",), _sitemap)


def _sitemap():
    parts = max(1, -(-published_count(reading().session, workflows()) // SITEMAP_SIZE))
    if parts == 1:
        return _sitemap_part(1)
    body = render_template("catalogue/sitemap_index.xml", parts=range(1, parts + 1))
    return Response(body, content_type="application/xml; charset=utf-8")


@blueprint.get("/sitemap-<int:part>.xml")
def sitemap_part(part: int):
    return cached(_version(), ("sitemap", part), lambda: _sitemap_part(part))


def _sitemap_part(part: int):
    if part < 1:
        abort(404)
    entries = published_entries(
        reading().session, workflows(), (part - 1) * SITEMAP_SIZE, SITEMAP_SIZE
    )
    if part > 1 and not entries:
        abort(404)
    body = render_template("catalogue/sitemap.xml", entries=entries, first=part == 1, slug=slug)
    return Response(body, content_type="application/xml; charset=utf-8")


@blueprint.get("/robots.txt")
def robots():
    body = render_template("catalogue/robots.txt")
    return Response(body, content_type="text/plain; charset=utf-8")


@blueprint.after_request
def _private_when_signed_in(response: Response) -> Response:
    # A signed-in visitor's answer renews their session cookie: no shared cache may keep it.
    if current_user.is_authenticated or session.modified:
        response.cache_control.public = False
        response.cache_control.private = True
    return response


@blueprint.errorhandler(404)
def not_found(_exc):
    # The catalogue's own frame: the interface's error page would give a visitor a session.
    return render_template("catalogue/not_found.html"), 404
