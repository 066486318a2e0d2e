"""Tableau de bord (/tableau-de-bord): states, overdue records, weekly flow, coverage matrix."""

from urllib.parse import urlencode

from flask import Blueprint, render_template, url_for

from engine.clock import local
from engine.objectives.progress import late_milestones
from engine.queries import dashboard
from engine.records.registry import RECORD_TYPES
from web.context import actor, reading, workflows
from web.ui.common import signin_required

blueprint = signin_required(Blueprint("dashboard", __name__))


@blueprint.get("/tableau-de-bord")
def index():
    work, who = reading(), actor()
    session, now = work.session, work.clock()
    # The objectives have a section of their own: their late milestones.
    kinds = [k for k in RECORD_TYPES if k != "objective"]
    counts = {k: dashboard.state_counts(session, k, who, workflows()) for k in kinds}
    overdue = {k: dashboard.overdue_counts(session, k, now, workflows()) for k in kinds}
    flow = dashboard.weekly_flow(session, now)
    late, late_total = late_milestones(session, local(now).date(), limit=20)
    return render_template(
        "ui/dashboard/index.html",
        workflows={k: workflows().current(k) for k in kinds},
        late_milestones=late,
        late_total=late_total,
        counts=counts,
        overdue=overdue,
        flow=flow,
        flow_max=max([1, *(n for week in flow for n in week.counts.values())]),
        actions=dashboard.FLOW,
        themes=dashboard.themes(session),
        groups=dashboard.communes_by_epci(session),
        cells=dashboard.coverage(session),
        empty=dashboard.Cell(),
        list_url=list_url,
        scheme_list=url_for("inventory.index"),
        cell_query=cell_query,
        approved_states=urlencode({"states": "approved"}),
        in_progress_states=urlencode({"states": dashboard.IN_PROGRESS}, doseq=True),
    )


def list_url(kind: str, **filters) -> str:
    """Return the address of the list of `kind` narrowed by `filters`."""
    if kind == "pooling":
        return url_for("pooling.index") + "?" + urlencode(filters, doseq=True)
    return url_for("inventory.index") + "?" + urlencode(filters, doseq=True)


def cell_query(commune, theme) -> str:
    """Return the query string narrowing the list to a matrix cell's commune and theme."""
    # The list's address and the states are prepared once: url_for and urlencode for each of
    # ~900 links took a third of the page.
    return urlencode({"territory": commune.cog, "themes": theme.code})
