"""The national supply projection per item and week, and each delivery channel's record.

stock(w) = stock(w - 1) + inflow(w) - need(w), from the national stock (less lost warehouses).
inflow: the pipeline, each delivery x its channel's weight (on-time share x passed-QC share).
need: what regions and municipalities need beyond their own stock (drawn down first): reported
daily use x 7, plus the intensive-care patient-days of the ICU forecast (beyond today's, which
reported use already covers) x items per patient-day x the conservation factor; all x use_factor.
Week 0 is the 7 days from `SupplyInputs.start`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np

from forecasting.icu import IcuForecast, IcuInputs, IcuScenario, ScenarioError, forecast_regions

ChannelKind = Literal["order", "eu_calloff", "domestic_contract", "donation"]
CHANNEL_KINDS: tuple[ChannelKind, ...] = ("order", "eu_calloff", "domestic_contract", "donation")
Conservation = Literal["standard", "contingency", "crisis"]
# Items per ICU patient-day x this factor. CDC describes the modes (contingency: extended use of
# one item over several patients; crisis: reuse) but gives no figure; these are round planning
# assumptions: extended use saves about a third, reuse more than half. A scenario may override.
CONSERVATION_FACTORS: Mapping[Conservation, float] = {
    "standard": 1.0,
    "contingency": 0.7,
    "crisis": 0.4,
}
_EPSILON = 1e-9  # below this a stock counts as 0, not as run out (float sums)


@dataclass(frozen=True)
class Channel:
    """Where deliveries come from: its kind, a name (unique) and the supplier, if known."""

    kind: ChannelKind
    name: str
    supplier: str = ""

    def matches(self, names: Collection[str]) -> bool:
        """True when the channel's name or kind is among `names`."""
        return self.name in names or self.kind in names


@dataclass(frozen=True)
class PipelineDelivery:
    """Units of an item promised on a day (an ISO week: give its Monday, see `in_week`)."""

    item: str
    due: date
    quantity: float
    channel: Channel

    @classmethod
    def in_week(
        cls, item: str, year: int, week: int, quantity: float, channel: Channel
    ) -> PipelineDelivery:
        """A delivery promised in ISO week `week` of `year` (counted from that Monday)."""
        return cls(item, date.fromisocalendar(year, week, 1), quantity, channel)


@dataclass(frozen=True)
class PastDelivery:
    """A delivery of the history: promised units and day; what came, when, and its QC outcome.

    `delivered` None: never came. `delivered_quantity` None: all promised units came.
    `passed_qc` None: not (yet) tested, left out of the QC share.
    """

    promised: date
    quantity: float
    delivered: date | None = None
    delivered_quantity: float | None = None
    passed_qc: bool | None = None


@dataclass(frozen=True)
class ChannelRecord:
    """A channel's record: the weight its promised units are counted with."""

    on_time_share: float = 1.0
    passed_qc_share: float = 1.0
    deliveries: int = 0  # how many past deliveries it was measured on (0: taken at its word)

    @property
    def weight(self) -> float:
        return self.on_time_share * self.passed_qc_share


def channel_record(history: Sequence[PastDelivery], grace_days: int = 0) -> ChannelRecord:
    """Measure a channel: units on time / units promised; units passing QC / units tested.

    On time: delivered no later than promised + `grace_days`. No history: weight 1.
    """
    promised = sum(d.quantity for d in history)
    if not history or promised <= 0:
        return ChannelRecord(deliveries=len(history))
    on_time = sum(
        _came(d)
        for d in history
        if d.delivered is not None and (d.delivered - d.promised).days <= grace_days
    )
    tested = [d for d in history if d.delivered is not None and d.passed_qc is not None]
    tested_units = sum(_came(d) for d in tested)
    passed = sum(_came(d) for d in tested if d.passed_qc)
    return ChannelRecord(
        on_time_share=min(1.0, on_time / promised),
        passed_qc_share=passed / tested_units if tested_units > 0 else 1.0,
        deliveries=len(history),
    )


def _came(delivery: PastDelivery) -> float:
    if delivery.delivered is None:
        return 0.0
    return delivery.quantity if delivery.delivered_quantity is None else delivery.delivered_quantity


