"""The PuLP model: whole numbers of each group's patients along each arc, solved rule by rule.

Variables (a `MatrixProblem`, handed to HiGHS as arrays):
- `flow[a]`, integer: patients of arc a's group moved to its unit by its mode;
- `inflow[R]`, `outflow[R]`: patients region R receives and sends (sums of flows);
- `pair[R,S]`, binary: R receives from S (only for pairs whose rule 3 is not settled before
  solving); `receives[R]`, binary: R receives at all (only where the cushion could bind).

Rows: a group moves at most its size; a unit receives at most its free places of each level
(rule 1); an air mode carries at most patients per trip x trips (rule 1); a region with a
move from S ends with a free share at least S's (rule 3), and at least the cushion (rule 3).
Shares are compared multiplied out (staffed places are constants), so the rows are in whole
numbers and a tolerance can never let a share fall short by a fraction.

Pairs settled before solving: a region whose lowest possible share after is at least the
highest possible share of a sender needs no row for that pair; one whose highest possible
share is below the sender's lowest (or below the cushion) cannot receive from it, and those
arcs are dropped.

Solved lexicographically (rule 2, then rule 4): maximise the `immediate` patients placed and
hold that number, then `today`, then `planned`, then minimise the total hours."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pulp

from ..highs_handover import Columns, LeanHiGHS, MatrixProblem
from ..runner import Runner, SolveError
from .geo import Arc, Group
from .problem import URGENCIES, TransferProblem


@dataclass(frozen=True)
class Region:
    """A region's staffed places and free places (staffed - occupied) before any move."""

    code: str
    staffed: int
    free: int

    @property
    def share(self) -> float:
        return self.free / self.staffed if self.staffed else 0.0


def regions_of(problem: TransferProblem) -> dict[str, Region]:
    """Every region of the problem's units, staffed and free places summed over its units."""
    staffed: dict[str, int] = defaultdict(int)
    free: dict[str, int] = defaultdict(int)
    for unit in problem.units:
        staffed[unit.region] += unit.staffed
        free[unit.region] += unit.staffed - unit.occupied
    return {code: Region(code, staffed[code], free[code]) for code in staffed}


@dataclass
class TransferModel:
    """The built model and what is needed to read it."""

    prob: MatrixProblem
    arcs: list[Arc]
    flows: Columns | None
    stages: list[tuple[str, list[int]]] = field(default_factory=list)  # urgency, arc indexes
    binaries: int = 0


