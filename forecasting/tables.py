"""A scenario table of intensive-care admissions per region and day (as FoHM published them).

Read with `read_admissions_table`: every bad row is named (row numbers as the user counts them,
the header being row 1) with its field, a stable `code` and its `args`, so the app can word the
message in Swedish; the English `message` is for logs and the command line.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

# Field -> the headings accepted for it (compared lower-case, trimmed, "_" and " " as "-").
HEADINGS: Mapping[str, tuple[str, ...]] = {
    "region": ("region", "region-code", "regionkod", "län", "lan", "region-name", "regionnamn"),
    "date": ("date", "datum", "day", "dag"),
    "admissions": (
        "admissions",
        "icu-admissions",
        "iva-inläggningar",
        "iva-inlaggningar",
        "inläggningar",
        "inlaggningar",
        "nya-iva",
        "antal",
    ),
}


@dataclass(frozen=True)
class RowProblem:
    """One bad cell: row (header = 1), field (region/date/admissions), code, args, message."""

    row: int
    field: str
    code: str
    message: str
    args: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


class TableError(ValueError):
    """A table that cannot be used; `problems` lists every bad row, in row order."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.row, p.field)))
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.problems}))


@dataclass(frozen=True)
class AdmissionsTable:
    """Admissions per region (code) and day; each region's days are consecutive."""

    admissions: Mapping[str, Mapping[date, float]]

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted(self.admissions))

    @property
    def first_day(self) -> date | None:
        days = [min(d) for d in self.admissions.values() if d]
        return min(days) if days else None

    @property
    def last_day(self) -> date | None:
        days = [max(d) for d in self.admissions.values() if d]
        return max(days) if days else None

    def series(self, region: str, start: date, days: int) -> list[float]:
        """Admissions on `days` days from `start`; 0 on a day the table does not cover."""
        by_day = self.admissions.get(region, {})
        return [by_day.get(start + timedelta(days=t), 0.0) for t in range(days)]


def read_admissions_table(
    source: pd.DataFrame | Iterable[Mapping[str, Any]],
    known_regions: Mapping[str, str] | Collection[str],
    *,
    first_day: date | None = None,
) -> AdmissionsTable:
    """Check a table of (region, date, admissions) rows; raise TableError naming every bad row.

    `known_regions` is a collection of region codes, or a mapping code -> name (then a region may
    also be given by its name, in any case). A code given as a number (Excel's 1 for "01") is
    padded to the length of the known codes. With `first_day`, a row dated before it is refused
    and each region's days must start on it. Admissions may be fractions (expected values).
    """
    frame = source if isinstance(source, pd.DataFrame) else pd.DataFrame(list(source))
    columns, problems = _find_columns(frame)
    if problems:
        raise TableError(problems)
    lookup = _region_lookup(known_regions)
    rows: list[tuple[int, str, date]] = []
    admissions: dict[str, dict[date, float]] = {}
    seen: dict[tuple[str, date], int] = {}
    for index, record in enumerate(frame.to_dict("records")):
        row = index + 2
        region = _region(record[columns["region"]], lookup, row, problems)
        day = _day(record[columns["date"]], row, first_day, problems)
        value = _admissions(record[columns["admissions"]], row, problems)
        if region is None or day is None:
            continue
        if (region, day) in seen:
            problems.append(_duplicate(row, region, day, seen[(region, day)]))
            continue
        seen[(region, day)] = row
        rows.append((row, region, day))
        if value is not None:
            admissions.setdefault(region, {})[day] = value
    problems.extend(_gaps(rows, first_day))
    if problems:
        raise TableError(problems)
    return AdmissionsTable({r: dict(sorted(d.items())) for r, d in sorted(admissions.items())})


def _key(heading: object) -> str:
    return re.sub(r"[\s_]+", "-", str(heading).strip().lower())


def _find_columns(frame: pd.DataFrame) -> tuple[dict[str, Any], list[RowProblem]]:
    columns: dict[str, Any] = {}
    problems: list[RowProblem] = []
    for name, accepted in HEADINGS.items():
        found = [c for c in frame.columns if _key(c) in accepted]
        if len(found) == 1:
            columns[name] = found[0]
            continue
        code = "missing_column" if not found else "ambiguous_column"
        message = (
            f"no column for {name} (accepted headings: {', '.join(accepted)})"
            if not found
            else f"more than one column for {name}: {', '.join(map(str, found))}"
        )
        problems.append(RowProblem(1, name, code, message, {"accepted": accepted}))
    return columns, problems


