"""People who sign in, and the record of failed sign-ins used for throttling."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.places import Organisation

if TYPE_CHECKING:
    from supplyapp.models.intensive_care import IcuUnit


class Role(enum.StrEnum):
    ADMIN = "admin"
    LOGISTICS = "logistics"
    OFFICER = "officer"
    REQUESTER = "requester"  # bound to a region, a municipality or a care provider
    COUNTY = "county"  # bound to a county administrative board
    VIEWER = "viewer"
    ICU_REPORTER = "icu_reporter"  # bound to one intensive care unit
    ICU_COORDINATOR = "icu_coordinator"  # national coordination of patient transfers


# Roles that act for one organisation, and which kinds of organisation fit them.
ORGANISATION_KINDS_BY_ROLE = {
    Role.REQUESTER: {"region", "municipality", "care_provider"},
    Role.COUNTY: {"county_board"},
}


class User(UserMixin, Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, validate_strings=True)
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # An ICU reporter's unit (the organisation is then the unit's region or provider).
    icu_unit_id: Mapped[int | None] = mapped_column(ForeignKey("icu_units.id"))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Kept in the session cookie at sign-in; raised by sign-out, a password change, disabling
    # and a reset, which so end every session of the user (a copied cookie stops working).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Organisation | None] = relationship()
    icu_unit: Mapped["IcuUnit | None"] = relationship()

    # Flask-Login: a disabled user is signed out at the next request.
    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Flask-Login's id in the session: "id.session_version" (its "alternative tokens"), so
        raising the version ends every session made before (the loader refuses the old one)."""
        return f"{self.id}.{self.session_version}"

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in roles

    def __str__(self) -> str:
        return self.username


class LoginFailure(Model):
    """One failed sign-in; recent ones lock the name and the address for a while."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(45), index=True)
    at: Mapped[datetime] = created_at_column()
