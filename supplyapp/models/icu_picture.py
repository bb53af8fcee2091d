"""The intensive-care picture's day totals per region: a summary of the units' reports, kept
by the report service (services/icu_totals.py) so the picture reads 21 rows a day, not a row
per unit.

A region's row for a day sums each unit's report that counts on that day: its latest current
report of that day or of the CARRY_DAYS days before (carried). Empty sums stay empty (no unit
reported the figure), never zero.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.intensive_care import IcuReport

CARRY_DAYS = 2  # a unit's last report counts this many days after its day
# The sums: empty when no counted unit gave the figure.
SUMS = (
    "staffed",
    "occupied",
    "covid",
    "free",
    "staffed_known_free",  # staffed places of the units that gave both staffed and occupied
    "ecmo_places",
    "ecmo_occupied",
    "ecmo_free",
    "surge_24h",
    "surge_7d",
)
# The counts of units: counted that day, reported on the day itself, carried from the days
# before, whose counted report is of the day before, limited, full.
COUNTS = ("counted", "reported", "carried", "reported_yesterday", "limited", "full")


class IcuRegionDay(Model):
    __tablename__ = "icu_region_days"
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    staffed: Mapped[int | None]
    occupied: Mapped[int | None]
    covid: Mapped[int | None]
    free: Mapped[int | None]
    staffed_known_free: Mapped[int | None]
    ecmo_places: Mapped[int | None]
    ecmo_occupied: Mapped[int | None]
    ecmo_free: Mapped[int | None]
    surge_24h: Mapped[int | None]
    surge_7d: Mapped[int | None]
    counted: Mapped[int] = mapped_column(default=0)
    reported: Mapped[int] = mapped_column(default=0)
    carried: Mapped[int] = mapped_column(default=0)
    reported_yesterday: Mapped[int] = mapped_column(default=0)
    limited: Mapped[int] = mapped_column(default=0)
    full: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = created_at_column()


# Which units reported on a day, and the limited or full among the last days' reports, read
# from the index alone.
Index(
    "ix_icu_reports_day_unit_assessment",
    IcuReport.report_date,
    IcuReport.is_current,
    IcuReport.unit_id,
    IcuReport.assessment,
)