def build_model(
    problem: TransferProblem, groups: Sequence[Group], arcs: Sequence[Arc]
) -> TransferModel:
    """The model over `arcs` (those that rule 3 forbids outright are dropped first)."""
    regions = regions_of(problem)
    cushion = problem.policy.cushion
    arcs = _settle_pairs(groups, list(arcs), regions, cushion)
    prob = MatrixProblem("transfers", pulp.LpMinimize)
    model = TransferModel(prob, arcs, None)
    if not arcs:
        return model
    flows = model.flows = prob.add_columns("flow", range(len(arcs)))
    flows.make_integer()
    first = flows.first
    sender_region = [groups[a.group].unit.region for a in arcs]

    by_group: dict[int, list[int]] = defaultdict(list)
    by_place: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_mode: dict[str, list[int]] = defaultdict(list)
    into: dict[str, list[int]] = defaultdict(list)
    out_of: dict[str, list[int]] = defaultdict(list)
    between: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, arc in enumerate(arcs):
        group = groups[arc.group]
        by_group[arc.group].append(first + i)
        by_place[(arc.unit.code, group.level)].append(first + i)
        if arc.mode.is_air:
            by_mode[arc.mode.mode].append(first + i)
        into[arc.unit.region].append(first + i)
        out_of[sender_region[i]].append(first + i)
        between[(arc.unit.region, sender_region[i])].append(first + i)

    for g, terms in by_group.items():
        prob.add_row(terms, "<=", groups[g].size, f"group_{g}")
    units = {arc.unit.code: arc.unit for arc in arcs}
    for (code, level), terms in by_place.items():
        prob.add_row(terms, "<=", units[code].free_of(level), f"places_{len(prob.row_starts)}")
    seats = {m.mode: m.seats or 0 for m in problem.modes}
    for mode, terms in by_mode.items():
        prob.add_row(terms, "<=", seats[mode], f"seats_{mode}")

    names = sorted(set(into) | set(out_of))
    inflow = prob.add_columns("inflow", range(len(names)))
    outflow = prob.add_columns("outflow", range(len(names)))
    column = {name: k for k, name in enumerate(names)}
    for name in names:
        k = column[name]
        for sums, column_id, kind in (
            (into, inflow.first + k, "in"),
            (out_of, outflow.first + k, "out"),
        ):
            terms = sums.get(name, [])
            prob.add_row([*terms, column_id], "==", 0, f"{kind}_{k}", [1.0] * len(terms) + [-1.0])
    bounds = _bounds(groups, arcs, regions)

    def share(code: str) -> tuple[int, list[int], list[float], int]:
        """A region's share after as numerator / denominator: (free before, [inflow,
        outflow], [-1, 1], staffed); a region without staffed places counts as 0 / 1."""
        k = column.get(code)
        if not regions[code].staffed or k is None:
            return 0, [], [], 1
        return (
            regions[code].free,
            [inflow.first + k, outflow.first + k],
            [-1.0, 1.0],
            regions[code].staffed,
        )

    # Rule 3, each pair whose fairness is not settled: R receives from S => R's share after
    # >= S's share after, multiplied out by staffed_R x staffed_S.
    open_pairs = [pair for pair in between if not bounds.fair_anyway(*pair)]
    pairs = prob.add_columns("pair", range(len(open_pairs)))
    pairs.set_upper([1.0] * len(open_pairs))
    pairs.make_integer()
    for k, (r, s) in enumerate(open_pairs):
        terms = between[(r, s)]
        most = min(
            bounds.in_max[r], sum(groups[g].size for g in {arcs[t - first].group for t in terms})
        )
        prob.add_row(
            [*terms, pairs.first + k],
            "<=",
            0,
            f"pair_link_{k}",
            [1.0] * len(terms) + [-float(most)],
        )
        free_r, ids_r, coef_r, st_r = share(r)
        free_s, ids_s, coef_s, st_s = share(s)
        # st_s (F_r - in_r + out_r) - st_r (F_s - in_s + out_s) >= -big (1 - pair)
        big = float(st_r * bounds.high(s) - st_s * bounds.low(r))  # > 0: the pair is open
        prob.add_row(
            [*ids_r, *ids_s, pairs.first + k],
            ">=",
            -big - st_s * free_r + st_r * free_s,
            f"fair_{k}",
            [st_s * c for c in coef_r] + [-st_r * c for c in coef_s] + [-big],
        )
    # Rule 3, the cushion: a region that receives keeps at least `cushion` of its places free.
    tight = [r for r in into if bounds.low(r) < cushion * regions[r].staffed]
    receives = prob.add_columns("receives", range(len(tight)))
    receives.set_upper([1.0] * len(tight))
    receives.make_integer()
    for k, r in enumerate(tight):
        free_r, ids_r, coef_r, st = share(r)
        short = cushion * st - bounds.low(r)
        prob.add_row(
            [inflow.first + column[r], receives.first + k],
            "<=",
            0,
            f"receives_link_{k}",
            [1.0, -float(bounds.in_max[r])],
        )
        # F_r - in_r + out_r >= cushion st - short (1 - receives)
        prob.add_row(
            [*ids_r, receives.first + k],
            ">=",
            cushion * st - short - free_r,
            f"cushion_{k}",
            [*coef_r, -short],
        )
    model.binaries = len(open_pairs) + len(tight)
    for urgency in URGENCIES:
        chosen = [i for i, arc in enumerate(arcs) if groups[arc.group].urgency == urgency]
        if chosen:
            model.stages.append((urgency, chosen))
    return model


