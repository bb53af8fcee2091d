"""Geometry for the situation picture's SVG: the county map from the real outlines, bars and a
trend line. Drawn on the server, so the page needs no script and no network."""

import json
import math
from functools import lru_cache
from pathlib import Path

GEOJSON = Path(__file__).resolve().parents[1] / "data" / "counties.geojson"
MAP_WIDTH = 360
# Sweden's middle latitude: an equirectangular projection scaled by its cosine keeps the
# country's proportions well enough for a choropleth.
MID_LATITUDE = 62.0

# days of supply -> colour band; the first whose limit is above the value.
BANDS = [
    (7, "band-critical", "#c0392b"),
    (14, "band-low", "#e67e22"),
    (30, "band-watch", "#f1c40f"),
    (math.inf, "band-ok", "#1e7b45"),
]
NO_DATA = ("band-none", "#c8ccd0")


def band(days: float | None) -> tuple[str, str]:
    """CSS class and fill colour for a days-of-supply figure."""
    if days is None:
        return NO_DATA
    for limit, css, colour in BANDS:
        if days < limit:
            return css, colour
    return NO_DATA


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


@lru_cache(maxsize=1)
def county_shapes() -> tuple[dict, int, int]:
    """county code -> {"name", "path", "x", "y"} in SVG units; and the map's size."""
    features = json.loads(GEOJSON.read_text())["features"]
    kx = math.cos(math.radians(MID_LATITUDE))
    points = [
        (lon * kx, -lat) for f in features for ring in _rings(f["geometry"]) for lon, lat in ring
    ]
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    scale = MAP_WIDTH / (max_x - min_x)
    height = round((max_y - min_y) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon * kx - min_x) * scale, (-lat - min_y) * scale

    shapes = {}
    for feature in features:
        parts, xs, ys = [], [], []
        for ring in _rings(feature["geometry"]):
            projected = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + "Z")
            xs += [x for x, _ in projected]
            ys += [y for _, y in projected]
        code = feature["properties"]["code"]
        shapes[code] = {
            "name": feature["properties"]["name"],
            "path": "".join(parts),
            "x": sum(xs) / len(xs),
            "y": sum(ys) / len(ys),
        }
    return shapes, MAP_WIDTH, height


def bars(rows: list[dict], keys: tuple[str, ...], width: int = 330) -> list[dict]:
    """Bar lengths (0..width) for each row's values under keys, each row on its own scale:
    items are counted in different units and amounts, so each shows its own proportions."""
    result = []
    for row in rows:
        top = max([row[key] or 0 for key in keys] + [1])
        result.append(
            {**row, **{f"{key}_px": round((row[key] or 0) / top * width, 1) for key in keys}}
        )
    return result


def trend_lines(points: list[dict], width: int = 560, height: int = 160) -> dict:
    """Polyline points for held stock and daily use over the weeks, each on its own scale."""
    count = max(len(points) - 1, 1)

    def line(key: str) -> str:
        top = max([p[key] for p in points] + [1])
        return " ".join(
            f"{i * width / count:.1f},{height - p[key] / top * (height - 10):.1f}"
            for i, p in enumerate(points)
        )

    return {
        "held": line("held"),
        "daily_use": line("daily_use"),
        "width": width,
        "height": height,
        "ticks": [(i * width / count, p["week_end"]) for i, p in enumerate(points)],
    }
