"""Intensive care: the units (IVA), their daily reports, and each region's crisis level.

A unit belongs to a region (its county's) and, when privately run, to a care provider. A report
gives the figures of one unit as of a time; corrections within 14 days add a new version and the
old one is kept (`is_current` marks the version that counts). An empty figure means "not
reported", never zero.
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.places import Organisation


class UnitKind(enum.StrEnum):
    GENERAL = "general"
    THORACIC = "thoracic"
    NEURO = "neuro"
    PAEDIATRIC = "paediatric"
    BURNS = "burns"
    INFECTION = "infection"
    MEDICAL = "medical"
    ECMO = "ecmo"


class Assessment(enum.StrEnum):
    """The unit's own view of its room (DIVI's verfügbar / begrenzt / ausgelastet)."""

    AVAILABLE = "available"
    LIMITED = "limited"
    FULL = "full"


class Limit(enum.StrEnum):
    """What limits a unit that is limited or full."""

    STAFF = "staff"
    ROOMS = "rooms"
    VENTILATORS = "ventilators"
    CONSUMABLES = "consumables"


class CrisisLevel(enum.StrEnum):
    NORMAL = "normal"  # normalläge
    STAFF = "staff"  # stabsläge
    REINFORCEMENT = "reinforcement"  # förstärkningsläge
    DISASTER = "disaster"  # katastrofläge


class ReportChannel(enum.StrEnum):
    FORM = "form"
    UPLOAD = "upload"
    API = "api"


# The figures of a report, per age group: whole numbers 0-300, None when not reported.
AGE_GROUPS = ("adult", "child")
GROUP_FIGURES = ("staffed", "staffed_ventilator", "occupied", "covid", "invasive", "noninvasive")
UNIT_FIGURES = ("ecmo_places", "ecmo_occupied", "surge_24h", "surge_7d")
FIGURES = tuple(f"{g}_{f}" for g in AGE_GROUPS for f in GROUP_FIGURES) + UNIT_FIGURES


class IcuUnit(Model):
    __tablename__ = "icu_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    hospital: Mapped[str] = mapped_column(String(160))
    town: Mapped[str] = mapped_column(String(80))
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # A privately run unit's care provider; its users report for it.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    is_private: Mapped[bool] = mapped_column(default=False)
    category: Mapped[str | None] = mapped_column(String(5))  # SIR's IVA category I, II, III
    kind: Mapped[UnitKind] = mapped_column(
        Enum(UnitKind, native_enum=False, length=20, validate_strings=True)
    )
    has_ecmo: Mapped[bool] = mapped_column(default=False)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # Staffed places in SIR's tertial report 2020; a demo figure where SIR gives none.
    reference_places: Mapped[int | None]
    reference_places_is_demo: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()

    region: Mapped[Organisation] = relationship(foreign_keys=[region_id])
    provider: Mapped[Organisation | None] = relationship(foreign_keys=[provider_id])

    def __str__(self) -> str:
        return self.name


class IcuReport(Model):
    __tablename__ = "icu_reports"
    __table_args__ = (
        Index("ix_icu_reports_day_current", "report_date", "is_current"),
        Index("ix_icu_reports_unit_day", "unit_id", "report_date", "version", unique=True),
        *(
            CheckConstraint(
                f"{name} IS NULL OR ({name} >= 0 AND {name} <= 300)", name=f"{name}_0_300"
            )
            for name in FIGURES
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("icu_units.id"))
    report_date: Mapped[date] = mapped_column(Date)  # the Swedish day the figures belong to
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)

    adult_staffed: Mapped[int | None]
    adult_staffed_ventilator: Mapped[int | None]
    adult_occupied: Mapped[int | None]
    adult_covid: Mapped[int | None]
    adult_invasive: Mapped[int | None]
    adult_noninvasive: Mapped[int | None]
    child_staffed: Mapped[int | None]
    child_staffed_ventilator: Mapped[int | None]
    child_occupied: Mapped[int | None]
    child_covid: Mapped[int | None]
    child_invasive: Mapped[int | None]
    child_noninvasive: Mapped[int | None]
    ecmo_places: Mapped[int | None]
    ecmo_occupied: Mapped[int | None]
    surge_24h: Mapped[int | None]
    surge_7d: Mapped[int | None]

    assessment: Mapped[Assessment | None] = mapped_column(
        Enum(Assessment, native_enum=False, length=20, validate_strings=True)
    )
    limits: Mapped[list[str]] = mapped_column(JSON, default=list)
    staff_shortage_today: Mapped[bool | None]
    staff_shortage_7d: Mapped[bool | None]
    confirmed_warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[ReportChannel] = mapped_column(
        Enum(ReportChannel, native_enum=False, length=10, validate_strings=True)
    )
    reported_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = created_at_column()

    unit: Mapped[IcuUnit] = relationship()

    def figures(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in FIGURES}


class RegionCrisisLevel(Model):
    """A region's crisis level from a moment on; the rows are its history."""

    __tablename__ = "region_crisis_levels"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    level: Mapped[CrisisLevel] = mapped_column(
        Enum(CrisisLevel, native_enum=False, length=20, validate_strings=True)
    )
    set_at: Mapped[datetime] = created_at_column()
    set_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(String(1000))

    region: Mapped[Organisation] = relationship()
