"""Read uploaded CSV or Excel files with pandas and check every cell before anything is written.

The one file validator: `Checker` checks whole columns at once (each distinct value once, so a
100,000-row delivery file is quick) and collects every bad cell as a RowError (row as the
spreadsheet shows it, column, reason in the reader's language). `validate_rows` is the short
form for small files described by Columns. Either way the caller (a service) gets typed values
or ImportRejected naming every problem, and writes all rows in one transaction or none.
"""

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree import ElementTree

import pandas as pd

from supplyapp.i18n import _
from supplyapp.validation import MAX_PRICE, MAX_QUANTITY

MAX_ROWS = 500_000
# A spreadsheet is checked while it is streamed, before pandas reads it: a small .xlsx can
# expand to a million rows (issue 18), and reading those holds a worker for half a minute.
MAX_EXCEL_ROWS = 100_000  # larger files come as CSV, which reads ten times faster
MAX_COLUMNS = 100
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number as a spreadsheet shows it (header is row 1); None: whole file
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("row %(row)s", row=self.row))
        if self.column:
            where.append(_("column %(column)s", column=repr(self.column)))
        place = ", ".join(where) or _("file")
        return f"{place}: {self.reason}"


class ImportRejected(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:20]))


@dataclass(frozen=True)
class Column:
    """One expected column: its type, whether it is required, and extra checks."""

    name: str
    kind: str = "str"  # str, int (whole numbers: minimum 0 or 1) or date
    required: bool = True
    minimum: int = 0
    max_length: int | None = None
    check: Callable[[str], str | None] | None = field(default=None, compare=False)


