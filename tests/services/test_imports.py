"""The shared file reader: every bad row is named, nothing half-read."""

import io

import pandas as pd
import pytest

from supplyapp.imports import Column, ImportRejected, read_table, validate_rows

COLUMNS = [
    Column("item", max_length=10),
    Column("quantity", "int", minimum=1),
    Column("expiry", "date", required=False),
]


def test_a_good_csv_gives_typed_rows():
    frame = read_table(b"item;quantity;expiry\nffp2;1 000;2027-01-31\nvisor;5;\n", "x.csv")
    rows = validate_rows(frame, COLUMNS)
    expiry = pd.Timestamp("2027-01-31").date()
    assert rows[0] == {"item": "ffp2", "quantity": 1000, "expiry": expiry}
    assert rows[1]["expiry"] is None


def test_an_excel_file_is_read_like_a_csv():
    buffer = io.BytesIO()
    pd.DataFrame({"item": ["ffp2"], "quantity": [20]}).to_excel(buffer, index=False)
    rows = validate_rows(read_table(buffer.getvalue(), "x.xlsx"), COLUMNS)
    assert rows == [{"item": "ffp2", "quantity": 20}]


def test_every_bad_row_is_reported_with_row_column_and_reason():
    data = b"item,quantity,expiry\nffp2,abc,2027-01-01\nvisor,-5,\n,3,31/12/2027\n"
    with pytest.raises(ImportRejected) as rejected:
        validate_rows(read_table(data, "x.csv"), COLUMNS)
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {(2, "quantity"), (3, "quantity"), (4, "item"), (4, "expiry")}
    assert "not a whole number" in str(rejected.value)


@pytest.mark.parametrize(
    "data,name,reason",
    [
        (b"", "x.csv", "empty"),
        (b"item,quantity\n", "x.csv", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "x.csv", "not a text"),
        (b"PK\x03\x04 not really a zip", "x.xlsx", "cannot be read"),
        (b"item,quantity\nffp2,1\n", "x.pdf", "unknown file type"),
    ],
)
def test_files_that_are_not_tables_are_refused(data, name, reason):
    with pytest.raises(ImportRejected, match=reason):
        read_table(data, name)


def test_a_missing_column_is_named():
    with pytest.raises(ImportRejected) as rejected:
        validate_rows(read_table(b"item\nffp2\n", "x.csv"), COLUMNS)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(None, "quantity")]
