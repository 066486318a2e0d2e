"""Rapports (/rapports/delais): time spent per state and lead times, with charts and exports.

COTECH, COPIL and admins only. The filters live in the address, so a report can be bookmarked,
shared and exported as it is shown.
"""

import math
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask import Blueprint, abort, render_template, request, url_for

from engine.exporting import time_in_state as export
from engine.french.formatting import LOCALE
from engine.queries import time_in_state as tis
from web.context import reading, workflows
from web.report_filters import REPORT_ROLES, TYPES, parse_report_filters
from web.ui.admin_common import organisations
from web.ui.common import roles_required, send_table, signin_required

blueprint = signin_required(Blueprint("report", __name__, url_prefix="/rapports"))

EXPORTS = {"csv": export.write_csv, "xlsx": export.write_xlsx}
# The chart's drawing, in SVG units: labels on the left, bars on the right.
LABEL_WIDTH, BAR_WIDTH, BAR_HEIGHT, GAP = 170, 300, 18, 12
WIDTH = LABEL_WIDTH + BAR_WIDTH + 80  # room for the last bar's figures


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    median: float  # the bar's length
    p90: float  # the mark's abscissa
    stat: tis.Stat


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    ticks: list[tuple[float, float]]  # (abscissa, days)
    label_width: int = LABEL_WIDTH
    width: int = WIDTH


@blueprint.get("/delais")
@roles_required(*REPORT_ROLES)
def time_in_state():
    choices = organisations()
    filters, errors, args = parse_report_filters(request.args, {o.id for o in choices})
    workflow = workflows().current(filters.kind)
    report = tis.time_in_state(reading().session, filters, workflow)
    by_state = [(s, export.state_label(workflow, s)) for s in report.states]
    named = export.organisation_order(report)
    query = {k: v for k, v in args.items() if v}
    return render_template(
        "ui/report/time_in_state.html",
        report=report,
        by_state=by_state,
        state_chart=chart([(label, report.per_state.get(s)) for s, label in by_state]),
        lead_chart=chart([(n, report.lead_per_organisation.get(o)) for o, n in named]),
        organisation_names=named,
        organisations=choices,
        types=TYPES,
        args=args,
        errors=errors,
        csv_url=url_for(".time_in_state_export", format="csv", **query),
        xlsx_url=url_for(".time_in_state_export", format="xlsx", **query),
    ), (422 if errors else 200)


@blueprint.get("/delais/export")
@roles_required(*REPORT_ROLES)
def time_in_state_export():
    fmt = request.args.get("format", "")
    known = {o.id for o in organisations()}
    filters, errors, _args = parse_report_filters(request.args, known)
    if fmt not in EXPORTS:
        abort(404)
    if errors:
        return time_in_state()
    workflow = workflows().current(filters.kind)
    report = tis.time_in_state(reading().session, filters, workflow)
    table = export.rows(report, workflow)
    return send_table(fmt, f"delais-{filters.kind}", lambda out: EXPORTS[fmt](table, out))


@blueprint.app_template_global()
def tenths(days: float) -> str:
    """Write a duration in days the French way with one decimal: "12,5"."""
    return format_decimal(export.days(days), format="#,##0.0", locale=LOCALE)


def chart(items: list[tuple[str, tis.Stat | None]]) -> Chart:
    """Lay out one bar per measured item: its median, with a mark at its 90th percentile."""
    measured = [(label, stat) for label, stat in items if stat is not None]
    top = max([0.1, *(stat.p90 for _, stat in measured)])
    step = _step(top)
    ends = math.ceil(top / step) * step  # the axis ends on a graduation
    scale = BAR_WIDTH / ends
    bars = [
        Bar(label, GAP + i * (BAR_HEIGHT + GAP), stat.median * scale, stat.p90 * scale, stat)
        for i, (label, stat) in enumerate(measured)
    ]
    ticks = [(n * step * scale, n * step) for n in range(round(ends / step) + 1)]
    return Chart(bars, GAP + len(bars) * (BAR_HEIGHT + GAP) + 20, ticks)


def _step(top: float) -> float:
    """A round step between the axis's graduations: about five of them."""
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 90, 180, 365):
        if top / step <= 6:
            return step
    return 730
