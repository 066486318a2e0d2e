"""Draw a workflow as SVG from its definition: states ranked by distance, labelled arrows.

The layout is computed, never drawn by hand, so a changed workflow file redraws itself: states
go top to bottom by their distance from the initial state; the spine (the path to the farthest
final state) runs down the middle, side states sit left (still open) or right (final). Arrows
bend around boxes in their way, and each label takes the first free spot along its arrow.
"""

from collections import deque
from dataclasses import dataclass
from html import escape
from weakref import WeakKeyDictionary

from engine.rules.workflow import Workflow

BOX_W, BOX_H = 184, 46
PITCH_X, PITCH_Y = 272, 128
MARGIN, TOP = 12, 44  # TOP leaves room for the initial dot above the first state
STATE_FONT, EDGE_FONT = 13, 11.5
CHAR_W = 0.56  # mean glyph width of a sans-serif face, in em: enough to keep labels apart
INK, LINE, FILL, FINAL_FILL = "#1d1d1b", "#4a4a4a", "#e6f0f4", "#f1f1f1"
CURRENT_FILL, CURRENT_EDGE = "#00506e", "#f2a900"
BENDS = (0, 36, -36, 72, -72, 108, -108, 144, -144)
LABEL_SPOTS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)
WRAP = 16  # longer transition labels go on two lines
DRAWINGS_KEPT = 64  # per workflow: states × languages × titles, far fewer in practice

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class Edge:
    source: str
    dest: str
    label: str
    start: Point
    control: Point
    end: Point
    label_at: Point


@dataclass(frozen=True)
class Layout:
    ranks: dict[str, int]
    columns: dict[str, int]
    centres: dict[str, Point]
    edges: tuple[Edge, ...]
    view: Rect


def ranks(workflow: Workflow) -> tuple[dict[str, int], dict[str, str]]:
    """Rank states by distance from the initial one (reopenings ignored); return ranks, parents."""
    rank, parent, queue = {workflow.initial: 0}, {}, deque([workflow.initial])
    while queue:
        state = queue.popleft()
        for t in workflow.leaving(state):
            if not t.reopens and t.dest not in rank:
                rank[t.dest], parent[t.dest] = rank[state] + 1, state
                queue.append(t.dest)
    # A state reached only by a reopening (valid, if odd) goes below the others.
    deepest = max(rank.values())
    for state in workflow.states:
        rank.setdefault(state, deepest + 1)
    return rank, parent


def spine(workflow: Workflow, rank: dict[str, int], parent: dict[str, str]) -> list[str]:
    """Return the path from the initial state to the farthest final state (first in the file)."""
    order = list(workflow.states)
    finals = [s for s in order if workflow.states[s].final] or order
    state = max(finals, key=lambda s: (rank[s], -order.index(s)))
    path = [state]
    while path[-1] in parent:
        path.append(parent[path[-1]])
    return path[::-1]


def columns(workflow: Workflow, rank: dict[str, int], main: list[str]) -> dict[str, int]:
    """Put the spine in column 0, open side states to its left, final ones to its right.

    A final state linked to an open side state joins it on the left (a scheme is withdrawn
    while it is being completed), so their arrows stay short and do not cross the spine.
    """
    column = {state: 0 for state in main}
    used: dict[tuple[int, int], int] = {}  # (rank, side) -> states already there
    open_side = {s for s, d in workflow.states.items() if s not in column and not d.final}
    sides = dict.fromkeys(open_side, -1)
    for name, state in workflow.states.items():
        if state.final and name not in column:
            sides[name] = -1 if _neighbours(workflow, name) & open_side else 1
    for name in workflow.states:  # file order keeps the drawing stable
        if name in sides:
            key = (rank[name], sides[name])
            used[key] = used.get(key, 0) + 1
            column[name] = sides[name] * used[key]
    return column


