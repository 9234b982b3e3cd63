"""Server-rendered SVG charts: stacked bars and lines over time, horizontal bars.

No script and no external resource, so they render in the dashboard under a strict CSP and in a
report file opened offline. Each chart is an `img` with a title and a description for screen
readers, each mark carries its series, label and count (`data-*` and a `<title>` tooltip),
and every text is escaped: labels are names from the policy and the audit index.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
PLOT_HEIGHT = 200
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
MARGIN_TOP = 12
AXIS_SPACE = 28  # below the plot: x labels
LEGEND_ROW = 20
ROW_HEIGHT = 24  # horizontal bars
LABEL_WIDTH = 190  # horizontal bars: room for the label on the left
MAX_X_LABELS = 8
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
NO_DATA = "No data in this period"
TIER_COLOURS = {"non_phi": "#2ca02c", "sometimes_phi": "#ff7f0e", "phi_heavy": "#d62728"}


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    note: str = ""  # shown after the value, e.g. "expires 2027-01-31"


def colour_of(name: str, index: int) -> str:
    return TIER_COLOURS.get(name, PALETTE[index % len(PALETTE)])


def stacked_bars(
    chart_id: str, title: str, buckets: Sequence[str], series: Mapping[str, Sequence[int]]
) -> str:
    """One bar per time bucket, stacked by series (e.g. tiers)."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(buckets))]
    if not buckets or not any(totals):
        return _empty(chart_id, title)
    top = _nice_ceiling(max(totals))
    slot = _plot_width() / len(buckets)
    colours = _legend_colours(series)
    marks: list[str] = []
    for index, bucket in enumerate(buckets):
        base = 0
        for name, values in series.items():
            value = values[index]
            if value:
                place = (base, top, index, slot)
                marks.append(_stacked_rect(name, bucket, value, place, colours[name]))
            base += value
    body = _y_axis(top) + _x_labels(buckets, slot) + "".join(marks) + _legend(colours)
    description = f"{sum(totals)} in total over {len(buckets)} periods, by " + ", ".join(series)
    return _svg(chart_id, title, description, _time_height(), body)


