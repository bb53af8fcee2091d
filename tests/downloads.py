"""Read a downloaded CSV or Excel file back as the user's spreadsheet would see it.

Codes such as Uppsala kommun's "0380" or Region Stockholm's "01" must come back as that text:
the Excel reader gives each cell as stored (a code written as a number comes back as 380, and
compares unequal to "0380"), the CSV reader gives every field as text, with no type guessing.
"""

import codecs
import csv
import io

from openpyxl import load_workbook


def workbook_rows(data: bytes, sheet: str | None = None) -> list[dict]:
    """The rows of a sheet (the first one unless named) as dicts keyed by the header row."""
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        rows = (workbook[sheet] if sheet else workbook.worksheets[0]).iter_rows(values_only=True)
        header = next(rows)
        return [dict(zip(header, row, strict=True)) for row in rows]
    finally:
        workbook.close()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV download (UTF-8 with a BOM, ; between fields) as dicts of text."""
    assert data.startswith(codecs.BOM_UTF8), "no BOM: Excel would misread å, ä and ö"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