def read_table(data: bytes, filename: str, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """A DataFrame of text cells from a CSV or Excel file; ImportRejected if unreadable or
    longer than max_rows data rows (an Excel file is counted while streaming, before pandas
    reads it, and holds at most MAX_EXCEL_ROWS)."""
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        raise ImportRejected([RowError(None, None, _("the file is empty"))])
    try:
        if suffix in EXCEL_SUFFIXES:
            _check_sheet_size(data, min(max_rows, MAX_EXCEL_ROWS))
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        elif suffix in CSV_SUFFIXES:
            frame = _read_csv(data, max_rows)
        else:
            raise ImportRejected(
                [
                    RowError(
                        None,
                        None,
                        _(
                            "unknown file type %(suffix)s: send .csv or .xlsx",
                            suffix=suffix or "(-)",
                        ),
                    )
                ]
            )
    except ImportRejected:
        raise
    except Exception as error:  # pandas and openpyxl raise many kinds for a broken file
        raise ImportRejected(
            [
                RowError(
                    None,
                    None,
                    _(
                        "the file cannot be read as %(suffix)s: %(error)s",
                        suffix=suffix,
                        error=type(error).__name__,
                    ),
                )
            ]
        ) from error
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise ImportRejected([RowError(None, None, _("the file has no data rows"))])
    if len(frame) > max_rows:
        raise _too_many_rows(max_rows)
    return frame


def _too_many_rows(limit: int) -> ImportRejected:
    return ImportRejected([RowError(None, None, _("more than %(n)s rows", n=limit))])


def _check_sheet_size(data: bytes, max_rows: int) -> None:
    """Refuse a workbook whose first sheet (the one pandas reads) is too large: by what the
    archive and the sheet declare, then by counting rows while streaming the sheet's XML and
    stopping at the limit. (openpyxl, under pandas, scans a whole sheet that declares no size
    before reading a cell, so it cannot be the one to count.)"""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(entry.file_size for entry in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
            raise ImportRejected(
                [
                    RowError(
                        None,
                        None,
                        _(
                            "the workbook unpacks to more than %(mb)s MB",
                            mb=MAX_UNCOMPRESSED_BYTES // 2**20,
                        ),
                    )
                ]
            )
        with archive.open(_first_sheet(archive)) as sheet:
            rows = 0
            for _event, element in ElementTree.iterparse(sheet, events=("end",)):
                tag = element.tag.rpartition("}")[2]
                if tag == "dimension":
                    _check_dimension(element.get("ref", ""), max_rows)
                elif tag == "row":
                    rows += 1
                    if rows - 1 > max_rows:  # the first row is the header
                        raise _too_many_rows(max_rows)
                    if len(element) > MAX_COLUMNS:
                        raise _too_many_columns()
                    element.clear()


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The path in the archive of the workbook's first sheet."""
    namespace = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = book.find("m:sheets/m:sheet", namespace)
    if first is None:
        raise ValueError("the workbook has no sheet")
    relation = first.get(f"{{{namespace['r']}}}id")
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for link in links.findall("p:Relationship", namespace):
        if link.get("Id") == relation:
            target = link.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise ValueError("the workbook's first sheet is missing")


def _check_dimension(ref: str, max_rows: int) -> None:
    """The sheet's declared range, such as A1:C1048576: refused if too wide or too long."""
    match = re.fullmatch(r"[A-Z]{1,3}\d+(?::([A-Z]{1,3})(\d+))?", ref)
    if not match or match.group(1) is None:
        return
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    if column > MAX_COLUMNS:
        raise _too_many_columns()
    if int(match.group(2)) - 1 > max_rows:
        raise _too_many_rows(max_rows)


def _too_many_columns() -> ImportRejected:
    return ImportRejected([RowError(None, None, _("more than %(n)s columns", n=MAX_COLUMNS))])


def _read_csv(data: bytes, max_rows: int) -> pd.DataFrame:
    if b"\x00" in data[:4096]:
        raise ImportRejected([RowError(None, None, _("this is not a text (CSV) file"))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # older Swedish Excel exports
    # Swedish Excel writes CSV with semicolons: take whichever separator the header uses most.
    header = text.split("\n", 1)[0]
    separator = max([",", ";", "\t"], key=header.count)
    # One row past the limit is enough to refuse the file; the rest is never parsed.
    return pd.read_csv(
        io.StringIO(text), dtype=str, keep_default_na=False, sep=separator, nrows=max_rows + 1
    )


def require_columns(frame: pd.DataFrame, required: list[str]) -> None:
    """ImportRejected naming every required column the file lacks."""
    missing = [name for name in required if name not in frame.columns]
    if missing:
        raise ImportRejected([RowError(None, name, _("the column is missing")) for name in missing])


class Checker:
    """Collects every bad cell of a frame; row numbers as a spreadsheet shows them.

    Conversions run once per distinct value of a column and are spread back over the rows: a
    file repeats the same warehouses, sources, items, quantities and dates on every row.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.errors: list[RowError] = []
        self.rows = pd.Series(frame.index + 2, index=frame.index)

    def fail(self, mask: pd.Series, column: str, reason) -> None:
        """A RowError for every row in mask; reason is a text or a function of the cell."""
        if not mask.any():
            return
        values = self.frame.loc[mask, column] if column in self.frame else [""] * int(mask.sum())
        for row, value in zip(self.rows[mask], values, strict=True):
            text = reason(value) if callable(reason) else reason
            self.errors.append(RowError(int(row), column, text))

    def text(self, column: str, required: bool, max_length: int) -> pd.Series:
        if column not in self.frame:
            values = pd.Series("", index=self.frame.index)
        else:
            values = per_value(self.frame[column], lambda v: v.fillna("").astype(str).str.strip())
        if required:
            self.fail(values == "", column, _("a value is required"))
        self.fail(
            per_value(values, lambda v: v.str.len() > max_length),
            column,
            _("longer than %(n)s characters", n=max_length),
        )
        return values

    def whole(self, column: str, positive: bool = True, required: bool = True) -> pd.Series:
        """Whole numbers (spaces and a decimal comma allowed), above zero or zero and up."""
        raw = self.text(column, required, 40)
        number = _numbers(raw)
        not_number = (raw != "") & (number.isna() | (number % 1 != 0))
        self.fail(not_number, column, lambda v: _("%(value)s is not a whole number", value=repr(v)))
        low = (number <= 0) if positive else (number < 0)
        bad_size = ~not_number & (raw != "") & (low | (number > MAX_QUANTITY))
        self.fail(bad_size, column, _above_zero if positive else _zero_or_more)
        return number.where(~(not_number | bad_size)).fillna(0).astype("int64")

    def price(self, column: str) -> pd.Series:
        raw = self.text(column, True, 40)
        number = _numbers(raw)
        # Finite, and within the price columns (12 digits, 2 of them decimals).
        bad = (raw != "") & (number.isna() | (number < 0) | ~(number <= MAX_PRICE))
        self.fail(
            bad,
            column,
            lambda v: _(
                "%(value)s is not a price from 0 to %(max)s", value=repr(v), max=f"{MAX_PRICE:,}"
            ),
        )
        return number.round(2)

    def day(self, column: str, required: bool) -> pd.Series:
        raw = self.text(column, required, 40)
        days = per_value(raw, _dates)
        self.fail(
            (raw != "") & days.isna(),
            column,
            lambda v: _("%(value)s is not a date (YYYY-MM-DD)", value=repr(v)),
        )
        return days

    def code(self, column: str, known: dict, unknown, max_length: int = 60) -> pd.Series:
        """The value known[cell] of each cell; unknown(cell) words a cell that is not known."""
        raw = self.text(column, True, max_length)
        ids = per_value(raw, lambda v: v.map(known))
        self.fail((raw != "") & ids.isna(), column, unknown)
        return ids

    def raise_if_any(self) -> None:
        if self.errors:
            self.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
            raise ImportRejected(self.errors)


def _above_zero(value) -> str:
    return _("%(value)s must be above zero", value=value)


def _zero_or_more(value) -> str:
    return _("%(value)s must be zero or more", value=value)


def per_value(values: pd.Series, convert) -> pd.Series:
    """`convert` (Series -> Series of the same length) applied once per distinct value."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    if len(distinct) == len(values):
        return convert(values)
    converted = convert(pd.Series(distinct))
    return pd.Series(converted.array.take(codes), index=values.index, name=values.name)


def _numbers(raw: pd.Series) -> pd.Series:
    return per_value(
        raw,
        lambda v: pd.to_numeric(
            v.str.replace("\xa0", "", regex=False)
            .str.replace(" ", "", regex=False)
            .str.replace(",", ".", regex=False),
            errors="coerce",
        ),
    )


def _dates(values: pd.Series) -> pd.Series:
    """Dates (datetime.date) of YYYY-MM-DD texts; None where there is none."""
    parsed = pd.to_datetime(values.str[:10], format="%Y-%m-%d", errors="coerce")
    return parsed.dt.date.where(parsed.notna(), None)


def validate_rows(frame: pd.DataFrame, columns: list[Column]) -> list[dict]:
    """Typed rows of a small file described by Columns, or ImportRejected naming every problem."""
    require_columns(frame, [c.name for c in columns if c.required])
    check = Checker(frame)
    typed = pd.DataFrame(index=frame.index)
    for column in columns:
        if column.name in frame.columns:
            typed[column.name] = _checked(check, column)
    check.raise_if_any()
    return typed.astype(object).where(typed.notna(), None).to_dict("records")


def _checked(check: Checker, column: Column) -> pd.Series:
    if column.kind == "int":
        return check.whole(column.name, positive=bool(column.minimum), required=column.required)
    if column.kind == "date":
        return check.day(column.name, column.required)
    values = check.text(column.name, column.required, column.max_length or 1000)
    if column.check is not None:
        reasons = per_value(values, lambda v: v.map(lambda x: column.check(x) if x else None))
        check.fail(reasons.notna(), column.name, lambda v: column.check(str(v).strip()))
    return values.where(values != "", None)