def _region_lookup(known: Mapping[str, str] | Collection[str]) -> dict[str, str]:
    lookup = {str(code).strip().lower(): str(code) for code in known}
    if isinstance(known, Mapping):
        lookup.update({str(name).strip().lower(): str(code) for code, name in known.items()})
    return lookup


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


def _region(
    value: object, lookup: Mapping[str, str], row: int, problems: list[RowProblem]
) -> str | None:
    if _blank(value) or not str(value).strip():
        problems.append(RowProblem(row, "region", "missing", "no region"))
        return None
    text = str(value).strip()
    if isinstance(value, (int, float)) and float(value).is_integer():
        text = str(int(value))
    width = max((len(k) for k in lookup if k.isdigit()), default=0)
    candidates = [text.lower()]
    if text.isdigit():
        candidates.append(text.zfill(width))
    for candidate in candidates:
        if candidate in lookup:
            return lookup[candidate]
    problems.append(
        RowProblem(row, "region", "unknown_region", f"unknown region {text!r}", {"value": text})
    )
    return None


def _day(
    value: object, row: int, first_day: date | None, problems: list[RowProblem]
) -> date | None:
    if _blank(value) or not str(value).strip():
        problems.append(RowProblem(row, "date", "missing", "no date"))
        return None
    day = _parse_day(value)
    if day is None:
        problems.append(
            RowProblem(
                row,
                "date",
                "bad_date",
                f"{str(value).strip()!r} is not a date (write it as 2020-04-01)",
                {"value": str(value).strip()},
            )
        )
        return None
    if first_day is not None and day < first_day:
        problems.append(
            RowProblem(
                row,
                "date",
                "before_first_day",
                f"{day.isoformat()} is before the first day {first_day.isoformat()}",
                {"value": day, "first_day": first_day},
            )
        )
        return None
    return day


def _parse_day(value: object) -> date | None:
    if isinstance(value, datetime):  # pd.Timestamp is one too
        if (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
            return None
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return _parse_day(datetime.fromisoformat(str(value).strip()))  # "2020-04-01 00:00:00" too
    except ValueError:
        return None


def _admissions(value: object, row: int, problems: list[RowProblem]) -> float | None:
    if _blank(value) or not str(value).strip():
        problems.append(RowProblem(row, "admissions", "missing", "no number of admissions"))
        return None
    if isinstance(value, bool):
        number = math.nan
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        try:  # a Swedish decimal comma and spaces between thousands are accepted
            number = float(
                str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
            )
        except ValueError:
            number = math.nan
    text = str(value).strip()
    if not math.isfinite(number):
        problems.append(
            RowProblem(
                row, "admissions", "not_a_number", f"{text!r} is not a number", {"value": text}
            )
        )
        return None
    if number < 0:
        problems.append(
            RowProblem(row, "admissions", "negative", f"{text} is negative", {"value": number})
        )
        return None
    return number


def _duplicate(row: int, region: str, day: date, first_row: int) -> RowProblem:
    return RowProblem(
        row,
        "date",
        "duplicate",
        f"region {region} already has {day.isoformat()} on row {first_row}",
        {"region": region, "date": day, "first_row": first_row},
    )


def _gaps(rows: Sequence[tuple[int, str, date]], first_day: date | None) -> list[RowProblem]:
    """A region whose days skip one: the row after the gap is named, with the days missing."""
    by_region: dict[str, list[tuple[date, int]]] = {}
    for row, region, day in rows:
        by_region.setdefault(region, []).append((day, row))
    problems = []
    for region, days in by_region.items():
        days.sort()
        previous = (
            first_day - timedelta(days=1)
            if first_day is not None
            else days[0][0] - timedelta(days=1)
        )
        for day, row in days:
            if (day - previous).days > 1:
                start, end = previous + timedelta(days=1), day - timedelta(days=1)
                problems.append(
                    RowProblem(
                        row,
                        "date",
                        "missing_days",
                        f"region {region} has no rows from {start} to {end}",
                        {"region": region, "from": start, "to": end},
                    )
                )
            previous = day
    return problems
