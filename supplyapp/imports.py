"""Read uploaded CSV or Excel files with pandas and check every cell before anything is written.

The one file validator: `Checker` checks whole columns at once (each distinct value once, so a
100,000-row delivery file is quick) and collects every bad cell as a RowError (row as the
spreadsheet shows it, column, reason in the reader's language). `validate_rows` is the short
form for small files described by Columns. Either way the caller (a service) gets typed values
or ImportRejected naming every problem, and writes all rows in one transaction or none.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from supplyapp.i18n import _
from supplyapp.validation import MAX_QUANTITY

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


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """A DataFrame of text cells from a CSV or Excel file; ImportRejected if unreadable."""
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        raise ImportRejected([RowError(None, None, _("the file is empty"))])
    try:
        if suffix in EXCEL_SUFFIXES:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        elif suffix in CSV_SUFFIXES:
            frame = _read_csv(data)
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
    if len(frame) > MAX_ROWS:
        raise ImportRejected([RowError(None, None, _("more than %(n)s rows", n=MAX_ROWS))])
    return frame


def _read_csv(data: bytes) -> pd.DataFrame:
    if b"\x00" in data[:4096]:
        raise ImportRejected([RowError(None, None, _("this is not a text (CSV) file"))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # older Swedish Excel exports
    # Swedish Excel writes CSV with semicolons: take whichever separator the header uses most.
    header = text.split("\n", 1)[0]
    separator = max([",", ";", "\t"], key=header.count)
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=separator)


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
        bad = (raw != "") & (number.isna() | (number < 0))
        self.fail(
            bad, column, lambda v: _("%(value)s is not a price of zero or more", value=repr(v))
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
