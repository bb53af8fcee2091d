"""The intensive-care picture's pages, export and API: figures from reports made here, each
role's reach."""

import re
from datetime import timedelta

import pytest

from supplyapp import audit, clock
from supplyapp.models.intensive_care import FIGURES, ReportChannel
from supplyapp.services import intensive_care as icu
from supplyapp.services import tokens
from tests.conftest import login
from tests.downloads import csv_rows, workbook_rows


def report(unit, days_ago=0, staffed=10, occupied=8, covid=None, **more):
    with audit.acting_as("reporter.rut"):
        return icu.submit_report(
            icu.ReportInput(
                unit,
                {"adult_staffed": staffed, "adult_occupied": occupied, "adult_covid": covid},
                as_of=clock.utcnow() - timedelta(days=days_ago),
                confirmed=FIGURES,
                **more,
            ),
            ReportChannel.FORM,
        )


@pytest.fixture
def reports(users):
    """Stockholm: Danderyd 20 staffed, 17 occupied (yesterday 18 and 16), Ersta 4 and 4, full
    for want of staff: 24 staffed, 3 free (12.5 %, amber), 6 more staffed than yesterday.
    Uppsala: its central IVA 10 and 10 (0 % free, red). Sweden: 34, 31, 3 free (8.8 %, red)."""
    report("DANDERYD-IVA", days_ago=1, staffed=18, occupied=16)
    report("DANDERYD-IVA", staffed=20, occupied=17, covid=6)
    report("ERSTA-IVA", staffed=4, occupied=4, assessment="full", limits=("staff",))
    report("UPPSALA-CIVA", staffed=10, occupied=10)
    with audit.acting_as("coordinator"):
        icu.set_crisis_level("01", "reinforcement")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_picture_shows_the_nation_the_regions_the_map_and_the_trend(client, reports):
    login(client, "viewer")
    page = client.get("/icu/picture/")
    assert page.status_code == 200
    html = page.data.decode()
    words = text(html)
    # Sweden: 34 staffed, 31 occupied, 3 free (8.8 %, red), the national signal.
    nation = html.split('data-testid="icu-nation"')[1].split("</dl>")[0]
    assert re.search(r'data-figure="staffed">34\b', nation)
    assert 'data-band="red"' in nation and "röd: under 10 % lediga" in text(nation)
    assert 'data-testid="icu-national-signal"' in html
    assert "3 av 82 enheter (3,7 %) har rapporterat i dag" in words
    stockholm = html.split('data-region="01"')[1].split("</tr>")[0]
    assert "Förstärkningsläge" in stockholm
    assert 'data-band="amber"' in stockholm and "12,5 %" in stockholm  # 3 free of 24
    assert "sedan i går: +6" in text(stockholm)  # staffed since yesterday
    assert 'data-region="03"' in html and 'data-county="03" data-band="red"' in html
    assert html.count('data-county="') == 21
    assert 'data-chart="free_share"' in html and 'data-testid="icu-trend-table"' in html
    limited = html.split('data-testid="icu-limited"')[1].split("</table>")[0]
    assert "ERSTA-IVA" in limited and "personal" in limited


def test_a_region_lists_its_units_with_their_latest_reports_and_overdue_marked(client, reports):
    login(client, "officer")
    page = client.get("/icu/picture/regions/01")
    assert page.status_code == 200
    html = page.data.decode()
    danderyd = html.split('data-unit="DANDERYD-IVA"')[1].split("</tr>")[0]
    assert ">20<" in danderyd and ">17<" in danderyd and "data-overdue" not in danderyd
    assert html.count('data-unit="') == 12
    if clock.now_local().hour >= 10:
        assert 'data-unit="K-HUDDINGE-IVA" data-overdue="1"' in html


def test_the_region_shows_a_bound_user_only_the_units_they_may_see(client, reports):
    login(client, "icu")  # Danderyd's reporter
    html = client.get("/icu/picture/regions/01").data.decode()
    assert re.findall(r'data-unit="([^"]+)"', html) == ["DANDERYD-IVA"]
    assert 'data-testid="icu-hidden-units"' in html
    assert client.get("/icu/picture/units/DANDERYD-IVA").status_code == 200
    assert client.get("/icu/picture/units/ERSTA-IVA").status_code == 403
    client.post("/logout")
    login(client, "requester")  # Uppsala kommun: regional figures, no unit
    html = client.get("/icu/picture/regions/01").data.decode()
    assert 'data-unit="' not in html and "Förstärkningsläge" in html
    client.post("/logout")
    login(client, "county")  # the county board of Uppsala län
    assert client.get("/icu/picture/units/UPPSALA-CIVA").status_code == 200
    assert client.get("/icu/picture/units/DANDERYD-IVA").status_code == 403


def test_a_units_history_shows_every_version_and_who_reported(client, reports):
    report("DANDERYD-IVA", staffed=20, occupied=18)  # a correction of today's
    login(client, "region")
    html = client.get("/icu/picture/units/DANDERYD-IVA").data.decode()
    today, yesterday = clock.today(), clock.today() - timedelta(days=1)
    rows = re.findall(r'data-report="([^"]+)"', html)
    assert rows == [f"{today}-2", f"{today}-1", f"{yesterday}-1"]
    assert "ersatt" in html and "rättad" in html and "reporter.rut" in html


