"""The national situation picture (lägesbild): per item, per region, on a map, in Excel."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from supplyapp import clock, exports, queries_demand
from supplyapp.extensions import db
from supplyapp.models import County, Role
from supplyapp.permissions import NATIONAL_ROLES, roles_required
from supplyapp.web.situation import charts

bp = Blueprint("situation", __name__, url_prefix="/situation")
bp.add_app_template_global(charts.band, "days_band")
KIND_ORDER = {"region": 0, "municipality": 1, "care_provider": 2}


def _item_code(items) -> str:
    codes = [item.code for item in items]
    chosen = request.args.get("item")
    if chosen in codes:
        return chosen
    return "ffp2" if "ffp2" in codes else (codes[0] if codes else "")


@bp.get("/")
@roles_required(*NATIONAL_ROLES)
def situation_picture():
    items = queries_demand.items()
    item = _item_code(items)
    latest = queries_demand.latest_rows()
    stock = queries_demand.national_stock()
    summary = queries_demand.item_summary(latest, stock)
    counties = queries_demand.county_summary(latest, item)
    shapes, width, height = charts.county_shapes()
    points = queries_demand.trend(item)
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
        low=queries_demand.low_organisations(latest, item, 14),
        trend=charts.trend_lines(points),
        trend_points=points,
        stale_days=queries_demand.stale_days(),
        today=clock.today(),
    )


@bp.get("/regions/<code>")
@roles_required(*NATIONAL_ROLES, Role.COUNTY)
def region_detail(code):
    county = db.session.get(County, code)
    if county is None:
        abort(404)
    if current_user.role == Role.COUNTY and (
        current_user.organisation is None or current_user.organisation.county_code != code
    ):
        abort(403)
    items = queries_demand.items()
    item = _item_code(items)
    latest = queries_demand.latest_rows(county_code=code)
    lines = sorted(
        queries_demand.by_days(queries_demand.of_item(latest, item)),
        key=lambda row: KIND_ORDER.get(row["kind"], 9),
    )
    per_item = [
        {"item": i, "days": queries_demand.group_days(queries_demand.of_item(latest, i.code))}
        for i in items
    ]
    return render_template(
        "situation/region_detail.html",
        county=county,
        items=items,
        item=item,
        lines=lines,
        per_item=per_item,
        stale_days=queries_demand.stale_days(),
        county_days=queries_demand.group_days(lines),
    )


@bp.get("/export.<fmt>")
@roles_required(*NATIONAL_ROLES)
def situation_export(fmt):
    frame = queries_demand.situation_export_frame(queries_demand.latest_rows())
    return exports.download(frame, "lagesbild", fmt)