def _neighbours(workflow: Workflow, state: str) -> set[str]:
    linked = set()
    for t in workflow.transitions:
        if t.dest == state:
            linked |= t.sources
        if state in t.sources:
            linked.add(t.dest)
    return linked - {state}


def layout(workflow: Workflow, english: bool = False) -> Layout:
    """Place every state and route every transition of `workflow`."""
    rank, parent = ranks(workflow)
    column = columns(workflow, rank, spine(workflow, rank, parent))
    first = min(column.values())
    centres = {
        s: ((column[s] - first) * PITCH_X + BOX_W / 2 + MARGIN, rank[s] * PITCH_Y + TOP + BOX_H / 2)
        for s in workflow.states
    }
    boxes = {s: _box(c) for s, c in centres.items()}
    pairs = _pairs(workflow, english)
    curves = {pair: _curve(*pair, centres, boxes, pairs) for pair in pairs}
    # Straight and short arrows have the least room for their label: they choose first.
    order = sorted(
        pairs, key=lambda p: (curves[p][1] != _middle(*curves[p][::2]), _span(p, centres))
    )
    placed: list[Rect] = []
    spots = {}
    for pair in order:
        size = _label_size(pairs[pair])
        spots[pair] = _label_spot(*curves[pair], size, [*boxes.values(), *placed])
        placed.append(_around(spots[pair], size))
    edges = tuple(Edge(*pair, pairs[pair], *curves[pair], spots[pair]) for pair in pairs)
    return Layout(
        rank, column, centres, edges, _view([*boxes.values(), *placed], centres, workflow)
    )


# Drawings already made, per loaded workflow object (a reloaded file is a new object, so its
# drawings start afresh; a dropped one takes its drawings with it). Every record page draws its
# circuit, and the layout alone costs milliseconds: the same few drawings are served again.
_drawings: WeakKeyDictionary[Workflow, dict[tuple, str]] = WeakKeyDictionary()


def draw(
    workflow: Workflow,
    current: str | None = None,
    *,
    title: str,
    description: str = "",
    english: bool = False,
    ident: str | None = None,
) -> str:
    """Return the SVG of `workflow`, `current` state highlighted, labels escaped (kept)."""
    kept = _drawings.setdefault(workflow, {})
    key = (current, title, description, english, ident)
    svg = kept.get(key)
    if svg is None:
        svg = _draw(workflow, current, title, description, english, ident)
        if len(kept) >= DRAWINGS_KEPT:
            kept.clear()
        kept[key] = svg
    return svg


def _draw(
    workflow: Workflow,
    current: str | None,
    title: str,
    description: str,
    english: bool,
    ident: str | None,
) -> str:
    plan = layout(workflow, english)
    ident = ident or f"circuit-{workflow.name}-{workflow.version}"
    left, top, right, bottom = plan.view
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagramme-circuit" role="img" '
        f'data-colonnes="{len(set(plan.columns.values()))}" '
        f'width="100%" viewBox="{_n(left)} {_n(top)} {_n(right - left)} {_n(bottom - top)}" '
        f'aria-labelledby="{ident}-titre{f" {ident}-desc" if description else ""}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="{ident}-titre">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{ident}-desc">{escape(description)}</desc>')
    parts.append(_defs(ident))
    parts.append(_initial(plan.centres[workflow.initial], ident))
    parts.extend(_edge(edge, ident) for edge in plan.edges)
    for name, state in workflow.states.items():
        label = state.label_en if english else state.label
        parts.append(_state(name, label, plan.centres[name], state.final, name == current))
    parts.append("</svg>")
    return "\n".join(parts)


def _pairs(workflow: Workflow, english: bool) -> dict[tuple[str, str], str]:
    """One arrow per (from, to) pair, its transitions' labels joined, in file order."""
    order = list(workflow.states)
    pairs: dict[tuple[str, str], list[str]] = {}
    for t in workflow.transitions:
        label = t.label_en if english else t.label
        for source in sorted(t.sources, key=order.index):
            labels = pairs.setdefault((source, t.dest), [])
            if label not in labels:
                labels.append(label)
    return {pair: " / ".join(labels) for pair, labels in pairs.items()}