def test_the_export_keeps_codes_as_text_and_equals_the_page(client, reports):
    login(client, "viewer")
    rows = workbook_rows(client.get("/icu/picture/export.xlsx").data)
    assert [r["region_code"] for r in rows][:3] == ["01", "03", "04"]
    assert rows[-1]["region_code"] == "SE" and rows[-1]["staffed"] == 34
    stockholm = rows[0]
    assert (stockholm["staffed"], stockholm["free"], stockholm["band"]) == (24, 3, "amber")
    assert stockholm["crisis_level"] == "reinforcement"
    download = client.get("/icu/picture/export.csv")
    assert download.mimetype == "text/csv" and csv_rows(download.data)[0]["region_code"] == "01"
    history = csv_rows(client.get("/icu/picture/units/DANDERYD-IVA/history.csv").data)
    assert [(r["unit_code"], r["region_code"], r["version"]) for r in history][0] == (
        "DANDERYD-IVA",
        "01",
        "1",
    )


def _token(user):
    return {"Authorization": f"Bearer {tokens.issue_user_token(user, 'test')[1]}"}


def test_the_api_gives_the_pages_figures(client, reports):
    login(client, "viewer")
    page_rows = {
        r["region_code"]: r for r in workbook_rows(client.get("/icu/picture/export.xlsx").data)
    }
    body = client.get("/api/v1/icu/picture", headers=_token("requester")).get_json()
    assert body["nation"]["staffed"] == page_rows["SE"]["staffed"] == 34
    assert body["national_signal"] is True
    for region in body["regions"]:
        row = page_rows[region["code"]]
        assert (region["staffed"], region["free"], region["band"]) == (
            row["staffed"],
            row["free"],
            row["band"],
        )
    stockholm = next(r for r in body["regions"] if r["code"] == "01")
    assert stockholm["change"]["staffed"] == 6 and stockholm["crisis_level"] == "reinforcement"
    assert len(body["trend"]) == 56


def test_the_api_shows_units_as_the_tokens_user_would_see_them(client, reports):
    units = client.get("/api/v1/icu/regions/01", headers=_token("icu")).get_json()["units"]
    assert [u["code"] for u in units] == ["DANDERYD-IVA"]
    assert units[0]["staffed"] == 20 and units[0]["reported_today"] is True
    everyone = client.get("/api/v1/icu/regions/01", headers=_token("viewer")).get_json()
    assert len(everyone["units"]) == 12
    history = client.get("/api/v1/icu/units/DANDERYD-IVA/reports", headers=_token("icu"))
    assert [r["version"] for r in history.get_json()["reports"]] == [1, 1]
    refused = client.get("/api/v1/icu/units/ERSTA-IVA/reports", headers=_token("icu"))
    assert refused.status_code == 403


def test_every_role_finds_the_picture_in_the_menu(client, users):
    for user in users:
        login(client, user)
        assert b'data-nav="intensive_care.picture"' in client.get("/").data, user
        client.post("/logout")


def _entries(username):
    from supplyapp.models import User
    from supplyapp.queries.notifications import notification_count, notifications_for

    user = User.query.filter_by(username=username).one()
    entries = notifications_for(user)
    assert notification_count(user) == sum(e.how_many for e in entries)
    return entries


def test_national_roles_hear_of_the_nation_under_20_and_regions_under_10_percent(client, reports):
    entries = _entries("viewer")
    assert [(e.kind, e.region and e.region.code) for e in entries] == [
        ("icu_nation_low", None),
        ("icu_region_low", "03"),  # Uppsala: 0 % free; Stockholm's 12.5 % is amber
    ]
    login(client, "viewer")
    home = text(client.get("/").data.decode())
    assert "Intensivvård: 8,8 % av Sveriges bemannade platser är lediga" in home
    assert "Region Uppsala har 0,0 % av sina bemannade platser lediga, under 10 %" in home
    assert 'href="/icu/picture/regions/03"' in client.get("/").data.decode()


def test_a_regions_users_hear_of_their_region_and_their_overdue_units(client, reports):
    report("K-HUDDINGE-IVA", staffed=10, occupied=10)  # Stockholm: 3 free of 34, red
    region = _entries("region")
    assert region[0].kind == "icu_region_low" and region[0].region.code == "01"
    overdue = [e for e in region if e.kind == "icu_overdue"]
    assert len(overdue) == 5 and region[-1].kind == "icu_more_overdue"
    assert region[-1].how_many == 12 - 3 - 5  # 3 reported today, 5 listed
    assert _entries("requester") == []  # Uppsala kommun: no region, no unit
    assert [e.kind for e in _entries("icu")] == ["icu_region_low"]  # Danderyd reported today


def test_a_units_reporter_hears_that_its_report_is_overdue(client, users):
    report("DANDERYD-IVA", days_ago=2)
    entries = _entries("icu")
    assert [(e.kind, e.unit.code) for e in entries] == [("icu_overdue", "DANDERYD-IVA")]
    login(client, "icu")
    home = client.get("/").data.decode()
    assert "Rapporten från Danderyd IVA är försenad: den senaste kom" in text(home)
    assert 'href="/icu/picture/units/DANDERYD-IVA"' in home
