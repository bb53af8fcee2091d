"""The national intensive-care picture: nationally, per region, per unit, over time.

Every signed-in role sees the national and regional figures (regions coordinate with each
other); a unit's own figures and history follow permissions.can_see_unit.
"""

from flask import abort, render_template
from flask_login import current_user

from supplyapp import exports
from supplyapp.permissions import ALL_ROLES, can_see_unit, roles_required
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.queries import transfers as transfer_queries
from supplyapp.web import charts
from supplyapp.web.intensive_care.blueprint import bp

# The free share's band -> the situation picture's CSS class and map colour.
BAND_STYLES = {
    "red": ("band-critical", "#c0392b"),
    "amber": ("band-low", "#e67e22"),
    "green": ("band-ok", "#1e7b45"),
    None: ("band-none", "#c8ccd0"),
}
TREND_SERIES = ("staffed", "occupied", "covid", "free_share")


def _line(points: list[dict], key: str, width: int = 280, height: int = 90) -> dict:
    """A polyline for one figure over the days (gaps where it is empty), scaled from zero."""
    values = [p[key] for p in points]
    known = [v for v in values if v is not None]
    top = max(known + [1e-9]) if key != "free_share" else max(known + [0.3])
    step = width / max(len(points) - 1, 1)
    segments: list[str] = []
    current: list[str] = []
    for i, value in enumerate(values):
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        y = height - max(value, 0) / top * (height - 6)
        current.append(f"{i * step:.1f},{y:.1f}")
    if current:
        segments.append(" ".join(current))
    guides = []
    if key == "free_share":  # the bands' edges
        guides = [height - edge / top * (height - 6) for edge in (0.10, 0.20)]
    return {
        "segments": segments,
        "width": width,
        "height": height,
        "top": top,
        "guides": guides,
        "first": points[0]["day"] if points else None,
        "last": points[-1]["day"] if points else None,
        "latest": values[-1] if values else None,
    }


@bp.get("/picture/")
@roles_required(*ALL_ROLES)
def picture():
    data = icu_queries.picture()
    limited = icu_queries.limited_units(data["today"])
    shapes, width, height = charts.county_shapes()
    return render_template(
        "intensive_care/picture.html",
        data=data,
        nation=data["nation"],
        by_county={row["region"].county_code: row for row in data["regions"]},
        shapes=shapes,
        map_width=width,
        map_height=height,
        band_styles=BAND_STYLES,
        charts={key: _line(data["trend"], key) for key in TREND_SERIES},
        limited=limited,
        limit_counts=icu_queries.limit_counts(limited),
        overdue=icu_queries.overdue_units(data["today"], data["now"]),
        can_see=lambda unit: can_see_unit(current_user, unit),
        in_transit=transfer_queries.in_transit_by_region(),
        arrivals=transfer_queries.arrivals_since(),
    )


@bp.get("/picture/export.<fmt>")
@roles_required(*ALL_ROLES)
def picture_export(fmt):
    return exports.download(icu_queries.picture_frame(icu_queries.picture()), "iva-lagesbild", fmt)


@bp.get("/picture/regions/<code>")
@roles_required(*ALL_ROLES)
def picture_region(code):
    found = icu_queries.region_picture(code)
    if found is None:
        abort(404)
    visible = [u for u in found["units"] if can_see_unit(current_user, u["unit"])]
    return render_template(
        "intensive_care/picture_region.html",
        data=found["data"],
        row=found["row"],
        region=found["region"],
        units=visible,
        hidden=len(found["units"]) - len(visible),
        band_styles=BAND_STYLES,
        in_transit=transfer_queries.in_transit_by_region().get(found["region"].id),
        arrivals=[
            b
            for b in transfer_queries.arrivals_since()
            if b.placement.to_unit.region_id == found["region"].id
        ],
    )


def _visible_unit(code: str):
    unit = icu_queries.unit_by_code(code)
    if unit is None:
        abort(404)
    if not can_see_unit(current_user, unit):
        abort(403)
    return unit


@bp.get("/picture/units/<code>")
@roles_required(*ALL_ROLES)
def picture_unit(code):
    unit = _visible_unit(code)
    reports = icu_queries.unit_history(unit.id)
    return render_template(
        "intensive_care/picture_unit.html",
        unit=unit,
        reports=reports,
        latest=next((r for r in reports if r.is_current), None),
        figures={r.id: icu_queries.unit_figures(r) for r in reports},
        band_styles=BAND_STYLES,
    )


@bp.get("/picture/units/<code>/history.<fmt>")
@roles_required(*ALL_ROLES)
def picture_unit_export(code, fmt):
    unit = _visible_unit(code)
    frame = icu_queries.history_frame(unit, icu_queries.unit_history(unit.id))
    return exports.download(frame, f"iva-{unit.code.lower()}", fmt)