def lines(
    chart_id: str, title: str, buckets: Sequence[str], series: Mapping[str, Sequence[int]]
) -> str:
    """One line per series (e.g. routes) over time, with a marker per point."""
    peak = max((max(values, default=0) for values in series.values()), default=0)
    if not buckets or peak == 0:
        return _empty(chart_id, title)
    top = _nice_ceiling(peak)
    slot = _plot_width() / len(buckets)
    colours = _legend_colours(series)
    marks: list[str] = []
    for name, values in series.items():
        points = [
            (MARGIN_LEFT + slot * (i + 0.5), _y_of(value, top)) for i, value in enumerate(values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        marks.append(
            f'<polyline class="line" data-series="{escape(name)}" fill="none" '
            f'stroke="{colours[name]}" stroke-width="2" points="{path}"/>'
        )
        marks += [
            _point(name, bucket, value, x, y, colours[name])
            for bucket, value, (x, y) in zip(buckets, values, points, strict=True)
        ]
    body = _y_axis(top) + _x_labels(buckets, slot) + "".join(marks) + _legend(colours)
    description = "Per period, by " + ", ".join(series)
    return _svg(chart_id, title, description, _time_height(), body)


def horizontal_bars(
    chart_id: str, title: str, bars: Sequence[Bar], unit: str = "", empty: str = ""
) -> str:
    """One labelled bar per item, longest first as given; negative values are drawn as 0."""
    if not bars:
        return _empty(chart_id, title, empty or NO_DATA)
    top = _nice_ceiling(max(max(bar.value, 0) for bar in bars))
    room = WIDTH - LABEL_WIDTH - MARGIN_RIGHT - 120
    rows: list[str] = []
    for index, bar in enumerate(bars):
        y = MARGIN_TOP + index * ROW_HEIGHT
        length = room * max(bar.value, 0) / top
        text = f"{bar.value}{unit}" + (f" ({bar.note})" if bar.note else "")
        rows.append(
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end">'
            f"{escape(_short(bar.label, 30))}</text>"
            f'<rect class="bar" data-label="{escape(bar.label)}" data-count="{bar.value}" '
            f'x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(bar.label)}: '
            f"{escape(text)}</title></rect>"
            f'<text class="value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}">'
            f"{escape(text)}</text>"
        )
    height = MARGIN_TOP * 2 + ROW_HEIGHT * len(bars)
    axis = (
        f'<line class="axis" x1="{LABEL_WIDTH}" y1="{MARGIN_TOP}" x2="{LABEL_WIDTH}" '
        f'y2="{height - MARGIN_TOP}" stroke="#333"/>'
    )
    description = "; ".join(f"{bar.label}: {bar.value}{unit}" for bar in bars[:20])
    return _svg(chart_id, title, description, height, axis + "".join(rows))


def _stacked_rect(
    name: str, bucket: str, value: int, place: tuple[int, int, int, float], colour: str
) -> str:
    """`place`: the stack below this segment, the axis top, the bucket's index, its width."""
    base, top, index, slot = place
    y_top = _y_of(base + value, top)
    height = _y_of(base, top) - y_top
    x = MARGIN_LEFT + slot * index + slot * 0.15
    label = f"{name}, {bucket}: {value}"
    return (
        f'<rect class="bar" data-series="{escape(name)}" data-label="{escape(bucket)}" '
        f'data-count="{value}" x="{x:.1f}" y="{y_top:.1f}" width="{slot * 0.7:.1f}" '
        f'height="{height:.1f}" fill="{colour}"><title>{escape(label)}</title>'
        "</rect>"
    )


def _point(name: str, bucket: str, value: int, x: float, y: float, colour: str) -> str:
    label = f"{name}, {bucket}: {value}"
    return (
        f'<circle class="point" data-series="{escape(name)}" data-label="{escape(bucket)}" '
        f'data-count="{value}" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
        f"<title>{escape(label)}</title></circle>"
    )


def _svg(chart_id: str, title: str, description: str, height: int, body: str) -> str:
    chart = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart}" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart}-title {chart}-desc" font-family="sans-serif" font-size="11">'
        f'<title id="{chart}-title">{escape(title)}</title>'
        f'<desc id="{chart}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _empty(chart_id: str, title: str, message: str = "") -> str:
    message = escape(message or NO_DATA)
    body = f'<text class="empty" x="{WIDTH / 2}" y="34" text-anchor="middle">{message}</text>'
    return _svg(chart_id, title, message, 60, body)


def _y_axis(top: int) -> str:
    bottom = MARGIN_TOP + PLOT_HEIGHT
    parts = [
        f'<line class="axis" x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" '
        f'y2="{bottom}" stroke="#333"/>',
        f'<line class="axis" x1="{MARGIN_LEFT}" y1="{bottom}" x2="{WIDTH - MARGIN_RIGHT}" '
        f'y2="{bottom}" stroke="#333"/>',
    ]
    for tick in _ticks(top):
        y = _y_of(tick, top)
        parts.append(
            f'<line x1="{MARGIN_LEFT - 4}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y2="{y:.1f}" stroke="#ddd"/>'
            f'<text class="tick" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{tick}</text>"
        )
    return "".join(parts)


def _x_labels(buckets: Sequence[str], slot: float) -> str:
    every = max(1, math.ceil(len(buckets) / MAX_X_LABELS))
    y = MARGIN_TOP + PLOT_HEIGHT + 16
    return "".join(
        f'<text class="tick" x="{MARGIN_LEFT + slot * (i + 0.5):.1f}" y="{y}" '
        f'text-anchor="middle">{escape(_bucket_label(bucket))}</text>'
        for i, bucket in enumerate(buckets)
        if i % every == 0
    )


def _legend(colours: Mapping[str, str]) -> str:
    y = MARGIN_TOP + PLOT_HEIGHT + AXIS_SPACE
    parts: list[str] = []
    x = MARGIN_LEFT
    for name, colour in colours.items():
        parts.append(
            f'<g class="legend-item" data-series="{escape(name)}">'
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y + 9}">{escape(_short(name, 22))}</text></g>'
        )
        x += 24 + 7 * min(len(name), 22)
    return f'<g class="legend">{"".join(parts)}</g>'


def _legend_colours(series: Mapping[str, Sequence[int]]) -> dict[str, str]:
    return {name: colour_of(name, index) for index, name in enumerate(series)}


def _time_height() -> int:
    return MARGIN_TOP + PLOT_HEIGHT + AXIS_SPACE + LEGEND_ROW


def _plot_width() -> int:
    return WIDTH - MARGIN_LEFT - MARGIN_RIGHT


def _y_of(value: float, top: int) -> float:
    return MARGIN_TOP + PLOT_HEIGHT * (1 - value / top)


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = int(10 ** math.floor(math.log10(value)))
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power


def _ticks(top: int) -> list[int]:
    step = max(1, top // 5) if top >= 5 else 1
    return list(range(0, top + 1, step))


def _bucket_label(bucket: str) -> str:
    """`2026-11-22` -> `11-22`; `2026-11-22T14:00` -> `14:00`."""
    return bucket.split("T")[1] if "T" in bucket else bucket[5:]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
