"""The small offline map of a defect's place: drawn from stored coordinates alone, the defect's
pole marked, a scale bar true to the drawing, a north arrow; text in it stays text."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from irpatrol.registry.geo import destination, geodesic_m
from irpatrol.reports.minimap import SIZE_PX, MapPole, minimap_svg, nice_length

SVG = "{http://www.w3.org/2000/svg}"


def _line(n: int = 9, span_m: float = 80.0, azimuth: float = 35.0) -> list[MapPole]:
    poles, lat, lon = [], 28.1, 112.9
    for i in range(n):
        poles.append(MapPole(f"N{i + 1}", i + 1, lat, lon))
        lat, lon = destination(lat, lon, azimuth, span_m)
    return poles


def test_the_marked_pole_is_at_the_centre_in_red_with_its_number() -> None:
    svg = minimap_svg(_line(), "N5", "en")
    assert svg is not None
    root = ET.fromstring(svg)
    red = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#c00000"]
    assert len(red) == 1 and float(red[0].get("cx")) == pytest.approx(SIZE_PX / 2)
    assert float(red[0].get("cy")) == pytest.approx(SIZE_PX / 2)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "N5" in texts and "N" in texts  # the pole and the north arrow's letter
    assert minimap_svg(_line(), "N5", "zh") is not None and "北" in minimap_svg(_line(), "N5", "zh")  # type: ignore[operator]


def test_the_scale_bar_is_true_to_the_drawing() -> None:
    poles = _line(span_m=80.0)
    svg = minimap_svg(poles, "N5")
    assert svg is not None
    root = ET.fromstring(svg)
    d = next(p.get("d", "") for p in root.iter(f"{SVG}path") if " H" in p.get("d", ""))  # the bar
    x0 = float(re.search(r"M([\d.]+),", d)[1])  # type: ignore[index]
    x1 = float(re.search(r"H([\d.]+)", d)[1])  # type: ignore[index]
    label = next(t.text for t in root.iter(f"{SVG}text") if t.text and t.text.endswith(" m"))
    bar_m = float(label.split()[0])
    px_per_m = (x1 - x0) / bar_m
    # two drawn poles: their distance on the drawing over the geodesic between them
    circles = {c.get("cx"): c for c in root.iter(f"{SVG}circle")}
    assert len(circles) >= 5
    line = next(p for p in root.iter(f"{SVG}polyline"))
    points = [tuple(map(float, xy.split(","))) for xy in line.get("points", "").split()]
    (ax, ay), (bx, by) = points[3], points[5]  # N4 and N6
    drawn = math.hypot(bx - ax, by - ay) / px_per_m
    true = geodesic_m(poles[3].lat, poles[3].lon, poles[5].lat, poles[5].lon)
    assert drawn == pytest.approx(true, rel=0.005)


def test_north_is_up() -> None:
    poles = [MapPole("A", 1, 30.0, 120.0), MapPole("B", 2, 30.001, 120.0)]  # B due north of A
    root = ET.fromstring(minimap_svg(poles, "A") or "")
    points = [
        tuple(map(float, xy.split(","))) for xy in next(root.iter(f"{SVG}polyline")).get("points", "").split()
    ]
    assert points[1][1] < points[0][1] and points[1][0] == pytest.approx(points[0][0])


@pytest.mark.parametrize(
    "limit,expected",
    [(494.0, 200.0), (517.0, 500.0), (99.0, 50.0), (100.0, 100.0), (1999.0, 1000.0), (7.5, 5.0)],
)
def test_nice_length(limit: float, expected: float) -> None:
    assert nice_length(limit) == expected


def test_a_pole_number_stays_text_and_an_unknown_pole_draws_nothing() -> None:
    poles = [*_line(3), MapPole('<script>&"x', 9, 28.1005, 112.9005)]
    svg = minimap_svg(poles, '<script>&"x')
    assert svg is not None and "<script>" not in svg
    assert any(t.text == '<script>&"x' for t in ET.fromstring(svg).iter(f"{SVG}text"))
    assert minimap_svg(_line(3), "N99") is None
    assert minimap_svg([MapPole("A", 1, 30.0, 120.0)], "A") is not None  # a lone pole: 120 m around it
