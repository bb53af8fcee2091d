"""Situation reports: an organisation's stock on hand and average daily use per item.

One report is one transaction: its lines, the organisation's latest line per item, and one audit
event listing every line. A malformed report is refused whole, with a message per field.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from supplyapp import audit, clock
from supplyapp.config import setting
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.imports import Column, ImportRejected, RowError, read_table, validate_rows
from supplyapp.models import Item, Organisation
from supplyapp.models.demand import LatestReportLine, ReportLine, ReportSource, SituationReport
from supplyapp.permissions import REQUESTING_KINDS
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.services.transaction import use_case
from supplyapp.validation import check_quantity

OLDEST_REPORT_DAYS = 366
REPORT_COLUMNS = ("item", "stock_on_hand", "daily_use")


@dataclass(frozen=True)
class LineInput:
    """One item's figures as given: strings from forms and files are converted by the caller."""

    item_code: str
    stock_on_hand: object
    daily_use: object


def requesting_organisation(code: str) -> Organisation:
    """An active region, municipality or care provider by code; NotFound otherwise."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if organisation is None or organisation.kind not in REQUESTING_KINDS:
        raise NotFound(_("No reporting organisation with code %(code)s.", code=code))
    return organisation


def active_items() -> dict[str, Item]:
    """code -> item, for the items that can be reported and requested."""
    items = db.session.scalars(select(Item).where(Item.active.is_(True)).order_by(Item.code))
    return {item.code: item for item in items}


def check_as_of(as_of, today: date, errors: dict, field: str = "as_of") -> date | None:
    """A report date: not in the future, not more than a year back."""
    if not isinstance(as_of, date):
        errors[field] = _("Give a date (YYYY-MM-DD).")
        return None
    if as_of > today:
        errors[field] = _("The date cannot be in the future.")
        return None
    if (today - as_of).days > OLDEST_REPORT_DAYS:
        errors[field] = _("The date is more than a year ago.")
        return None
    return as_of


def _checked_lines(lines: list[LineInput], items: dict[str, Item], errors: dict) -> list[dict]:
    checked, seen = [], set()
    if not lines:
        errors["lines"] = _("Report at least one item.")
    for number, line in enumerate(lines, start=1):
        item = items.get(line.item_code) if isinstance(line.item_code, str) else None
        if item is None:
            errors[f"line_{number}"] = _("Unknown item code %(code)s.", code=str(line.item_code))
            continue
        if item.code in seen:
            errors[f"line_{number}"] = _("%(code)s is reported twice.", code=item.code)
            continue
        seen.add(item.code)
        stock = check_quantity(line.stock_on_hand, f"{item.code}__stock_on_hand", errors)
        use = check_quantity(line.daily_use, f"{item.code}__daily_use", errors)
        checked.append({"item_id": item.id, "stock_on_hand": stock, "daily_use": use})
    return checked


@use_case
def submit_report(
    organisation_code: str,
    as_of,
    lines: list[LineInput],
    source: ReportSource,
    note: str | None = None,
    today: date | None = None,
) -> SituationReport:
    """Store a report and make its lines the organisation's latest where they are newer."""
    organisation = requesting_organisation(organisation_code)
    errors: dict[str, str] = {}
    as_of = check_as_of(as_of, today or clock.today(), errors)
    checked = _checked_lines(lines, active_items(), errors)
    if note is not None and len(note) > 2000:
        errors["note"] = _("At most 2000 characters.")
    if errors:
        raise InvalidInput(errors)
    report = store_report(organisation, as_of, checked, source, note)
    return report


def store_report(
    organisation: Organisation,
    as_of: date,
    lines: list[dict],
    source: ReportSource,
    note: str | None = None,
) -> SituationReport:
    """Write a checked report (no commit): header, lines, latest lines, one audit event; the
    reporter is whoever acts."""
    reported_by = audit.current_actor_name()
    report = SituationReport(
        organisation=organisation, as_of=as_of, source=source, reported_by=reported_by, note=note
    )
    db.session.add(report)
    db.session.flush()
    rows = [
        {**line, "report_id": report.id, "organisation_id": organisation.id, "as_of": as_of}
        for line in lines
    ]
    ids = db.session.execute(
        insert(ReportLine).returning(ReportLine.id, ReportLine.item_id), rows
    ).all()
    line_ids = {item_id: line_id for line_id, item_id in ids}
    _upsert_latest(
        [
            {
                **row,
                "report_line_id": line_ids[row["item_id"]],
                "source": source,
                "reported_by": reported_by,
            }
            for row in rows
        ]
    )
    codes = {item.id: item.code for item in db.session.scalars(select(Item))}
    audit.record(
        db.session,
        "create",
        "report_lines",
        report.code,
        after={codes[row["item_id"]]: [row["stock_on_hand"], row["daily_use"]] for row in rows},
    )
    return report


def _upsert_latest(rows: list[dict]) -> None:
    """Insert or replace the latest line per organisation and item, unless it is older."""
    statement: postgresql.Insert | sqlite.Insert
    if db.session.get_bind().dialect.name == "postgresql":
        statement = pg_insert(LatestReportLine)
    else:
        statement = sqlite_insert(LatestReportLine)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=["organisation_id", "item_id"],
        set_={
            name: excluded[name]
            for name in (
                "report_line_id",
                "as_of",
                "stock_on_hand",
                "daily_use",
                "source",
                "reported_by",
            )
        },
        where=excluded.as_of >= LatestReportLine.as_of,
    )
    db.session.execute(statement, rows)


def _known_item(items: dict[str, Item]):
    def check(value) -> str | None:
        return None if value in items else _("unknown item code %(value)s", value=repr(value))

    return check


def import_report(
    organisation_code: str,
    as_of,
    data: bytes,
    filename: str,
    today: date | None = None,
) -> SituationReport:
    """A report from a CSV or Excel file with columns item, stock_on_hand, daily_use."""
    limit = setting("REPORT_UPLOAD_MAX_BYTES")
    if len(data) > limit:
        raise ImportRejected(
            [
                RowError(
                    None,
                    None,
                    _(
                        "the file is larger than %(kb)s kB; a report has one row per item",
                        kb=limit // 1024,
                    ),
                )
            ]
        )
    items = active_items()
    # A report has one row per item: a longer file is refused while it is read.
    frame = read_table(data, filename, max_rows=10 * len(items) + 10)
    columns = [
        Column("item", check=_known_item(items), max_length=30),
        Column("stock_on_hand", "int", minimum=0),
        Column("daily_use", "int", minimum=0),
    ]
    rows = validate_rows(frame, columns)
    lines = [LineInput(r["item"], r["stock_on_hand"], r["daily_use"]) for r in rows]
    return submit_report(organisation_code, as_of, lines, ReportSource.UPLOAD, today=today)


def latest_line(organisation_id: int, item_id: int) -> LatestReportLine | None:
    """The line that counts for this organisation and item, if any."""
    return db.session.get(LatestReportLine, (organisation_id, item_id))
