"""Scenarios side by side, and a kept forecast against what happened."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from forecasting.icu import THRESHOLDS, IcuForecast
from forecasting.supply import ItemProjection


@dataclass(frozen=True)
class ScenarioResult:
    """What one scenario gave: supply per item and/or ICU forecast per region."""

    supply: Mapping[str, ItemProjection] = field(default_factory=dict)
    icu: Mapping[str, IcuForecast] = field(default_factory=dict)


@dataclass(frozen=True)
class RunOutRow:
    """One item: the week it runs out in each scenario (None: not within the horizon)."""

    item: str
    run_out_week: Mapping[str, int | None]
    run_out_date: Mapping[str, date | None]


@dataclass(frozen=True)
class ThresholdRow:
    """One region and threshold (per cent): the first day it is reached in each scenario."""

    region: str
    percent: int
    day: Mapping[str, date | None]


@dataclass(frozen=True)
class ComparisonTable:
    """Scenarios side by side, in the order given."""

    scenarios: tuple[str, ...]
    run_out: tuple[RunOutRow, ...]
    thresholds: tuple[ThresholdRow, ...]


def compare(results_by_name: Mapping[str, ScenarioResult]) -> ComparisonTable:
    """Rows per item (run-out week) and per region x threshold (day), a column per scenario.

    Items and regions are those of any scenario, sorted; a scenario without one gives None.
    """
    names = tuple(results_by_name)
    items = sorted({i for r in results_by_name.values() for i in r.supply})
    regions = sorted({g for r in results_by_name.values() for g in r.icu})
    run_out = tuple(
        RunOutRow(
            item,
            {n: _run_out_week(results_by_name[n], item) for n in names},
            {n: _run_out_date(results_by_name[n], item) for n in names},
        )
        for item in items
    )
    thresholds = tuple(
        ThresholdRow(
            region, percent, {n: _threshold(results_by_name[n], region, percent) for n in names}
        )
        for region in regions
        for percent in THRESHOLDS
    )
    return ComparisonTable(names, run_out, thresholds)


def _run_out_week(result: ScenarioResult, item: str) -> int | None:
    projection = result.supply.get(item)
    return None if projection is None else projection.run_out_week


def _run_out_date(result: ScenarioResult, item: str) -> date | None:
    projection = result.supply.get(item)
    return None if projection is None else projection.run_out_date


def _threshold(result: ScenarioResult, region: str, percent: int) -> date | None:
    forecast = result.icu.get(region)
    return None if forecast is None else forecast.threshold_days.get(percent)


@dataclass(frozen=True)
class SeriesError:
    """Forecast against actual over the days both have: mean absolute error and mean error.

    mean_error > 0: the forecast was too high (bias = forecast - actual, on average).
    """

    days: int
    mean_absolute_error: float | None
    mean_error: float | None


@dataclass(frozen=True)
class ErrorFigures:
    """The error over every region and day, and per region."""

    overall: SeriesError
    per_region: Mapping[str, SeriesError]


def forecast_error(
    forecast: Mapping[str, Mapping[date, float]], actual: Mapping[str, Mapping[date, float]]
) -> ErrorFigures:
    """Compare a kept forecast (region -> day -> value) with what happened, on the days both have.

    An `IcuForecast` gives its series with `as_series()`. A region or day missing from either
    side is left out (days = 0: figures None).
    """
    per_region: dict[str, SeriesError] = {}
    every: list[float] = []
    for region in sorted(set(forecast) & set(actual)):
        diffs = [
            forecast[region][d] - actual[region][d]
            for d in sorted(set(forecast[region]) & set(actual[region]))
        ]
        per_region[region] = _figures(diffs)
        every.extend(diffs)
    return ErrorFigures(_figures(every), per_region)


def _figures(diffs: Sequence[float]) -> SeriesError:
    if not diffs:
        return SeriesError(0, None, None)
    return SeriesError(len(diffs), sum(abs(d) for d in diffs) / len(diffs), sum(diffs) / len(diffs))
