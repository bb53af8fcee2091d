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
    frame = local_times(frame)
    if fmt == "csv":
        body = frame.to_csv(index=False, sep=";").encode("utf-8-sig")
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
