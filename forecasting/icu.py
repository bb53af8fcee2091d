"""Intensive-care demand per region: admissions (three ways) -> census -> days over 80/90/100 %.

The census is CHIME's: the patients in intensive care on day t are those admitted over the last
`length_of_stay` days. Day 0 is the first day of the forecast (`IcuInputs.start`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np

from forecasting.tables import AdmissionsTable, TableError, read_admissions_table

__all__ = [
    "THRESHOLDS",
    "AdmissionsTable",
    "IcuForecast",
    "IcuInputs",
    "IcuScenario",
    "RegionIcu",
    "ScenarioError",
    "TableError",
    "admissions_from_cases",
    "admissions_from_doubling",
    "census_from_admissions",
    "forecast_regions",
    "read_admissions_table",
    "spread_census",
    "threshold_days",
]

Method = Literal["table", "cases", "doubling"]
METHODS: tuple[Method, ...] = ("table", "cases", "doubling")
LENGTHS_OF_STAY: tuple[int, ...] = (10, 14, 21)  # FoHM 10 and 14, RKI 14 and 21 days
PROBABILITIES: tuple[float, ...] = (0.01, 0.03, 0.05)  # RKI's shares of cases needing ICU
THRESHOLDS: tuple[int, ...] = (80, 90, 100)  # per cent of staffed places
_EPSILON = 1e-9  # float sums: 79.999999999 patients reach 80


class ScenarioError(ValueError):
    """A scenario that cannot be run: `field` names the setting, `code` is stable."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.code = code
        self.message = message


def census_from_admissions(
    admissions: Sequence[float], length_of_stay: int, already_in: Sequence[float] = ()
) -> list[float]:
    """Census per day: the admissions of the last `length_of_stay` days (day t included).

    `already_in` are the admissions of the days before day 0, oldest first (the last one is
    yesterday's); they leave as their stay ends. `spread_census` makes them from a census.
    """
    if length_of_stay < 1:
        raise ScenarioError("length_of_stay", "not_positive", "must be at least 1 day")
    past = list(already_in)[-(length_of_stay - 1) :] if length_of_stay > 1 else []
    flows = np.asarray(past + list(admissions), dtype=float)
    running = np.concatenate(([0.0], np.cumsum(flows)))
    ends = np.arange(len(past) + 1, len(flows) + 1)
    starts = np.maximum(ends - length_of_stay, 0)
    census = running[ends] - running[starts]
    return [max(0.0, float(c)) for c in census]  # max: cumsum's rounding, never a real negative


def spread_census(census_today: float, length_of_stay: int) -> list[float]:
    """Today's patients as past admissions: census / LOS on each of the last LOS - 1 days.

    The rule: the patients in care at the start are spread evenly over their stay, so
    census / LOS of them leave each day and the last leave on day LOS - 2. With admissions at
    census / LOS a day the census then stays exactly where it is.
    """
    if length_of_stay < 1:
        raise ScenarioError("length_of_stay", "not_positive", "must be at least 1 day")
    return [census_today / length_of_stay] * (length_of_stay - 1)


def admissions_from_cases(
    cases: Sequence[float], probability: float, delay_days: int
) -> list[float]:
    """Admissions on day t = probability x cases on day t - delay (0 before the first case day).

    `cases[0]` is day 0's cases; to forecast the first `delay_days` days give the cases of the
    days before with the series starting earlier and drop them from the result (forecast_regions
    does this with dated cases).
    """
    _check_probability(probability)
    if delay_days < 0:
        raise ScenarioError("delay_days", "negative", "cannot be negative")
    return [
        probability * cases[t - delay_days] if t >= delay_days else 0.0 for t in range(len(cases))
    ]


def admissions_from_doubling(
    census_today: float, doubling_days: float, days: int, length_of_stay: int
) -> list[float]:
    """Admissions that double every `doubling_days`, from census / LOS a day on day 0.

    census / LOS is the rate that keeps today's census where it is (census = admissions x LOS),
    so the growth starts from the load of today: admissions(t) = census / LOS x 2^(t / doubling).
    """
    if doubling_days <= 0:
        raise ScenarioError("doubling_days", "not_positive", "must be more than 0 days")
    if length_of_stay < 1:
        raise ScenarioError("length_of_stay", "not_positive", "must be at least 1 day")
    rate = census_today / length_of_stay
    return [rate * 2.0 ** (t / doubling_days) for t in range(days)]


