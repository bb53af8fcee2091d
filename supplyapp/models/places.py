"""Places: counties (län), the organisations in them, national warehouses."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column


class OrganisationKind(enum.StrEnum):
    REGION = "region"
    MUNICIPALITY = "municipality"
    CARE_PROVIDER = "care_provider"
    COUNTY_BOARD = "county_board"


class County(Model):
    """A län: the area shared by one region and one county administrative board."""

    __tablename__ = "counties"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    name_short: Mapped[str] = mapped_column(String(40))
    capital: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float]
    lon: Mapped[float]
    # Where national deliveries are handed over to the county (omlastningspunkt).
    reloading_point: Mapped[str | None] = mapped_column(String(120))
    # National shipments go to the reloading point (the county hands them on), or, when off,
    # straight to each organisation.
    deliver_via_reloading_point: Mapped[bool] = mapped_column(default=True, server_default=true())

    organisations: Mapped[list["Organisation"]] = relationship(back_populates="county")


class Organisation(Model):
    """A region, a municipality, a care provider or a county administrative board."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("population IS NULL OR population >= 0", name="population_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        Enum(OrganisationKind, native_enum=False, length=20, validate_strings=True), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    county_code: Mapped[str] = mapped_column(ForeignKey("counties.code"), index=True)
    population: Mapped[int | None]
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # Care providers only: publicly or privately run.
    is_private: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()

    county: Mapped[County] = relationship(back_populates="organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Warehouse(Model):
    """A national warehouse, where the national stock lies."""

    __tablename__ = "warehouses"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float]
    lon: Mapped[float]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
