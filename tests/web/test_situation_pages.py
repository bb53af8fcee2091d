"""The national situation picture: the table per item, the map, charts, drill-down, export."""

from datetime import timedelta

from supplyapp import clock
from supplyapp.models.demand import ReportSource
from supplyapp.services import demand, demand_requests
from tests.conftest import as_user, login
from tests.downloads import csv_rows, workbook_rows


def reported(code, stock, use, as_of=None, item="ffp2"):
    with as_user("tester"):
        demand.submit_report(
            code,
            as_of or clock.today(),
            [demand.LineInput(item, stock, use)],
            ReportSource.API,
        )


def test_the_picture_shows_stock_requests_map_and_charts(client, users):
    reported("0380", 50, 10)  # 5 days: below 7
    reported("01", 1000, 100, clock.today() - timedelta(days=9))  # stale
    with as_user("tester"):
        demand_requests.file_request(
            "0380",
            "ffp2",
            700,
            clock.today() + timedelta(days=2),
            "critical",
            "Empty by Friday",
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


def test_the_picture_exports_to_excel_and_csv_with_codes_as_text(client, users):
    reported("0380", 50, 10)
    reported("01", 1000, 100)
    login(client, "viewer")
    response = client.get("/situation/export.xlsx")
    assert response.status_code == 200
    rows = workbook_rows(response.data)
    # The leading zeros stay: Uppsala kommun is 0380 in Uppsala län 03, Region Stockholm 01.
    assert [(r["county_code"], r["org_code"], r["item_code"]) for r in rows] == [
        ("01", "01", "ffp2"),
        ("03", "0380", "ffp2"),
    ]
    assert [r["days_left"] for r in rows] == [10, 5]
    download = client.get("/situation/export.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert [(r["county_code"], r["org_code"], r["days_left"]) for r in csv_rows(download.data)] == [
        ("01", "01", "10.0"),
        ("03", "0380", "5.0"),
    ]


def test_an_empty_picture_still_renders(client, users):
    login(client, "admin")
    assert client.get("/situation/").status_code == 200