@dataclass(frozen=True)
class OrganisationUse:
    """A region's or municipality's use of an item: reported daily use and its own stock.

    `icu_region`: the region code whose intensive-care patients draw on this stock (set on the
    region authority's rows); such patients' items without a row go straight to the national need.
    """

    organisation: str
    item: str
    daily_use: float
    stock: float
    icu_region: str | None = None


@dataclass(frozen=True)
class SupplyInputs:
    """What every supply scenario starts from."""

    start: date
    items: Sequence[str]
    national_stock: Mapping[str, Mapping[str, float]]  # warehouse -> item -> units
    pipeline: Sequence[PipelineDelivery] = ()
    records: Mapping[Channel, ChannelRecord] = field(default_factory=dict)  # missing: weight 1
    organisations: Sequence[OrganisationUse] = ()
    items_per_patient_day: Mapping[str, float] = field(default_factory=dict)
    icu_inputs: IcuInputs | None = None
    # Reported use already covers today's ICU patients, so only patient-days beyond today's
    # census x 7 a week are added; False adds every forecast patient-day.
    icu_today_in_reported_use: bool = True


@dataclass(frozen=True)
class SupplyScenario:
    """A what-if. Channels are named by name or by kind (e.g. "eu_calloff" fails all call-offs)."""

    use_factor: float = 1.0
    failed_channels: frozenset[str] = frozenset()
    delayed_channels: Mapping[str, int] = field(default_factory=dict)  # name or kind -> weeks
    failed_suppliers: frozenset[str] = frozenset()
    lost_warehouses: frozenset[str] = frozenset()
    conservation: Conservation = "standard"
    conservation_factor: float | None = None  # overrides CONSERVATION_FACTORS[conservation]
    icu_scenario: IcuScenario | None = None

    def __post_init__(self) -> None:
        if self.use_factor < 0:
            raise ScenarioError("use_factor", "negative", "cannot be negative")
        if self.conservation not in CONSERVATION_FACTORS:
            raise ScenarioError(
                "conservation", "unknown_mode", f"unknown conservation mode {self.conservation!r}"
            )
        if self.conservation_factor is not None and self.conservation_factor < 0:
            raise ScenarioError("conservation_factor", "negative", "cannot be negative")
        for name, weeks in self.delayed_channels.items():
            if weeks < 0:
                raise ScenarioError("delayed_channels", "negative", f"{name}: cannot be negative")

    @property
    def factor(self) -> float:
        """The conservation factor in force."""
        if self.conservation_factor is not None:
            return self.conservation_factor
        return CONSERVATION_FACTORS[self.conservation]


@dataclass(frozen=True)
class ItemProjection:
    """One item's national stock week by week; run_out_week: first week ending below 0."""

    item: str
    week_starts: tuple[date, ...]
    start_stock: float
    inflow: tuple[float, ...]
    need: tuple[float, ...]
    stock: tuple[float, ...]  # at the end of each week
    run_out_week: int | None

    @property
    def run_out_date(self) -> date | None:
        """The first day of the week the stock runs out."""
        return None if self.run_out_week is None else self.week_starts[self.run_out_week]


def project_supply(
    inputs: SupplyInputs,
    scenario: SupplyScenario,
    weeks: int = 26,
    *,
    icu: Mapping[str, IcuForecast] | None = None,
) -> dict[str, ItemProjection]:
    """Every item's weekly projection under the scenario.

    The ICU forecast is `icu` when given, else run from `inputs.icu_inputs` and the scenario's
    `icu_scenario` (none: no ICU term).
    """
    if weeks < 1:
        raise ScenarioError("weeks", "not_positive", "must be at least 1 week")
    if icu is None and inputs.icu_inputs is not None and scenario.icu_scenario is not None:
        icu = forecast_regions(inputs.icu_inputs, scenario.icu_scenario)
    items = list(dict.fromkeys(inputs.items))
    index = {item: i for i, item in enumerate(items)}
    start_stock = _national_stock(inputs, scenario, index)
    inflow = _inflow(inputs, scenario, index, weeks)
    need = _need(inputs, scenario, index, weeks, icu or {})
    stock = start_stock[:, None] + np.cumsum(inflow - need, axis=1)
    week_starts = tuple(inputs.start + timedelta(weeks=w) for w in range(weeks))
    return {
        item: ItemProjection(
            item=item,
            week_starts=week_starts,
            start_stock=float(start_stock[i]),
            inflow=tuple(inflow[i].tolist()),
            need=tuple(need[i].tolist()),
            stock=tuple(stock[i].tolist()),
            run_out_week=_first_below_zero(stock[i]),
        )
        for item, i in index.items()
    }


