"""Intensive-care report pages through the test client: the unit list, the daily report form
(prefilled, refusals beside the field, jump warnings confirmed per field, a double submit stored
once), the region's file (template round trip, every bad cell named, all or nothing, warnings
confirmed), crisis levels with their history, and the units' admin."""

import html
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.models.intensive_care import IcuReport, IcuUnit, RegionCrisisLevel, ReportChannel
from supplyapp.services import intensive_care as icu
from tests.conftest import login

DANDERYD = "/icu/units/DANDERYD-IVA/report"


def reports(unit: str = "DANDERYD-IVA") -> list[IcuReport]:
    query = (
        select(IcuReport)
        .join(IcuReport.unit)
        .where(IcuUnit.code == unit)
        .order_by(IcuReport.id)
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def yesterday(unit: str = "DANDERYD-IVA", **figures) -> IcuReport:
    """The unit's report of yesterday morning, which the form starts from."""
    as_of = (clock.now_local() - timedelta(days=1)).replace(hour=8, minute=30)
    values = {"adult_staffed": 10, "adult_occupied": 8, "adult_invasive": 4, **figures}
    with audit.acting_as("seed"):
        return icu.submit_report(icu.ReportInput(unit, values, as_of=as_of), ReportChannel.API)


def input_tag(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*id="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


def form(**values) -> dict:
    minute = clock.now_local().strftime("%Y-%m-%dT%H:%M")
    return {
        "as_of": minute,
        "submit": "1",
        **{k: v if isinstance(v, list) else str(v) for k, v in values.items()},
    }


def test_each_user_sees_the_units_they_report_for_with_todays_status(client, users):
    login(client, "icu")
    page = client.get("/icu/units/").get_data(as_text=True)
    assert re.findall(r'data-unit="([^"]+)"', page) == ["DANDERYD-IVA"]
    assert "Inte ännu" in page
    client.post(DANDERYD, data=form(adult_staffed=9, adult_occupied=7))
    assert "Rapporterad" in client.get("/icu/units/").get_data(as_text=True)
    client.post("/logout")

    login(client, "region")
    units = re.findall(r'data-unit="([^"]+)"', client.get("/icu/units/").get_data(as_text=True))
    assert len(units) == 12 and "DANDERYD-IVA" in units and "UPPSALA-TIVA" not in units
    client.post("/logout")
    login(client, "requester")  # Uppsala kommun has no intensive care
    assert 'data-testid="no-units"' in client.get("/icu/units/").get_data(as_text=True)
    client.post("/logout")
    login(client, "admin")
    page = client.get("/icu/units/").get_data(as_text=True)
    assert len(re.findall(r'data-unit="', page)) == 82


def test_the_form_starts_from_the_previous_report_and_stores_the_figures(client, users):
    yesterday(adult_covid=2)
    login(client, "icu")
    page = client.get(DANDERYD).get_data(as_text=True)
    assert 'value="10"' in input_tag(page, "adult_staffed")
    assert 'value="2"' in input_tag(page, "adult_covid")
    assert 'id="ecmo_places"' not in page  # Danderyd gives no ECMO
    assert "<legend>Vuxna</legend>" in page and "<legend>Barn</legend>" in page
    response = client.post(
        DANDERYD,
        data=form(
            adult_staffed=10,
            adult_occupied=9,
            adult_invasive=5,
            child_staffed=2,
            surge_24h=3,
            assessment="limited",
            limits=["staff", "consumables"],
            staff_shortage_today="yes",
            staff_shortage_7d="no",
        ),
    )
    assert response.status_code == 302
    stored = reports()[-1]
    assert (stored.adult_occupied, stored.child_staffed, stored.child_occupied) == (9, 2, None)
    assert stored.limits == ["staff", "consumables"] and stored.assessment.value == "limited"
    assert (stored.staff_shortage_today, stored.staff_shortage_7d) == (True, False)
    assert (stored.channel, stored.reported_by, stored.report_date) == (
        ReportChannel.FORM,
        "icu",
        clock.today(),
    )


def test_an_ecmo_unit_gets_the_ecmo_fields(client, users):
    login(client, "admin")
    assert 'id="ecmo_places"' in client.get("/icu/units/K-SOLNA-ECMO/report").get_data(True)


def test_a_refusal_is_shown_beside_each_field_and_nothing_is_stored(client, users):
    login(client, "icu")
    response = client.post(
        DANDERYD, data=form(adult_staffed=4, adult_occupied=9, child_staffed=2, child_occupied=4)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        'data-field-error="adult_occupied"' in page and 'data-field-error="child_occupied"' in page
    )
    assert 'aria-invalid="true"' in input_tag(page, "adult_occupied")
    assert 'data-testid="report-errors"' in page and "Barn: Inneliggande (patienter nu)" in page
    assert reports() == []


def test_a_jump_is_stored_only_when_each_warning_is_confirmed(client, users):
    yesterday()
    login(client, "icu")
    jumped = form(adult_staffed=25, adult_occupied=20, adult_invasive=5)  # 10 -> 25, 8 -> 20
    page = client.post(DANDERYD, data=jumped).get_data(as_text=True)
    assert 'data-field-warning="adult_staffed"' in page
    assert 'data-field-warning="adult_occupied"' in page
    assert 'name="confirm_adult_staffed"' in page and 'name="confirm_adult_occupied"' in page
    assert len(reports()) == 1

    page = client.post(DANDERYD, data={**jumped, "confirm_adult_staffed": "y"}).get_data(True)
    assert 'data-field-warning="adult_occupied"' in page
    assert 'data-field-warning="adult_staffed"' not in page
    assert "checked" in input_tag(page, "confirm_adult_staffed")
    assert len(reports()) == 1

    confirmed = {**jumped, "confirm_adult_staffed": "y", "confirm_adult_occupied": "y"}
    assert client.post(DANDERYD, data=confirmed).status_code == 302
    assert reports()[-1].confirmed_warnings == ["adult_occupied", "adult_staffed"]


def test_a_double_submit_stores_once(client, users):
    login(client, "icu")
    data = form(adult_staffed=8, adult_occupied=6)
    assert client.post(DANDERYD, data=data).status_code == 302
    second = client.post(DANDERYD, data=data, follow_redirects=True)
    assert "sparad redan" in second.get_data(as_text=True)
    assert len(reports()) == 1
    assert client.post(DANDERYD, data={**data, "adult_occupied": "7"}).status_code == 302
    assert [r.version for r in reports()] == [1, 2]  # a correction is a new version


def test_an_icu_reporter_reaches_only_its_own_unit(client, users):
    login(client, "icu")
    assert client.get("/icu/units/K-HUDDINGE-IVA/report").status_code == 403
    assert client.post("/icu/units/K-HUDDINGE-IVA/report", data=form()).status_code == 403
    assert client.get("/icu/regions/01/upload").status_code == 403
    assert reports("K-HUDDINGE-IVA") == []


# ---------------------------------------------------------------------------------------------
# The region's file


def upload(client, data: bytes, filename: str, region: str = "01"):
    return client.post(
        f"/icu/regions/{region}/upload",
        data={"as_of": form()["as_of"], "file": (io.BytesIO(data), filename), "submit": "1"},
        content_type="multipart/form-data",
    )


def filled_template(client, rows: dict[str, dict[str, object]]) -> bytes:
    """The region's Excel template as downloaded, with these units' cells written in."""
    response = client.get("/icu/regions/01/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for column, value in rows.get(row[0].value, {}).items():
            row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_round_trip_stores_every_filled_row(client, users):
    login(client, "region")
    template = client.get("/icu/regions/01/template.xlsx")
    sheet = load_workbook(io.BytesIO(template.data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Enhetskod", "Enhet", "Vuxna: disponibla platser"]
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert len(codes) == 12 and "DANDERYD-IVA" in codes
    data = filled_template(
        client,
        {
            "DANDERYD-IVA": {"Vuxna: disponibla platser": 8, "Vuxna: inneliggande": 6},
            "K-SOLNA-ECMO": {
                "Vuxna: disponibla platser": "3",
                "Vuxna: inneliggande": 2,
                "ECMO-platser": 3,
                "ECMO belagda": 1,
                "Egen bedömning": "Begränsad",
                "Begränsas av": "personal, lokaler",
                "Personalbrist i dag": "ja",
            },
        },
    )
    response = upload(client, data, "iva.xlsx")
    assert response.status_code == 302, response.get_data(as_text=True)
    danderyd, ecmo = reports()[0], reports("K-SOLNA-ECMO")[0]
    assert (danderyd.adult_staffed, danderyd.adult_occupied, danderyd.child_staffed) == (8, 6, None)
    assert (ecmo.ecmo_places, ecmo.ecmo_occupied, ecmo.limits) == (3, 1, ["staff", "rooms"])
    assert ecmo.staff_shortage_today is True and ecmo.channel == ReportChannel.UPLOAD
    assert reports("K-HUDDINGE-IVA") == []  # its row was left empty: it did not report
    assert upload(client, data, "iva.xlsx").status_code == 302  # the same file again
    assert len(reports()) == 1


def test_every_bad_cell_is_named_in_swedish_and_nothing_is_stored(client, users):
    login(client, "region")
    csv = (
        "Enhetskod;Vuxna: disponibla platser;Vuxna: inneliggande;Egen bedömning\n"
        "DANDERYD-IVA;8;6;tillgänglig\n"
        "UPPSALA-TIVA;tio;2;\n"
        "K-HUDDINGE-IVA;10;-1;kanske\n"
    ).encode()
    response = upload(client, csv, "iva.csv")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "rad 3, kolumn 'Enhetskod'" in page and "Region Stockholm" in page
    assert "rad 3, kolumn 'Vuxna: disponibla platser': 'tio' är inte ett heltal" in page
    assert "rad 4, kolumn 'Vuxna: inneliggande'" in page
    assert "rad 4, kolumn 'Egen bedömning'" in page
    assert reports() == []


def test_a_row_refused_by_the_rules_stops_the_whole_file(client, users):
    login(client, "region")
    csv = (
        b"unit,adult_staffed,adult_occupied,ecmo_places\n"  # English headers are read too
        b"DANDERYD-IVA,8,6,\n"
        b"K-HUDDINGE-IVA,4,9,\n"
        b"ERSTA-IVA,3,2,1\n"
    )
    response = upload(client, csv, "iva.csv")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "rad 3, kolumn 'adult_occupied'" in page
    assert "rad 4, kolumn 'ecmo_places'" in page
    assert reports() == [] and reports("ERSTA-IVA") == []


def test_jumps_in_a_file_are_stored_only_when_confirmed(client, users):
    yesterday()
    login(client, "region")
    csv = b"unit;adult_staffed;adult_occupied\nDANDERYD-IVA;25;8\nERSTA-IVA;3;2\n"
    page = upload(client, csv, "iva.csv").get_data(as_text=True)
    assert 'data-warning="DANDERYD-IVA:adult_staffed"' in page
    assert len(reports()) == 1 and reports("ERSTA-IVA") == []
    hidden = dict(
        re.findall(r'name="(as_of|content|filename|keys)" type="hidden" value="([^"]*)"', page)
    )
    if not hidden:
        hidden = dict(
            (name, value)
            for value, name in re.findall(
                r'value="([^"]*)"[^>]*name="(as_of|content|filename|keys)"', page
            )
        )
    assert set(hidden) == {"as_of", "content", "filename", "keys"}
    url = "/icu/regions/01/upload/confirm"
    again = client.post(url, data={**hidden, "submit": "1"}).get_data(as_text=True)
    assert 'data-warning="DANDERYD-IVA:adult_staffed"' in again and "field-error" in again
    assert len(reports()) == 1
    response = client.post(url, data={**hidden, "confirm": "y", "submit": "1"})
    assert response.status_code == 302
    assert reports()[-1].adult_staffed == 25 and reports()[-1].confirmed_warnings == [
        "adult_staffed"
    ]
    assert reports("ERSTA-IVA")[0].adult_staffed == 3


# ---------------------------------------------------------------------------------------------
# Crisis levels and the units' admin


def test_the_region_sets_its_crisis_level_and_sees_the_history(client, users):
    login(client, "region")
    url = "/icu/regions/01/crisis-level"
    assert client.post(url, data={"level": "staff", "submit": "1"}).status_code == 302
    assert client.post(url, data={"level": "disaster", "note": "Brand"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Katastrofläge" in page and "Stabsläge" in page and "Brand" in page
    levels = db.session.scalars(select(RegionCrisisLevel).order_by(RegionCrisisLevel.id)).all()
    assert [(r.level.value, r.set_by) for r in levels] == [
        ("staff", "region"),
        ("disaster", "region"),
    ]
    assert 'data-field-error="level"' in client.post(url, data={"submit": "1"}).get_data(True)
    client.post("/logout")
    login(client, "viewer")
    assert client.get(url).status_code == 200
    assert client.post(url, data={"level": "normal"}).status_code == 403
    client.post("/logout")
    login(client, "requester")
    assert client.post(url, data={"level": "normal"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(RegionCrisisLevel)) == 2


def test_an_admin_adds_edits_and_closes_a_unit_which_then_cannot_report(client, users):
    login(client, "admin")
    new = {
        "code": "nya-iva",
        "name": "Nya IVA",
        "hospital": "Mora lasarett",
        "town": "Mora",
        "region": "20",
        "provider": "",
        "kind": "general",
        "category": "",
        "reference_places": "4",
    }
    assert client.post("/icu/admin/units/new", data=new).status_code == 302
    assert icu.get_unit("NYA-IVA").region.code == "20"
    refused = client.post("/icu/admin/units/new", data={**new, "region": "99"})
    assert 'data-field-error="region"' in refused.get_data(as_text=True)
    edit = {**new, "name": "Nya IVA (lasarettet)", "has_ecmo": "y"}
    assert client.post("/icu/admin/units/NYA-IVA/edit", data=edit).status_code == 302
    assert icu.get_unit("NYA-IVA").has_ecmo
    client.post("/icu/units/NYA-IVA/report", data=form(adult_staffed=4, adult_occupied=2))
    day = clock.today().isoformat()
    closed = client.post("/icu/admin/units/NYA-IVA/close", data={"closed_on": day})
    assert closed.status_code == 302
    unit = icu.get_unit("NYA-IVA")
    assert (unit.active, unit.closed_on) == (False, clock.today())
    assert len(reports("NYA-IVA")) == 1  # the history stays
    refused = client.post("/icu/units/NYA-IVA/report", data=form(adult_staffed=5))
    assert "stängd" in refused.get_data(as_text=True)
    assert len(reports("NYA-IVA")) == 1
    assert "Stängd från" in client.get("/icu/admin/units/").get_data(as_text=True)
    assert "NYA-IVA" not in client.get("/icu/units/").get_data(as_text=True)
