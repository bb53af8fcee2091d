"""Read uploaded CSV or Excel files with pandas and validate every row before anything is written.

A reader returns plain row dicts or raises ImportRejected with every bad row's number, column and
reason, so the caller (a service) writes all rows in one transaction or none.
"""

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

import pandas as pd

MAX_ROWS = 500_000
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
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where) or 'file'}: {self.reason}"


class ImportRejected(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:20]))


@dataclass(frozen=True)
class Column:
    """One expected column: its type, whether it is required, and extra checks."""

    name: str
    kind: str = "str"  # str, int, float, date, bool
    required: bool = True
    minimum: float | None = None
    max_length: int | None = None
    choices: frozenset[str] | None = None
    check: Callable[[object], str | None] | None = field(default=None, compare=False)


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """A DataFrame of text cells from a CSV or Excel file; ImportRejected if unreadable."""
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        raise ImportRejected([RowError(None, None, "the file is empty")])
    try:
        if suffix in EXCEL_SUFFIXES:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        elif suffix in CSV_SUFFIXES:
            frame = _read_csv(data)
        else:
            raise ImportRejected(
                [
                    RowError(
                        None, None, f"unknown file type {suffix or '(none)'}: send .csv or .xlsx"
                    )
                ]
            )
    except ImportRejected:
        raise
    except Exception as error:  # pandas and openpyxl raise many kinds for a broken file
        raise ImportRejected(
            [RowError(None, None, f"the file cannot be read as {suffix}: {type(error).__name__}")]
        ) from error
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise ImportRejected([RowError(None, None, "the file has no data rows")])
    if len(frame) > MAX_ROWS:
        raise ImportRejected([RowError(None, None, f"more than {MAX_ROWS} rows")])
    return frame


def _read_csv(data: bytes) -> pd.DataFrame:
    if b"\x00" in data[:4096]:
        raise ImportRejected([RowError(None, None, "this is not a text (CSV) file")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # older Swedish Excel exports
    # Swedish Excel writes CSV with semicolons: take whichever separator the header uses most.
    header = text.split("\n", 1)[0]
    separator = max([",", ";", "\t"], key=header.count)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=separator)


def validate_rows(frame: pd.DataFrame, columns: list[Column]) -> list[dict]:
    """Typed rows, or ImportRejected listing every problem (row, column, reason)."""
    missing = [c.name for c in columns if c.required and c.name not in frame.columns]
    if missing:
        raise ImportRejected([RowError(None, name, "the column is missing") for name in missing])
    errors: list[RowError] = []
    rows: list[dict] = []
    present = [c for c in columns if c.name in frame.columns]
    records = frame[[c.name for c in present]].to_dict("records")
    for index, record in enumerate(records):
        row_number = index + 2  # the header is row 1
        row = {}
        for column in present:
            value, reason = _convert(record[column.name], column)
            if reason:
                errors.append(RowError(row_number, column.name, reason))
            row[column.name] = value
        rows.append(row)
    if errors:
        raise ImportRejected(errors)
    return rows


def _blank(value) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _convert(raw, column: Column) -> tuple[object, str | None]:
    if _blank(raw):
        return None, ("a value is required" if column.required else None)
    text = str(raw).strip()
    try:
        value = _PARSERS[column.kind](text)
    except (ValueError, OverflowError):
        return None, f"{text!r} is not {_KIND_WORDS[column.kind]}"
    if column.minimum is not None and value < column.minimum:
        return None, f"{text} is below the minimum {column.minimum:g}"
    if column.max_length is not None and len(text) > column.max_length:
        return None, f"longer than {column.max_length} characters"
    if column.choices is not None and value not in column.choices:
        return None, f"{text!r} is not one of {', '.join(sorted(column.choices))}"
    if column.check is not None:
        reason = column.check(value)
        if reason:
            return None, reason
    return value, None


def _parse_int(text: str) -> int:
    cleaned = text.replace("\xa0", "").replace(" ", "")
    number = float(cleaned.replace(",", "."))
    if not number.is_integer():
        raise ValueError(text)
    return int(number)


def _parse_float(text: str) -> float:
    number = float(text.replace("\xa0", "").replace(" ", "").replace(",", "."))
    if math.isnan(number) or math.isinf(number):
        raise ValueError(text)
    return number


def _parse_date(text: str) -> date:
    return datetime.strptime(text[:10], "%Y-%m-%d").date()


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"1", "true", "yes", "ja", "j", "y", "x"}:
        return True
    if lowered in {"0", "false", "no", "nej", "n"}:
        return False
    raise ValueError(text)


_PARSERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": _parse_int,
    "float": _parse_float,
    "date": _parse_date,
    "bool": _parse_bool,
}
_KIND_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "date": "a date (YYYY-MM-DD)",
    "bool": "yes or no",
}