def threshold_days(
    census: Sequence[float],
    staffed_places: float,
    start: date,
    thresholds: Sequence[int] = THRESHOLDS,
) -> dict[int, date | None]:
    """The first day the census reaches each per cent of staffed places (None: not in the forecast).

    With no staffed places, the first day with any patient counts as every threshold.
    """
    found: dict[int, date | None] = {}
    for percent in thresholds:
        limit = staffed_places * percent / 100
        hits = [
            t
            for t, c in enumerate(census)
            if (c >= limit - _EPSILON if staffed_places > 0 else c > _EPSILON)
        ]
        found[percent] = start + timedelta(days=hits[0]) if hits else None
    return found


@dataclass(frozen=True)
class RegionIcu:
    """A region's intensive care today: staffed places, patients in care, and dated daily cases."""

    staffed_places: float
    census_today: float
    cases: Mapping[date, float] = field(default_factory=dict)


@dataclass(frozen=True)
class IcuInputs:
    """What every ICU scenario starts from: day 0, the horizon, and each region today."""

    start: date
    regions: Mapping[str, RegionIcu]
    days: int = 182  # 26 weeks


@dataclass(frozen=True)
class IcuScenario:
    """How admissions are found, and the length of stay.

    table: admissions from `table` (days it does not cover: none); cases: `probability` x cases
    `delay_days` earlier; doubling: from today's census, doubling every `doubling_days`.
    """

    method: Method = "doubling"
    length_of_stay: int = 14
    probability: float = 0.03
    delay_days: int = 10
    doubling_days: float = 14.0
    table: AdmissionsTable | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ScenarioError("method", "unknown_method", f"unknown method {self.method!r}")
        if self.length_of_stay < 1:
            raise ScenarioError("length_of_stay", "not_positive", "must be at least 1 day")
        if self.method == "table" and self.table is None:
            raise ScenarioError("table", "missing", "the table method needs an admissions table")
        if self.method == "cases":
            _check_probability(self.probability)
            if self.delay_days < 0:
                raise ScenarioError("delay_days", "negative", "cannot be negative")
        if self.method == "doubling" and self.doubling_days <= 0:
            raise ScenarioError("doubling_days", "not_positive", "must be more than 0 days")


@dataclass(frozen=True)
class IcuForecast:
    """One region's forecast: admissions and census per day from `start`, against staffed places."""

    region: str
    start: date
    admissions: tuple[float, ...]
    census: tuple[float, ...]
    staffed_places: float
    threshold_days: Mapping[int, date | None]
    census_today: float = 0.0  # the census the forecast started from

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=t) for t in range(len(self.census)))

    @property
    def peak(self) -> float:
        return max(self.census, default=0.0)

    def as_series(self) -> dict[date, float]:
        """Census by date (what `scenarios.forecast_error` compares)."""
        return dict(zip(self.days, self.census, strict=True))

    def patient_days_by_week(self, weeks: int) -> list[float]:
        """Patient-days in each week from `start` (days past the forecast count 0)."""
        census = np.zeros(weeks * 7)
        known = np.asarray(self.census[: weeks * 7], dtype=float)
        census[: len(known)] = known
        return [float(w) for w in census.reshape(weeks, 7).sum(axis=1)]


def forecast_regions(inputs: IcuInputs, scenario: IcuScenario) -> dict[str, IcuForecast]:
    """Every region's forecast for `inputs.days` days under the scenario."""
    return {
        code: _forecast_region(code, region, inputs, scenario)
        for code, region in sorted(inputs.regions.items())
    }


def _forecast_region(
    code: str, region: RegionIcu, inputs: IcuInputs, scenario: IcuScenario
) -> IcuForecast:
    admissions = _admissions(code, region, inputs, scenario)
    los = scenario.length_of_stay
    census = census_from_admissions(admissions, los, spread_census(region.census_today, los))
    return IcuForecast(
        region=code,
        start=inputs.start,
        admissions=tuple(admissions),
        census=tuple(census),
        staffed_places=region.staffed_places,
        threshold_days=threshold_days(census, region.staffed_places, inputs.start),
        census_today=region.census_today,
    )


def _admissions(
    code: str, region: RegionIcu, inputs: IcuInputs, scenario: IcuScenario
) -> list[float]:
    if scenario.method == "table":
        assert scenario.table is not None  # checked by IcuScenario
        return scenario.table.series(code, inputs.start, inputs.days)
    if scenario.method == "cases":
        delay = scenario.delay_days
        first = inputs.start - timedelta(days=delay)
        cases = [
            region.cases.get(first + timedelta(days=t), 0.0) for t in range(inputs.days + delay)
        ]
        return admissions_from_cases(cases, scenario.probability, delay)[delay:]
    return admissions_from_doubling(
        region.census_today, scenario.doubling_days, inputs.days, scenario.length_of_stay
    )


def _check_probability(probability: float) -> None:
    if not 0 <= probability <= 1:
        raise ScenarioError(
            "probability", "out_of_range", "must be between 0 and 1 (0 % and 100 %)"
        )
