"""Forecasts and scenarios (prognoser och omfall): what an officer supposes, and each run kept.

A scenario is a set of suppositions (use x a factor, channels or suppliers that fail or come
late, warehouses lost, a conservation mode, how intensive-care admissions are worked out); the
base scenario supposes nothing and always exists. Every run of a scenario is kept with the
inputs it was given (JSON) and what came out, so a forecast can later be held against what
happened.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column


class Scenario(Model):
    __tablename__ = "forecast_scenarios"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # The base scenario supposes nothing; the service keeps exactly one.
    is_base: Mapped[bool] = mapped_column(default=False, index=True)
    # The suppositions: see services/forecasts_scenarios.py's SETTINGS for the keys.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # An uploaded admissions table, checked: [{"region": code, "day": iso, "admissions": n}].
    admissions_json: Mapped[list | None] = mapped_column(JSON)
    admissions_file: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    runs: Mapped[list["ForecastRun"]] = relationship(
        back_populates="scenario", order_by="ForecastRun.id.desc()"
    )

    def __str__(self) -> str:
        return self.name


class ForecastRun(Model):
    """One run of a scenario: its inputs as given to the forecasting package, and its outputs."""

    __tablename__ = "forecast_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("forecast_scenarios.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date)  # the last day of known figures
    inputs_json: Mapped[dict] = mapped_column(JSON)
    outputs_json: Mapped[dict] = mapped_column(JSON)
    run_by: Mapped[str] = mapped_column(String(60))
    run_at: Mapped[datetime] = created_at_column()

    scenario: Mapped[Scenario] = relationship(back_populates="runs")
