"""Server-side charts: axes in nice steps, one mark per value, cap bands at 80/90/100%."""

from __future__ import annotations

import re

import pytest

from api.ui import charts
from api.ui.charts import Series


@pytest.mark.parametrize(("top", "integers", "expected"), [
    (5, True, (6, 3)), (7, True, (8, 4)), (0.3, False, (0.3, 3)), (1234, False, (1500, 3)), (980, False, (1000, 4)),
    (0, True, (4, 4)), (1, True, (1, 1)),
])
def test_axis_tops_and_gridlines(top: float, integers: bool, expected: tuple[float, int]) -> None:
    assert charts.axis(top, integers=integers) == pytest.approx(expected)


def test_stacked_bars_draw_one_rect_per_value_with_its_value_on_hover() -> None:
    svg = str(charts.bars("calls", ["Mon", "Tue", "Wed"], [Series("answered", [3, 0, 5]), Series("missed", [1, 2, 0])]))
    assert svg.count('<rect class="series-0"') == 3 + 1  # three bars and the legend's swatch
    assert svg.count('<rect class="series-1"') == 3 + 1
    assert "<title>Wed answered: 5</title>" in svg and "<title>Tue missed: 2</title>" in svg
    heights = [float(h) for h in re.findall(r'class="series-0" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"',
                                            svg)]
    legend, mon, tue, wed = heights
    assert legend == 12 and tue == 0 and wed > mon > 0


def test_lines_skip_missing_points_and_say_when_there_is_nothing() -> None:
    svg = str(charts.lines("p95", ["a", "b", "c"], [Series("p95", [100, None, 300])], unit=" ms"))
    assert svg.count("<circle") == 2 and "c p95: 300 ms" in svg
    assert "no data in this period" in str(charts.lines("p95", ["a"], [Series("p95", [None])]))
    assert "no data in this period" not in str(charts.bars("zeros", ["a"], [Series("n", [0])]))


@pytest.mark.parametrize(("fraction", "level"), [(0.5, "ok"), (0.8, "warn80"), (0.89, "warn80"), (0.9, "warn90"),
                                                 (1.0, "over"), (1.7, "over")])
def test_cap_bands(fraction: float, level: str) -> None:
    assert charts.cap_level(fraction) == level
    svg = str(charts.cap_bar("capital", fraction))
    assert f"cap-{level}" in svg and svg.count('class="cap-mark"') == 3


def test_text_is_escaped() -> None:
    svg = str(charts.bars("<b>", ["<i>"], [Series("<s>", [1])]))
    assert "<b>" not in svg and "<i>" not in svg and "&lt;s&gt;" in svg