@dataclass
class _Bounds:
    """Per region, over a set of arcs: the most patients it could receive and send, and so
    the lowest and highest free places it could end with (`low`, `high`, whole numbers; the
    share is that / staffed)."""

    regions: dict[str, Region]
    in_max: dict[str, int]
    out_max: dict[str, int]

    def low(self, code: str) -> int:
        if not self.regions[code].staffed:
            return 0  # a share of 0 / 1, whatever moves
        return self.regions[code].free - self.in_max.get(code, 0)

    def high(self, code: str) -> int:
        if not self.regions[code].staffed:
            return 0
        return self.regions[code].free + self.out_max.get(code, 0)

    def fair_anyway(self, r: str, s: str) -> bool:
        """R's lowest share after is at least S's highest: rule 3 holds for the pair."""
        st_r, st_s = self.regions[r].staffed, self.regions[s].staffed
        return self.low(r) * max(st_s, 1) >= self.high(s) * st_r

    def never_fair(self, r: str, s: str, cushion: float) -> bool:
        """R cannot receive from S whatever the plan: no staffed places, below the cushion
        even sending all it could, or below S's lowest share even so."""
        st_r, st_s = self.regions[r].staffed, self.regions[s].staffed
        if st_r == 0 or self.high(r) < cushion * st_r:
            return True
        return self.high(r) * max(st_s, 1) < self.low(s) * st_r


def _bounds(groups: Sequence[Group], arcs: Sequence[Arc], regions: dict[str, Region]) -> _Bounds:
    places: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    senders: dict[str, set[int]] = defaultdict(set)
    receivers: dict[str, set[int]] = defaultdict(set)
    for arc in arcs:
        group = groups[arc.group]
        places[arc.unit.region][(arc.unit.code, group.level)] = arc.unit.free_of(group.level)
        senders[group.unit.region].add(arc.group)
        receivers[arc.unit.region].add(arc.group)
    in_max: dict[str, int] = {}
    for code in places:
        free: dict[str, int] = defaultdict(int)
        wanting: dict[str, int] = defaultdict(int)
        for (_, level), count in places[code].items():
            free[level] += count
        for g in receivers[code]:
            wanting[groups[g].level] += groups[g].size
        in_max[code] = sum(min(n, wanting[level]) for level, n in free.items())
    out_max = {code: sum(groups[g].size for g in gs) for code, gs in senders.items()}
    return _Bounds(regions, in_max, out_max)


def _settle_pairs(
    groups: Sequence[Group], arcs: list[Arc], regions: dict[str, Region], cushion: float
) -> list[Arc]:
    """Drop the arcs rule 3 forbids whatever the plan (see `_Bounds.never_fair`)."""
    bounds = _bounds(groups, arcs, regions)
    return [
        arc
        for arc in arcs
        if not bounds.never_fair(arc.unit.region, groups[arc.group].unit.region, cushion)
    ]


def make_runner(problem: TransferProblem, time_limit: float | None) -> Runner:
    """A runner for this MIP: HiGHS with presolve (the supply model turns it off for its LPs),
    a relative gap of 1e-6 so counts are exact, and the time limit; CBC as the supply model
    falls back to it."""
    runner = Runner(problem.policy.solver)
    if isinstance(runner.solver, LeanHiGHS):
        runner.solver = LeanHiGHS(msg=False, mip=True, gapRel=1e-6, timeLimit=time_limit)
    else:
        runner.solver = pulp.COIN_CMD(msg=False, mip=True, gapRel=1e-6, timeLimit=time_limit)
    return runner


def solve_model(model: TransferModel, runner: Runner, deadline: float | None) -> np.ndarray:
    """Solve stage by stage; the whole number of patients on each arc."""
    prob, flows = model.prob, model.flows
    if flows is None:
        return np.zeros(0, dtype=np.int64)
    first = flows.first
    for urgency, chosen in model.stages:
        ids = [first + i for i in chosen]
        prob.set_objective_terms(ids, [-1.0] * len(ids))
        _run(runner, prob, deadline)
        placed = round(float(np.sum(flows.values()[chosen])))
        prob.add_row(ids, ">=", placed, f"hold_{urgency}")
    prob.set_objective_terms(list(flows.ids), [arc.hours for arc in model.arcs])
    _run(runner, prob, deadline)
    return np.rint(flows.values()).astype(np.int64)


def _run(runner: Runner, prob: MatrixProblem, deadline: float | None) -> None:
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise SolveError(f"{runner.name} ran out of time on {prob.name}")
        runner.solver.timeLimit = left
    runner.run(prob)