def _curve(source, dest, centres, boxes, pairs) -> tuple[Point, Point, Point]:
    """Start, control and end of the arrow source→dest, bent around the boxes in its way."""
    a, b = centres[source], centres[dest]
    others = [box for s, box in boxes.items() if s not in (source, dest)]
    # Two arrows between the same states bend to their own right, so they never overlap.
    bends = [x for x in BENDS if x > 0] if (dest, source) in pairs else BENDS
    bend = next((x for x in bends if _clear(a, _control(a, b, x), b, others)), bends[-1])
    control = _control(a, b, bend)
    return _exit(boxes[source], a, control), control, _exit(boxes[dest], b, control)


def _middle(a: Point, b: Point) -> Point:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def _span(pair: tuple[str, str], centres: dict[str, Point]) -> float:
    (ax, ay), (bx, by) = centres[pair[0]], centres[pair[1]]
    return ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5


def _control(a: Point, b: Point, bend: float) -> Point:
    """Control point of a quadratic curve whose middle is `bend` to the right of a→b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1.0)
    # In SVG y grows downwards, so (-dy, dx) points to the right of the direction of travel.
    nx, ny = -dy / length, dx / length
    return ((a[0] + b[0]) / 2 + nx * 2 * bend, (a[1] + b[1]) / 2 + ny * 2 * bend)


def _on_curve(a: Point, c: Point, b: Point, t: float) -> Point:
    u = 1 - t
    return (
        u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
        u * u * a[1] + 2 * u * t * c[1] + t * t * b[1],
    )


def _clear(a: Point, c: Point, b: Point, obstacles: list[Rect]) -> bool:
    points = [_on_curve(a, c, b, i / 24) for i in range(2, 23)]
    return not any(_inside(p, _grow(box, 8)) for p in points for box in obstacles)


def _exit(box: Rect, centre: Point, toward: Point) -> Point:
    """Where the segment from the box's centre toward `toward` leaves the box."""
    dx, dy = toward[0] - centre[0], toward[1] - centre[1]
    half_w, half_h = (box[2] - box[0]) / 2 + 2, (box[3] - box[1]) / 2 + 2
    scale = min(
        half_w / abs(dx) if dx else float("inf"),
        half_h / abs(dy) if dy else float("inf"),
    )
    return (centre[0] + dx * scale, centre[1] + dy * scale)


def _lines(label: str) -> list[str]:
    """The label on one line, or on two split at the space nearest its middle."""
    if len(label) <= WRAP or " " not in label:
        return [label]
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1 :]]


def _label_size(label: str) -> tuple[float, float]:
    lines = _lines(label)
    return (max(map(len, lines)) * EDGE_FONT * CHAR_W + 6, len(lines) * (EDGE_FONT + 2) + 3)


def _label_spot(start, control, end, size, taken: list[Rect]) -> Point:
    """The first spot along the arrow where the label covers nothing, else the least covering."""
    spots = [_on_curve(start, control, end, t) for t in LABEL_SPOTS]
    return min(spots, key=lambda p: sum(_covered(_around(p, size), r) for r in taken))


def _covered(a: Rect, b: Rect) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _around(point: Point, size: tuple[float, float]) -> Rect:
    w, h = size
    return (point[0] - w / 2, point[1] - h / 2, point[0] + w / 2, point[1] + h / 2)


def _box(centre: Point) -> Rect:
    return _around(centre, (BOX_W, BOX_H))


def _grow(r: Rect, by: float) -> Rect:
    return (r[0] - by, r[1] - by, r[2] + by, r[3] + by)


def _inside(p: Point, r: Rect) -> bool:
    return r[0] <= p[0] <= r[2] and r[1] <= p[1] <= r[3]


