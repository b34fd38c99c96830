"""Charts drawn on the server as SVG: bars, lines (percentiles over time) and cap bars with 80/90/100% marks.

Nothing is fetched or run in the browser; each point carries a <title>, so hovering shows its value.
Colours come from app.css by class (series-0, series-1, ...), which keeps the page's CSP free of inline styles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 1200, 240  # a full-width chart; half-width ones pass width=580
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 28, 34


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def nice_step(raw: float, *, integers: bool = False) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k at or above `raw` (whole numbers only, for counts)."""
    if raw <= 0:
        return 1.0
    exponent = math.floor(math.log10(raw))
    for mantissa in (1, 2, 2.5, 5, 10):
        step = mantissa * 10.0 ** exponent
        if step >= raw * 0.999999 and not (integers and step != int(step)):
            return step
    return 10.0 ** (exponent + 1)


def axis(value: float, *, integers: bool = False, ticks: int = 4) -> tuple[float, int]:
    """An axis for values up to `value`: its top and how many gridlines (steps of a nice size)."""
    step = nice_step(max(value, 0.0) / ticks, integers=integers)
    count = max(1, math.ceil(value / step - 1e-9)) if value > 0 else ticks
    return step * count, count


def _label(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _frame(top: float, ticks: int, unit: str, width: int) -> list[str]:
    """The y axis: gridlines and labels from 0 to `top`."""
    parts = []
    plot_h = HEIGHT - TOP - BOTTOM
    for i in range(ticks + 1):
        value = top * i / ticks
        y = TOP + plot_h - plot_h * i / ticks
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{_label(value)}{escape(unit)}</text>')
    return parts


def _x_labels(labels: Sequence[str], xs: Sequence[float]) -> list[str]:
    every = max(1, math.ceil(len(labels) / 10))
    return [f'<text class="axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>'
            for i, (label, x) in enumerate(zip(labels, xs, strict=True))
            if i == len(labels) - 1 or (i % every == 0 and len(labels) - 1 - i >= every)]


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x = [], LEFT
    for i, s in enumerate(series):
        parts.append(f'<rect class="series-{i}" x="{x}" y="6" width="12" height="12" rx="2"/>')
        parts.append(f'<text class="legend" x="{x + 16}" y="16">{escape(s.name)}</text>')
        x += 28 + 7 * len(s.name)
    return parts


def _svg(parts: list[str], title: str, width: int) -> Markup:
    body = "".join(parts)
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {HEIGHT}" role="img" aria-label="{escape(title)}">'
                  f"<title>{escape(title)}</title>{body}</svg>")


def empty(title: str, message: str = "no data in this period", width: int = WIDTH) -> Markup:
    return _svg([f'<text class="empty" x="{width / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
                 f"{escape(message)}</text>"], title, width)


def bars(title: str, labels: Sequence[str], series: Sequence[Series], *, unit: str = "",
         stacked: bool = True, integers: bool = True, width: int = WIDTH) -> Markup:
    """Bars per label: the series stacked (or side by side); `width` is the drawing's width in px."""
    if not labels or all(v is None for s in series for v in s.values):
        return empty(title, width=width)
    totals = [sum(s.values[i] or 0 for s in series) if stacked else max(s.values[i] or 0 for s in series)
              for i in range(len(labels))]
    top, ticks = axis(max(totals), integers=integers)
    plot_w, plot_h = width - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(labels)
    bar = max(2.0, slot * 0.7 / (1 if stacked else len(series)))
    parts = _frame(top, ticks, unit, width) + _legend(series)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    for i, label in enumerate(labels):
        base = 0.0
        for k, s in enumerate(series):
            value = float(s.values[i] or 0)
            h = plot_h * value / top
            x = xs[i] - bar / 2 if stacked else xs[i] - bar * len(series) / 2 + k * bar
            y = TOP + plot_h - h - (plot_h * base / top if stacked else 0)
            parts.append(f'<rect class="series-{k}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}">'
                         f"<title>{escape(label)} {escape(s.name)}: {_label(value)}{escape(unit)}</title></rect>")
            base += value if stacked else 0
    return _svg(parts + _x_labels(labels, xs), title, width)


def lines(title: str, labels: Sequence[str], series: Sequence[Series], *, unit: str = "",
          width: int = WIDTH) -> Markup:
    """One line per series over the labels (a line joins the known points), each point hoverable."""
    known = [v for s in series for v in s.values if v is not None]
    if not labels or not known:
        return empty(title, width=width)
    top, ticks = axis(max(known))
    plot_w, plot_h = width - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(labels) - 1)
    xs = [LEFT + step * i if len(labels) > 1 else LEFT + plot_w / 2 for i in range(len(labels))]
    parts = _frame(top, ticks, unit, width) + _legend(series)
    for k, s in enumerate(series):
        points = [(xs[i], TOP + plot_h - plot_h * v / top, labels[i], v) for i, v in enumerate(s.values)
                  if v is not None]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(f'<polyline class="line series-{k}" points="{path}"/>')
        parts += [f'<circle class="series-{k}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                  f"<title>{escape(label)} {escape(s.name)}: {_label(v)}{escape(unit)}</title></circle>"
                  for x, y, label, v in points]
    return _svg(parts + _x_labels(labels, xs), title, width)


CAP_W, CAP_H = 400, 34


def cap_level(fraction: float) -> str:
    """Which band a cap's use is in: ok, 80, 90 or over (100% and more)."""
    return "over" if fraction >= 1 else "warn90" if fraction >= 0.9 else "warn80" if fraction >= 0.8 else "ok"


def cap_bar(title: str, fraction: float) -> Markup:
    """How much of a cap is used, on a scale to 110% with marks at 80, 90 and 100%."""
    scale = max(1.1, fraction)
    used = min(fraction, scale) / scale * CAP_W
    parts = [f'<rect class="cap-track" x="0" y="6" width="{CAP_W}" height="14" rx="3"/>',
             f'<rect class="cap-used cap-{cap_level(fraction)}" x="0" y="6" width="{used:.1f}" height="14" rx="3">'
             f"<title>{escape(title)}: {fraction * 100:.1f}% used</title></rect>"]
    for mark in (0.8, 0.9, 1.0):
        x = mark / scale * CAP_W
        parts.append(f'<line class="cap-mark" x1="{x:.1f}" x2="{x:.1f}" y1="2" y2="23"/>')
        parts.append(f'<text class="cap-label" x="{x:.1f}" y="{CAP_H}" text-anchor="middle">{mark * 100:.0f}%</text>')
    return Markup(f'<svg class="cap" viewBox="0 0 {CAP_W} {CAP_H + 2}" role="img" aria-label="{escape(title)}">'
                  f"{''.join(parts)}</svg>")


def meter(title: str, fraction: float) -> Markup:
    """A small 0-100% bar (a rate)."""
    used = max(0.0, min(1.0, fraction)) * 100
    return Markup(f'<svg class="meter" viewBox="0 0 100 10" role="img" aria-label="{escape(title)}">'
                  f'<rect class="cap-track" x="0" y="0" width="100" height="10" rx="2"/>'
                  f'<rect class="meter-used" x="0" y="0" width="{used:.1f}" height="10" rx="2">'
                  f"<title>{escape(title)}: {used:.1f}%</title></rect></svg>")
