"""The SVG charts: well-formed, accessible, the right marks, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from router.governance import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def marks(root: ET.Element, tag: str) -> list[ET.Element]:
    return [element for element in root.iter(f"{SVG}{tag}") if "data-count" in element.attrib]


def test_stacked_bars_have_one_segment_per_nonzero_count() -> None:
    svg = charts.stacked_bars(
        "tiers",
        "Requests by tier",
        ["2026-11-10", "2026-11-11"],
        {"non_phi": [2, 1], "phi_heavy": [1, 0]},
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "Requests by tier"
    segments = [
        (r.get("data-series"), r.get("data-label"), r.get("data-count"))
        for r in marks(root, "rect")
    ]
    assert segments == [
        ("non_phi", "2026-11-10", "2"),
        ("phi_heavy", "2026-11-10", "1"),
        ("non_phi", "2026-11-11", "1"),
    ]
    legend = [g.get("data-series") for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    assert legend == ["non_phi", "phi_heavy"]
    # Stacked: the second segment of a bar sits on top of the first.
    first, second = marks(root, "rect")[:2]
    assert float(second.get("y", 0)) + float(second.get("height", 0)) == pytest.approx(
        float(first.get("y", 0))
    )


def test_taller_bars_for_larger_counts() -> None:
    root = parse(charts.stacked_bars("c", "t", ["a-b-1", "a-b-2"], {"x": [1, 4]}))
    low, high = marks(root, "rect")
    assert float(high.get("height", 0)) == pytest.approx(4 * float(low.get("height", 0)))


def test_lines_have_a_point_per_bucket_and_series() -> None:
    root = parse(
        charts.lines(
            "routes", "Routes", ["d1", "d2", "d3"], {"local": [1, 0, 3], "claude": [0, 2, 0]}
        )
    )
    points = [(c.get("data-series"), c.get("data-count")) for c in marks(root, "circle")]
    assert points.count(("local", "3")) == 1
    assert len(points) == 6
    assert len(list(root.iter(f"{SVG}polyline"))) == 2


def test_horizontal_bars_label_and_count_each_item() -> None:
    bars = [charts.Bar("NAME", 4), charts.Bar("DATE", 3)]
    root = parse(charts.horizontal_bars("entities", "PHI types", bars))
    assert [(r.get("data-label"), r.get("data-count")) for r in marks(root, "rect")] == [
        ("NAME", "4"),
        ("DATE", "3"),
    ]
    assert "NAME: 4" in (root.findtext(f"{SVG}desc") or "")


def test_negative_days_draw_as_an_empty_bar_but_keep_their_value() -> None:
    root = parse(charts.horizontal_bars("baa", "BAA", [charts.Bar("claude", -3, "expired")]))
    (rect,) = marks(root, "rect")
    assert rect.get("data-count") == "-3"
    assert float(rect.get("width", 1)) == 0


def test_no_data_is_said_not_drawn() -> None:
    for svg in (
        charts.stacked_bars("a", "A", ["d1"], {"x": [0]}),
        charts.lines("b", "B", [], {}),
        charts.horizontal_bars("c", "C", []),
    ):
        root = parse(svg)
        assert "No data" in "".join(root.itertext())
        assert marks(root, "rect") == []


def test_labels_are_escaped() -> None:
    hostile = '<script>alert(1)</script>"&'
    svg = charts.horizontal_bars("x", hostile, [charts.Bar(hostile, 1)])
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.findtext(f"{SVG}title") == hostile
    assert marks(root, "rect")[0].get("data-label") == hostile


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (420, 500)]
)
def test_axis_ceilings_are_round(value: int, ceiling: int) -> None:
    assert charts._nice_ceiling(value) == ceiling