def _first_below_zero(stock: np.ndarray) -> int | None:
    below = np.flatnonzero(stock < -_EPSILON)
    return int(below[0]) if below.size else None


def _national_stock(
    inputs: SupplyInputs, scenario: SupplyScenario, index: Mapping[str, int]
) -> np.ndarray:
    stock = np.zeros(len(index))
    for warehouse, by_item in inputs.national_stock.items():
        if warehouse in scenario.lost_warehouses:
            continue
        for item, units in by_item.items():
            if item in index:
                stock[index[item]] += units
    return stock


def _inflow(
    inputs: SupplyInputs, scenario: SupplyScenario, index: Mapping[str, int], weeks: int
) -> np.ndarray:
    """Promised units x channel weight, by item and week (due before the start: week 0)."""
    inflow = np.zeros((len(index), weeks))
    for delivery in inputs.pipeline:
        channel = delivery.channel
        if delivery.item not in index or _failed(channel, scenario):
            continue
        week = max(0, (delivery.due - inputs.start).days // 7) + _delay(channel, scenario)
        if week < weeks:
            weight = inputs.records.get(channel, ChannelRecord()).weight
            inflow[index[delivery.item], week] += delivery.quantity * weight
    return inflow


def _failed(channel: Channel, scenario: SupplyScenario) -> bool:
    return channel.matches(scenario.failed_channels) or (
        bool(channel.supplier) and channel.supplier in scenario.failed_suppliers
    )


def _delay(channel: Channel, scenario: SupplyScenario) -> int:
    delays = scenario.delayed_channels
    return max(delays.get(channel.name, 0), delays.get(channel.kind, 0))


def _need(
    inputs: SupplyInputs,
    scenario: SupplyScenario,
    index: Mapping[str, int],
    weeks: int,
    icu: Mapping[str, IcuForecast],
) -> np.ndarray:
    """What organisations need from the nation, by item and week, beyond their own stock."""
    rows = [o for o in inputs.organisations if o.item in index]
    extra = _icu_extra(inputs, icu, weeks)  # region -> patient-days a week beyond today's
    per_day = {
        item: inputs.items_per_patient_day.get(item, 0.0) * scenario.factor for item in index
    }
    covered = {(o.icu_region, o.item) for o in rows if o.icu_region in extra}
    orphans = [  # ICU patients' items with no regional stock row: all from the nation
        OrganisationUse("", item, 0.0, 0.0, region)
        for region in extra
        for item in index
        if per_day[item] > 0 and (region, item) not in covered
    ]
    rows += orphans
    need = np.zeros((len(index), weeks))
    if not rows:
        return need
    demand = np.repeat(np.array([o.daily_use * 7 for o in rows])[:, None], weeks, axis=1)
    for r, row in enumerate(rows):
        if row.icu_region in extra and per_day[row.item] > 0:
            demand[r] += extra[row.icu_region] * per_day[row.item]
    demand *= scenario.use_factor
    own = np.array([max(0.0, o.stock) for o in rows])
    beyond = np.clip(np.cumsum(demand, axis=1) - own[:, None], 0.0, None)
    from_nation = np.diff(beyond, axis=1, prepend=0.0)
    np.add.at(need, np.array([index[o.item] for o in rows]), from_nation)
    return need


def _icu_extra(
    inputs: SupplyInputs, icu: Mapping[str, IcuForecast], weeks: int
) -> dict[str, np.ndarray]:
    today = inputs.icu_inputs.regions if inputs.icu_inputs is not None else {}
    extra = {}
    for region, forecast in icu.items():
        patient_days = np.array(forecast.patient_days_by_week(weeks))
        if inputs.icu_today_in_reported_use:
            census = today[region].census_today if region in today else forecast.census_today
            patient_days = np.clip(patient_days - census * 7, 0.0, None)
        extra[region] = patient_days
    return extra
