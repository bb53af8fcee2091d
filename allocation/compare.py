"""Compare plans on the same problem: lowest days after, recipients below 7 and 14 days,
unmet requests and units x kilometres."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from .plan import Plan
from .problem import Problem, SolverName
from .solve import solve

THRESHOLDS = (7, 14)


@dataclass(frozen=True)
class PlanMeasures:
    """The figures the plan page and the CLI show side by side."""

    lowest_days_after: float | None
    below_7_days: int
    below_14_days: int
    unmet: int
    allocated: int
    redistributed: int
    unit_km: float

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if self.lowest_days_after is not None:
            out["lowest_days_after"] = round(self.lowest_days_after, 2)
        out["unit_km"] = round(self.unit_km, 1)
        return out


def measure(problem: Problem, plan: Plan) -> PlanMeasures:
    """Figures for one plan, recomputed from the problem and the plan's shipments."""
    received: dict[tuple[str, str], int] = {}
    given: dict[tuple[str, str], int] = {}
    for s in plan.shipments:
        received[s.organisation, s.item] = received.get((s.organisation, s.item), 0) + s.quantity
        if s.kind == "redistribution":
            given[s.source, s.item] = given.get((s.source, s.item), 0) + s.quantity
    days: list[float] = []
    unmet = 0
    for org in problem.organisations:
        for item, line in org.lines.items():
            got = received.get((org.code, item), 0)
            if line.requested > 0:
                unmet += max(0, line.requested - got)
                if line.daily_use > 0:
                    days.append(
                        (line.on_hand + got - given.get((org.code, item), 0)) / line.daily_use
                    )
    return PlanMeasures(
        lowest_days_after=min(days) if days else None,
        below_7_days=sum(d < THRESHOLDS[0] for d in days),
        below_14_days=sum(d < THRESHOLDS[1] for d in days),
        unmet=unmet,
        allocated=sum(s.quantity for s in plan.shipments if s.kind == "distribution"),
        redistributed=sum(s.quantity for s in plan.shipments if s.kind == "redistribution"),
        unit_km=sum(s.quantity * s.km for s in plan.shipments),
    )


def compare_plans(problem: Problem, plans: dict[str, Plan]) -> dict[str, PlanMeasures]:
    """Measures for each named plan of the same problem."""
    return {name: measure(problem, plan) for name, plan in plans.items()}


def compare_policies(
    problem: Problem, solver: SolverName | None = None
) -> tuple[dict[str, Plan], dict[str, PlanMeasures]]:
    """Solve the problem by the needs policy and by the population key, and measure both."""
    plans = {
        name: solve(replace(problem, policy=replace(problem.policy, name=name)), solver=solver)
        for name in ("needs", "population")
    }
    return plans, compare_plans(problem, plans)


def comparison_table(measures: dict[str, PlanMeasures]) -> str:
    """A plain-text table of the measures, one column per plan."""
    names = list(measures)
    rows = [
        ("lowest days after", [_days(m.lowest_days_after) for m in measures.values()]),
        ("recipients below 7 days", [str(m.below_7_days) for m in measures.values()]),
        ("recipients below 14 days", [str(m.below_14_days) for m in measures.values()]),
        ("unmet requests (units)", [f"{m.unmet:,}" for m in measures.values()]),
        ("allocated (units)", [f"{m.allocated:,}" for m in measures.values()]),
        ("redistributed (units)", [f"{m.redistributed:,}" for m in measures.values()]),
        ("units x km", [f"{m.unit_km:,.0f}" for m in measures.values()]),
    ]
    width = max(len(label) for label, _ in rows)
    cols = [max(len(n), *(len(v[i]) for _, v in rows)) for i, n in enumerate(names)]
    lines = [" " * width + "".join(f"  {n:>{w}}" for n, w in zip(names, cols, strict=True))]
    for label, values in rows:
        cells = "".join(f"  {v:>{w}}" for v, w in zip(values, cols, strict=True))
        lines.append(f"{label:<{width}}{cells}")
    return "\n".join(lines)


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
