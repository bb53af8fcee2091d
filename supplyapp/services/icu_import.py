"""A region's daily reports as one CSV or Excel file: one row per unit, Swedish or English
headers, checked whole by `imports.Checker`; then every row through the same rules as the form
and the API, and all rows stored in one transaction or none.

Rows that name a unit and nothing else (the template's rows not filled in) are left out: that
unit does not report in this file.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from supplyapp.i18n import _
from supplyapp.imports import Checker, ImportRejected, RowError, per_value, read_table
from supplyapp.models.intensive_care import FIGURES, IcuUnit, ReportChannel
from supplyapp.queries import intensive_care as icu_queries
from supplyapp.services import intensive_care as icu

MAX_BYTES = 200 * 1024  # a region has at most a few dozen units

# field -> (Swedish header, English header); the template uses the Swedish one.
HEADERS = {
    "unit": ("Enhetskod", "unit"),
    "unit_name": ("Enhet", "unit_name"),  # for the reader only; not read back
    "adult_staffed": ("Vuxna: disponibla platser", "adult_staffed"),
    "adult_staffed_ventilator": ("Vuxna: varav med ventilator", "adult_staffed_ventilator"),
    "adult_occupied": ("Vuxna: inneliggande", "adult_occupied"),
    "adult_covid": ("Vuxna: varav covid-19", "adult_covid"),
    "adult_invasive": ("Vuxna: invasiv ventilation", "adult_invasive"),
    "adult_noninvasive": ("Vuxna: non-invasiv ventilation", "adult_noninvasive"),
    "child_staffed": ("Barn: disponibla platser", "child_staffed"),
    "child_staffed_ventilator": ("Barn: varav med ventilator", "child_staffed_ventilator"),
    "child_occupied": ("Barn: inneliggande", "child_occupied"),
    "child_covid": ("Barn: varav covid-19", "child_covid"),
    "child_invasive": ("Barn: invasiv ventilation", "child_invasive"),
    "child_noninvasive": ("Barn: non-invasiv ventilation", "child_noninvasive"),
    "ecmo_places": ("ECMO-platser", "ecmo_places"),
    "ecmo_occupied": ("ECMO belagda", "ecmo_occupied"),
    "surge_24h": ("Extra platser inom 24 timmar", "surge_24h"),
    "surge_7d": ("Extra platser inom 7 dagar", "surge_7d"),
    "assessment": ("Egen bedömning", "assessment"),
    "limits": ("Begränsas av", "limits"),
    "staff_shortage_today": ("Personalbrist i dag", "staff_shortage_today"),
    "staff_shortage_7d": ("Personalbrist inom 7 dagar", "staff_shortage_7d"),
    "note": ("Kommentar", "note"),
}
ASSESSMENTS = {
    "tillgänglig": "available",
    "available": "available",
    "begränsad": "limited",
    "limited": "limited",
    "full": "full",
    "fullt": "full",
}
LIMITS = {
    "personal": "staff",
    "staff": "staff",
    "lokaler": "rooms",
    "rooms": "rooms",
    "ventilatorer": "ventilators",
    "ventilators": "ventilators",
    "förbrukningsmaterial": "consumables",
    "consumables": "consumables",
}
YES_NO = {"ja": True, "yes": True, "nej": False, "no": False}


@dataclass(frozen=True)
class JumpWarning:
    """A jump to confirm: the row and column as the file shows them, the unit and field."""

    row: int
    column: str
    unit: str
    field: str
    message: str

    @property
    def key(self) -> str:
        return f"{self.unit}:{self.field}"


class UploadNeedsConfirmation(Exception):
    """The file is sound but figures jump against the units' previous reports; nothing stored."""

    def __init__(self, warnings: list[JumpWarning]):
        self.warnings = warnings
        super().__init__("; ".join(f"{w.unit} {w.field}: {w.message}" for w in warnings))


def template_frame(region_code: str) -> pd.DataFrame:
    """The region's open units, one row each, under the Swedish headers; figures empty."""
    region = icu.get_region(region_code)
    rows = icu_queries.units(region_id=region.id)
    frame = pd.DataFrame(
        {sv: pd.Series([""] * len(rows), dtype=object) for sv, _ in HEADERS.values()}
    )
    frame[HEADERS["unit"][0]] = [u.code for u in rows]
    frame[HEADERS["unit_name"][0]] = [u.name for u in rows]
    return frame


