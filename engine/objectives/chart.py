"""The geometry of an indicator's chart, drawn as SVG by the page (no JavaScript): its values
over time as a line of points, the target and the baseline as horizontal lines, the axes' ticks.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 36


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    day: date
    value: Decimal


@dataclass(frozen=True)
class Tick:
    at: float  # x for a day, y for a value
    value: date | Decimal


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    dots: list[Dot]
    target_y: float | None
    baseline_y: float | None
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def line(self) -> str:
        """The polyline's points attribute."""
        return " ".join(f"{d.x:.1f},{d.y:.1f}" for d in self.dots)


def chart(
    points: list[tuple[date, Decimal]],
    *,
    baseline: Decimal | None,
    target: Decimal | None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> Chart:
    """Place the points, the target and the baseline on a chart from `first_day` to `last_day`
    (the points' days widened to these), from zero to the largest value plus a margin."""
    days = [d for d, _ in points] + [d for d in (first_day, last_day) if d is not None]
    start = min(days) if days else date(2000, 1, 1)
    end = max(days) if days else start
    if end <= start:
        end = start + timedelta(days=1)
    values = [v for _, v in points] + [v for v in (baseline, target) if v is not None]
    top = max([Decimal(0), *values])
    bottom = min([Decimal(0), *values])
    if top == bottom:
        top = bottom + 1
    top = top + (top - bottom) / 10

    span_x, span_y = (end - start).days, float(top - bottom)

    def x(day: date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span_x

    def y(value: Decimal) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * float(top - value) / span_y

    dots = [Dot(x(d), y(v), d, v) for d, v in points]
    x_ticks = [Tick(x(d), d) for d in _day_ticks(start, end)]
    y_ticks = [Tick(y(v), v) for v in _value_ticks(bottom, top)]
    return Chart(
        WIDTH,
        HEIGHT,
        dots,
        y(target) if target is not None else None,
        y(baseline) if baseline is not None else None,
        x_ticks,
        y_ticks,
    )


def _day_ticks(start: date, end: date, count: int = 4) -> list[date]:
    step = (end - start) / count
    return [start + step * i for i in range(count + 1)]


def _value_ticks(bottom: Decimal, top: Decimal, count: int = 4) -> list[Decimal]:
    step = (top - bottom) / count
    return [(bottom + step * i).quantize(Decimal("0.01")) for i in range(count + 1)]
