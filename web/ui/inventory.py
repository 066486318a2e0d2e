"""The inventory list (/dispositifs): search, filters and sort in the URL, keyset pages, exports."""

from io import BytesIO

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from engine.clock import local
from engine.errors import InvalidInput
from engine.queries.inventory import (
    DEFAULT_SORT,
    SORTS,
    InventoryFilter,
    filter_choices,
    keyset_page,
    parse_filter,
    scheme_query,
)
from engine.services.exports import FORMATS, export_inventory
from web.context import actor, reading, workflows, writing
from web.ui.common import signin_required
from web.ui.inventory_form import (
    EXPORT_TYPES,
    FILTER_FIELDS,
    cursor,
    export_links,
    facet_options,
    filter_args,
    list_url,
    raw_filter,
    territory_groups,
)

blueprint = signin_required(Blueprint("inventory", __name__))
PAGE_SIZE = 50
# States a pooling may gather (the pooling workflow's creation rule).
POOLABLE = frozenset({"reviewed", "proposed", "approved"})


@blueprint.get("/dispositifs")
def index():
    session, who = reading().session, actor()
    sort = request.args.get("sort", DEFAULT_SORT)
    try:
        filters = _filters(session, sort)
    except InvalidInput as exc:
        return _render(None, exc.errors, sort, InventoryFilter()), 400
    page = keyset_page(
        session,
        scheme_query(session, filters, who, workflows()),
        sort,
        PAGE_SIZE,
        after=cursor(request.args, "after"),
        before=cursor(request.args, "before"),
    )
    return _render(page, {}, sort, filters)


def _filters(session, sort: str) -> InventoryFilter:
    filters = parse_filter(session, raw_filter(request.args), workflows())
    if sort not in SORTS:
        raise InvalidInput({"sort": [_("Tri inconnu : choisissez dans la liste.")]})
    return filters


def _render(page, errors: dict, sort: str, filters: InventoryFilter) -> str:
    who, labels = actor(), _state_labels()
    choices = filter_choices(reading().session)
    query = filter_args(request.args)
    return render_template(
        "ui/inventory/index.html",
        page=page,
        errors=errors,
        sort=sort,
        sorts=SORTS,
        args=request.args,
        fields=FILTER_FIELDS,
        options=facet_options(choices, labels),
        territory_groups=territory_groups(choices.territories),
        organisations=choices.organisations,
        labels=labels,
        export_links=export_links(query),
        next_url=page and page.next_after and list_url(query, after=page.next_after),
        previous_url=page and page.previous_before and list_url(query, before=page.previous_before),
        may_create="owner" in who.roles,
        may_pool="cotech" in who.roles,
        poolable=POOLABLE,
        pooling_url=_pooling_url(),
    )


def _state_labels() -> dict[str, str]:
    states = workflows().current("scheme").states
    return {name: state.label[:1].upper() + state.label[1:] for name, state in states.items()}


def _pooling_url() -> str:
    # pooling.new is built by another module; its address is fixed by the interface's plan.
    try:
        return url_for("pooling.new")
    except BuildError:
        return "/mutualisations/nouvelle"


@blueprint.get("/dispositifs/export")
def export():
    fmt = request.args.get("format", "")
    if fmt not in FORMATS:
        abort(404)
    # Its own unit of work, closed before the file is sent; the export audits itself.
    with writing() as work:
        filters = parse_filter(work.session, raw_filter(request.args), workflows())
        out = BytesIO()
        export_inventory(work, actor(), fmt, filters, out)
        day = local(work.clock()).date()  # the Martinique day, not the server's
    out.seek(0)
    extension, mimetype = EXPORT_TYPES[fmt]
    name = f"dispositifs-{day:%Y-%m-%d}{extension}"
    return send_file(out, mimetype=mimetype, as_attachment=True, download_name=name)