def import_reports(
    region_code: str,
    data: bytes,
    filename: str,
    as_of: datetime,
    confirmed: frozenset[str] = frozenset(),
) -> list[icu.Filed]:
    """The region's reports from a file, all stored or none. `confirmed` holds the keys
    ("UNIT:field") of the warnings the reporter has seen and confirmed. ImportRejected names
    every bad cell; UploadNeedsConfirmation lists the jumps still to confirm."""
    region = icu.get_region(region_code)
    if len(data) > MAX_BYTES:
        raise ImportRejected(
            [RowError(None, None, _("the file is larger than %(kb)s kB", kb=MAX_BYTES // 1024))]
        )
    frame = read_table(data, filename)
    columns = _columns(frame)
    known = {u.code: u for u in icu_queries.units(include_closed=True, region_id=region.id)}
    reports, rows = _read_rows(frame, columns, known, region.name, as_of)
    for report in reports:
        report.confirmed = tuple(
            name for name in FIGURES if f"{report.unit_code}:{name}" in confirmed
        )
    try:
        return icu.submit_reports(reports, ReportChannel.UPLOAD)
    except icu.ReportsRefused as error:
        _raise_per_row(error, reports, rows, columns)
        raise


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    """field -> the header the file uses for it; the unit column is required."""
    by_text = {str(c).strip().lower(): str(c) for c in frame.columns}
    found = {}
    for name, headers in HEADERS.items():
        for header in headers:
            if header.lower() in by_text:
                found[name] = by_text[header.lower()]
                break
    if "unit" not in found:
        raise ImportRejected(
            [RowError(None, HEADERS["unit"][0], _("the column is missing (or %(en)s)", en="unit"))]
        )
    return found


def _read_rows(frame, columns, known: dict[str, IcuUnit], region_name: str, as_of: datetime):
    check = Checker(frame)
    unit_header = columns["unit"]
    codes = check.code(
        unit_header,
        {code: code for code in known},
        lambda v: _("%(value)s is not a unit of %(region)s", value=repr(v), region=region_name),
    )
    check.fail(
        codes.notna() & codes.duplicated(keep=False),
        unit_header,
        _("the unit has more than one row"),
    )
    figures = {name: _whole(check, columns[name]) for name in FIGURES if name in columns}
    words = {
        "assessment": _word(check, columns.get("assessment"), ASSESSMENTS, _assessment_hint),
        "staff_shortage_today": _word(check, columns.get("staff_shortage_today"), YES_NO, _yes_no),
        "staff_shortage_7d": _word(check, columns.get("staff_shortage_7d"), YES_NO, _yes_no),
    }
    limits = _limits(check, columns.get("limits"))
    notes = check.text(columns["note"], False, 1000) if "note" in columns else None
    check.raise_if_any()
    reports, rows = [], []
    for index in frame.index:
        report = icu.ReportInput(
            unit_code=codes[index],
            figures={name: _cell(values, index) for name, values in figures.items()},
            as_of=as_of,
            assessment=_cell(words["assessment"], index),
            limits=limits[index] if limits is not None else (),
            staff_shortage_today=_cell(words["staff_shortage_today"], index),
            staff_shortage_7d=_cell(words["staff_shortage_7d"], index),
            note=_cell(notes, index) or None,
        )
        if _filled(report):
            reports.append(report)
            rows.append(int(check.rows[index]))
    if not reports:
        raise ImportRejected([RowError(None, None, _("no unit has figures in the file"))])
    return reports, rows


def _cell(values: pd.Series | None, index):
    """The cell's value; None for an empty one (pandas may hold it as NaN)."""
    if values is None:
        return None
    value = values[index]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _filled(report: icu.ReportInput) -> bool:
    return any(v is not None for v in report.figures.values()) or bool(
        report.assessment
        or report.limits
        or report.note
        or report.staff_shortage_today is not None
        or report.staff_shortage_7d is not None
    )


def _whole(check: Checker, header: str) -> pd.Series:
    """Whole numbers of 0 and up; None where the cell is empty (not reported, not zero)."""
    numbers = check.whole(header, positive=False, required=False)
    blank = check.frame[header].fillna("").astype(str).str.strip() == ""
    return numbers.astype(object).where(~blank, None)


def _word(check: Checker, header: str | None, words: dict, hint) -> pd.Series | None:
    """The value of each cell's word (either language, any case); None for an empty cell."""
    if header is None:
        return None
    text = check.text(header, False, 40)
    lowered = per_value(text, lambda v: v.str.lower())
    check.fail((text != "") & ~lowered.isin(list(words)), header, hint)
    return lowered.map(lambda v: words.get(v)).astype(object)


def _assessment_hint(value) -> str:
    return _("%(value)s: write tillgänglig, begränsad or full", value=repr(value))


def _yes_no(value) -> str:
    return _("%(value)s: write ja or nej", value=repr(value))


def _limits(check: Checker, header: str | None) -> pd.Series | None:
    """What limits the unit: words separated by commas; an unknown word names the cell."""
    if header is None:
        return None
    text = check.text(header, False, 200)
    parts = text.map(lambda v: [p.strip().lower() for p in re.split(r"[,;/]", v) if p.strip()])
    check.fail(
        parts.map(lambda words: any(w not in LIMITS for w in words)),
        header,
        lambda v: _(
            "%(value)s: write personal, lokaler, ventilatorer or förbrukningsmaterial",
            value=repr(v),
        ),
    )
    return parts.map(lambda words: tuple(LIMITS[w] for w in words if w in LIMITS))


def _raise_per_row(error: icu.ReportsRefused, reports, rows, columns: dict[str, str]) -> None:
    """The batch's refusals as cells of the file (ImportRejected), else its warnings."""

    def column(name: str) -> str | None:
        return columns.get(name, HEADERS[name][0]) if name in HEADERS else None

    if error.refusals:
        raise ImportRejected(
            sorted(
                (
                    RowError(rows[position], column(name), message)
                    for position, errors in error.refusals.items()
                    for name, message in errors.items()
                ),
                key=lambda e: (e.row or 0, e.column or ""),
            )
        )
    raise UploadNeedsConfirmation(
        [
            JumpWarning(
                rows[position], column(name) or name, reports[position].unit_code, name, message
            )
            for position, warnings in sorted(error.warnings.items())
            for name, message in warnings.items()
        ]
    )
