"""The item catalogue and the suppliers."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column


class Item(Model):
    """A kind of protective equipment or supply, counted in its unit."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("pack_size >= 1", name="pack_size_positive"),
        CheckConstraint("per_icu_patient_day >= 0", name="per_icu_patient_day_not_negative"),
        CheckConstraint(
            "shelf_life_months IS NULL OR shelf_life_months >= 1", name="shelf_life_positive"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(10))  # st (piece), par (pair), l (litre)
    pack_size: Mapped[int] = mapped_column(default=1)
    standard: Mapped[str | None] = mapped_column(String(120))
    shelf_life_months: Mapped[int | None]
    # Units of national stock that no allocation plan may touch.
    national_reserve: Mapped[int] = mapped_column(default=0, server_default="0")
    # Units used per intensive-care patient-day (forecasts: patient-days drive the use).
    per_icu_patient_day: Mapped[float] = mapped_column(default=0, server_default="0")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_sv

    def __str__(self) -> str:
        return f"{self.name_sv} ({self.code})"


class SupplierKind(enum.StrEnum):
    MARKET = "market"  # open-market seller
    DOMESTIC_PRODUCER = "domestic_producer"
    EU = "eu"  # the EU commission's joint procurement and rescEU
    DONOR = "donor"


class Supplier(Model):
    """Someone material comes from: a seller, a producer, the EU, a donor."""

    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[SupplierKind] = mapped_column(
        Enum(SupplierKind, native_enum=False, length=20, validate_strings=True)
    )
    org_number: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), default="SE")
    contact_email: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