def _view(rects: list[Rect], centres: dict[str, Point], workflow: Workflow) -> Rect:
    top_dot = centres[workflow.initial][1] - BOX_H / 2 - 36
    left = min(r[0] for r in rects) - MARGIN
    right = max(r[2] for r in rects) + MARGIN
    top = min(min(r[1] for r in rects), top_dot - 10) - MARGIN / 2
    bottom = max(r[3] for r in rects) + MARGIN
    return (left, top, right, bottom)


def _defs(ident: str) -> str:
    return (
        f'<defs><marker id="{ident}-fleche" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/></marker></defs>'
    )


def _initial(centre: Point, ident: str) -> str:
    x, top = centre[0], centre[1] - BOX_H / 2
    return (
        f'<g class="depart"><circle cx="{_n(x)}" cy="{_n(top - 34)}" r="7" fill="{INK}"/>'
        f'<line x1="{_n(x)}" y1="{_n(top - 27)}" x2="{_n(x)}" y2="{_n(top - 3)}" '
        f'stroke="{LINE}" stroke-width="1.5" marker-end="url(#{ident}-fleche)"/></g>'
    )


def _edge(edge: Edge, ident: str) -> str:
    (sx, sy), (cx, cy), (ex, ey) = edge.start, edge.control, edge.end
    lx, ly = edge.label_at
    return (
        f'<g class="transition" data-de="{escape(edge.source)}" data-vers="{escape(edge.dest)}">'
        f'<path d="M{_n(sx)},{_n(sy)} Q{_n(cx)},{_n(cy)} {_n(ex)},{_n(ey)}" fill="none" '
        f'stroke="{LINE}" stroke-width="1.5" marker-end="url(#{ident}-fleche)"/>'
        f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="middle" dominant-baseline="central" '
        f'font-size="{EDGE_FONT}" fill="{INK}" stroke="#ffffff" stroke-width="4" '
        f'stroke-linejoin="round" paint-order="stroke">{_text_lines(edge.label, lx)}</text></g>'
    )


def _text_lines(label: str, x: float) -> str:
    lines = _lines(label)
    if len(lines) == 1:
        return escape(label)
    first, second = (escape(line) for line in lines)
    return (
        f'<tspan x="{_n(x)}" dy="-0.6em">{first}</tspan>'
        f'<tspan x="{_n(x)}" dy="1.2em">{second}</tspan>'
    )


def _state(name: str, label: str, centre: Point, final: bool, current: bool) -> str:
    left, top, _, _ = _box(centre)
    classes = "etat" + (" etat-final" if final else "") + (" etat-courant" if current else "")
    fill = CURRENT_FILL if current else FINAL_FILL if final else FILL
    stroke, width = (CURRENT_EDGE, 4) if current else (INK, 1.5)
    parts = [
        f'<g class="{classes}" data-etat="{escape(name)}">',
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{BOX_W}" height="{BOX_H}" rx="10" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>',
    ]
    if final:  # a double border, as state diagrams mark an end
        parts.append(
            f'<rect x="{_n(left + 4)}" y="{_n(top + 4)}" width="{BOX_W - 8}" '
            f'height="{BOX_H - 8}" rx="7" fill="none" stroke="{"#ffffff" if current else INK}" '
            'stroke-width="1"/>'
        )
    parts.append(
        f'<text x="{_n(centre[0])}" y="{_n(centre[1])}" text-anchor="middle" '
        f'dominant-baseline="central" font-size="{STATE_FONT}" '
        f'font-weight="{700 if current else 600}" fill="{"#ffffff" if current else INK}">'
        f"{escape(label)}</text></g>"
    )
    return "".join(parts)


def _n(value: float) -> str:
    """A coordinate with at most one decimal, so the SVG stays small and stable."""
    return f"{value:.1f}".rstrip("0").rstrip(".")
