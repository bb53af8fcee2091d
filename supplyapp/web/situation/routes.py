"""The national situation picture (lägesbild): per item, per region, on a map, in Excel."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from supplyapp import clock, exports
from supplyapp.models import Role
from supplyapp.permissions import NATIONAL_ROLES, can_see_county, roles_required
from supplyapp.queries import demand as demand_queries
from supplyapp.queries import reference as reference_queries
from supplyapp.web import charts

bp = Blueprint("situation", __name__, url_prefix="/situation")
bp.add_app_template_global(charts.band, "days_band")
KIND_ORDER = {"region": 0, "municipality": 1, "care_provider": 2}


def _item_code(items) -> str:
    codes = [item.code for item in items]
    chosen = request.args.get("item")
    if chosen is not None and chosen in codes:
        return chosen
    return "ffp2" if "ffp2" in codes else (codes[0] if codes else "")


@bp.get("/")
@roles_required(*NATIONAL_ROLES)
def situation_picture():
    items = demand_queries.items()
    item = _item_code(items)
    latest = demand_queries.latest_rows()
    stock = demand_queries.national_stock()
    summary = demand_queries.item_summary(latest, stock)
    counties = demand_queries.county_summary(latest, item)
    shapes, width, height = charts.county_shapes()
    points = demand_queries.trend(item)
    return render_template(
        "situation/situation_picture.html",
        items=items,
        item=item,
        summary=summary,
        stock_known=stock is not None,
        bars=charts.bars(
            [
                {
                    "code": r["item"].code,
                    "held": r["held_total"],
                    "requested": r["requested"],
                    "national": r["national_available"] or 0,
                }
                for r in summary
            ],
            ("held", "requested", "national"),
        ),
        counties=counties,
        shapes=shapes,
        map_width=width,
        map_height=height,
        low=demand_queries.low_organisations(latest, item, 14),
        trend=charts.trend_lines(points),
        trend_points=points,
        stale_days=demand_queries.stale_days(),
        today=clock.today(),
    )


@bp.get("/regions/<code>")
@roles_required(*NATIONAL_ROLES, Role.COUNTY)
def region_detail(code):
    county = reference_queries.county(code)
    if county is None:
        abort(404)
    if not can_see_county(current_user, code):
        abort(403)
    items = demand_queries.items()
    item = _item_code(items)
    latest = demand_queries.latest_rows(county_code=code)
    lines = sorted(
        demand_queries.by_days(demand_queries.of_item(latest, item)),
        key=lambda row: KIND_ORDER.get(row["kind"], 9),
    )
    per_item = [
        {"item": i, "days": demand_queries.group_days(demand_queries.of_item(latest, i.code))}
        for i in items
    ]
    return render_template(
        "situation/region_detail.html",
        county=county,
        items=items,
        item=item,
        lines=lines,
        per_item=per_item,
        stale_days=demand_queries.stale_days(),
        county_days=demand_queries.group_days(lines),
    )


@bp.get("/export.<fmt>")
@roles_required(*NATIONAL_ROLES)
def situation_export(fmt):
    frame = demand_queries.situation_export_frame(demand_queries.latest_rows())
    return exports.download(frame, "lagesbild", fmt)
