"""The national situation picture: the table per item, the map, charts, drill-down, export."""

from datetime import timedelta
from io import BytesIO

import pandas as pd

from supplyapp import clock
from supplyapp.models.demand import ReportSource
from supplyapp.services import demand, demand_requests
from tests.conftest import login


def reported(code, stock, use, as_of=None, item="ffp2"):
    demand.submit_report(
        code,
        as_of or clock.today(),
        [demand.LineInput(item, stock, use)],
        ReportSource.API,
        "tester",
    )


def test_the_picture_shows_stock_requests_map_and_charts(client, users):
    reported("0380", 50, 10)  # 5 days: below 7
    reported("01", 1000, 100, clock.today() - timedelta(days=9))  # stale
    demand_requests.file_request(
        "0380",
        "ffp2",
        700,
        clock.today() + timedelta(days=2),
        "critical",
        "Empty by Friday",
        "tester",
    )
    login(client, "officer")
    page = client.get("/situation/?item=ffp2")
    assert page.status_code == 200
    html = page.data.decode()
    assert 'data-testid="county-map"' in html
    assert html.count('data-county="') == 21
    assert 'data-county="03"' in html and "band-critical" in html
    assert 'data-testid="bar-chart"' in html and 'data-testid="trend-chart"' in html
    assert "/demand/organisations/0380/" in html  # among those below 14 days
    assert "700" in html  # the open request
    assert "badge-stale" in html


def test_the_region_drill_down_lists_its_municipalities(client, users):
    reported("0380", 50, 10)
    reported("0381", 500, 10)
    login(client, "viewer")
    page = client.get("/situation/regions/03?item=ffp2")
    assert page.status_code == 200
    assert b'data-org="0380"' in page.data and b'data-org="0381"' in page.data
    assert b'data-org="0180"' not in page.data


def test_the_county_board_sees_only_its_own_county(client, users):
    login(client, "county")
    assert client.get("/situation/regions/03").status_code == 200
    assert client.get("/situation/regions/01").status_code == 403
    assert client.get("/situation/").status_code == 403


def test_the_picture_exports_to_excel(client, users):
    reported("0380", 50, 10)
    login(client, "viewer")
    response = client.get("/situation/export.xlsx")
    assert response.status_code == 200
    frame = pd.read_excel(BytesIO(response.data))
    assert frame.loc[0, "org_code"] == 380 or str(frame.loc[0, "org_code"]) in {"0380", "380"}
    assert frame.loc[0, "days_left"] == 5


def test_an_empty_picture_still_renders(client, users):
    login(client, "admin")
    assert client.get("/situation/").status_code == 200
