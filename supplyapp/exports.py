"""Every list can be downloaded as CSV or Excel: one function from a DataFrame to a response."""

import io
from datetime import datetime

import pandas as pd
from flask import Response, abort

from supplyapp import clock

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(frame: pd.DataFrame, basename: str, fmt: str) -> Response:
    """The frame as a file download; CSV with ; for Swedish Excel, and a BOM for its UTF-8."""
    if fmt not in FORMATS:
        abort(404)
    filename = f"{basename}-{clock.today().isoformat()}.{fmt}"
    frame = neutralised(local_times(frame))
    if fmt == "csv":
        # CRLF rows, as RFC 4180 has them: a cell holding a bare carriage return is then quoted
        # (the csv module quotes any cell holding a character of the line terminator).
        body = frame.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")
    else:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=basename[:31])
        body = buffer.getvalue()
    return Response(
        body,
        mimetype=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets (OWASP's CSV
# injection list): text that someone typed (a justification, a name) must never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell that a spreadsheet would read as a formula, led by an apostrophe, as
    OWASP advises; numbers, dates and other text are left as they are. Every export (CSV and
    Excel) passes through here."""
    changed = {
        column: frame[column].map(_neutral)
        for column in frame.columns
        if pd.api.types.is_object_dtype(frame[column])
        or pd.api.types.is_string_dtype(frame[column])
    }
    return frame.assign(**changed) if changed else frame


def _neutral(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of stored times in Swedish time, without the zone: Excel cannot hold a zone,
    and people read local time. Naive times are UTC (SQLite keeps no zone)."""
    times = [column for column in frame.columns if _is_time(frame[column])]
    local = {
        column: pd.to_datetime(frame[column], utc=True)
        .dt.tz_convert(clock.zone())
        .dt.tz_localize(None)
        for column in times
    }
    return frame.assign(**local) if local else frame


def _is_time(column: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    values = column.dropna()
    return (
        column.dtype == object and len(values) > 0 and all(isinstance(v, datetime) for v in values)
    )
