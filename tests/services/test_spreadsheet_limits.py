"""A small spreadsheet that expands to a huge sheet is refused while it is streamed, before
pandas reads it (issue 18, point 6), in every import: the shared reader, reports, deliveries,
orders."""

import io
import re
import zipfile

import pandas as pd
import pytest

from supplyapp import imports
from supplyapp.imports import ImportRejected, read_table
from supplyapp.services import demand
from supplyapp.services.stock_import import import_deliveries, import_order_lines
from tests.conftest import as_user


def _workbook(rows: int, header=("item", "stock_on_hand", "daily_use")) -> bytes:
    buffer = io.BytesIO()
    frame = pd.DataFrame({name: ["ffp2"] * rows for name in header})
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def _rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed by change(xml)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(entry.filename, content)
    return out.getvalue()


def _bomb(rows: int) -> bytes:
    """A sheet of `rows` one-cell rows that says nothing of its size: compresses to little."""

    def expand(xml: str) -> str:
        xml = re.sub(r"<dimension[^>]*/>", "", xml)
        body = '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * rows
        return xml.replace("</sheetData>", body + "</sheetData>")

    return _rewrite_sheet(_workbook(1), expand)


@pytest.fixture
def no_pandas_excel(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pandas read a sheet that should have been refused before")

    monkeypatch.setattr(pd, "read_excel", refuse)


def test_a_sheet_declaring_a_million_rows_is_refused_at_once(no_pandas_excel):
    data = _rewrite_sheet(
        _workbook(3),
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:C1048576"', xml),
    )
    with pytest.raises(ImportRejected, match="more than 500"):
        read_table(data, "x.xlsx", max_rows=500)


def test_a_sheet_declaring_too_many_columns_is_refused(no_pandas_excel):
    data = _rewrite_sheet(
        _workbook(3), lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD4"', xml)
    )
    with pytest.raises(ImportRejected, match="columns"):
        read_table(data, "x.xlsx")


def test_a_small_file_expanding_to_a_million_rows_is_counted_and_refused(no_pandas_excel):
    data = _bomb(1_000_000)
    assert len(data) < 300 * 1024  # like the audit's 283 KB file
    with pytest.raises(ImportRejected, match="more than 100000 rows"):
        read_table(data, "bomb.xlsx")  # streamed up to row 100,002, never read by pandas


def test_a_report_file_longer_than_one_row_per_item_is_refused_while_read(places, no_pandas_excel):
    with pytest.raises(ImportRejected, match="more than"):
        demand.import_report("0380", None, _bomb(5_000), "report.xlsx")


def test_a_long_csv_is_refused_without_parsing_past_the_limit(places):
    rows = "\n".join("ffp2;1;1" for _ in range(5_000))
    data = f"item;stock_on_hand;daily_use\n{rows}\n".encode()
    with pytest.raises(ImportRejected, match="more than"):
        demand.import_report("0380", None, data, "report.csv")


def test_delivery_and_order_imports_refuse_an_oversized_sheet_before_pandas(
    places, no_pandas_excel, monkeypatch
):
    monkeypatch.setattr(imports, "MAX_EXCEL_ROWS", 50)
    with as_user("logistics"), pytest.raises(ImportRejected, match="more than 50 rows"):
        import_deliveries(_bomb(60), "deliveries.xlsx")
    with as_user("logistics"), pytest.raises(ImportRejected, match="more than 50 rows"):
        import_order_lines(_bomb(60), "orders.xlsx")


def test_a_sheet_within_the_limits_still_reads(places):
    frame = read_table(_workbook(40), "x.xlsx", max_rows=40)
    assert len(frame) == 40 and list(frame.columns) == ["item", "stock_on_hand", "daily_use"]
