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

Solved in two stages: rule 2 first, maximising the patients placed with whole-number weights
(one `immediate` patient worth more than every `today` and `planned` one together, one `today`
more than every `planned` one: the lexicographic optimum exactly), and those numbers held;
then rule 4, the least total hours."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pulp

from ..highs_handover import Columns, LeanHiGHS, MatrixProblem, silence_highs_banner
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
    """The built model and what is needed to extend and read it."""

    prob: MatrixProblem
    arcs: list[Arc]
    flows: Columns | None = None
    stages: list[tuple[str, list[int]]] = field(default_factory=list)  # urgency, arc indexes
    binaries: int = 0
    regions: dict[str, Region] = field(default_factory=dict)
    cushion: float = 0.0
    sender_region: list[str] = field(default_factory=list)
    between: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    open_pairs: set[tuple[str, str]] = field(default_factory=set)  # rule 3 not settled
    pairs: set[tuple[str, str]] = field(default_factory=set)  # those with rows so far
    bounds: _Bounds | None = None
    group_sizes: list[int] = field(default_factory=list)
    column: dict[str, int] = field(default_factory=dict)
    inflow_first: int = 0
    outflow_first: int = 0
    start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # a fair plan
    proven: bool = True  # every stage solved to optimality

    def share(self, code: str) -> tuple[int, list[int], list[float], int]:
        """A region's share after as numerator / denominator: (free before, [inflow,
        outflow], [-1, 1], staffed); a region without staffed places counts as 0 / 1."""
        k = self.column.get(code)
        region = self.regions[code]
        if not region.staffed or k is None:
            return 0, [], [], 1
        return (
            region.free,
            [self.inflow_first + k, self.outflow_first + k],
            [-1.0, 1.0],
            region.staffed,
        )

    def add_pairs(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Rule 3 for these (receiving, sending) region pairs: a binary `pair` that is 1 when R
        receives from S, and then R's share after >= S's share after, multiplied out by
        staffed_R x staffed_S. Added to the built model (columns and rows only added)."""
        pairs = [pair for pair in pairs if pair in self.open_pairs and pair not in self.pairs]
        if not pairs or self.flows is None or self.bounds is None:
            return
        prob, bounds, first = self.prob, self.bounds, self.flows.first
        binaries = prob.add_columns(f"pair{len(self.pairs)}", range(len(pairs)))
        binaries.set_upper([1.0] * len(pairs))
        binaries.make_integer()
        for k, (r, s) in enumerate(pairs):
            self.pairs.add((r, s))
            terms = self.between[(r, s)]
            most = min(
                bounds.in_max[r],
                sum(self.group_sizes[g] for g in {self.arcs[t - first].group for t in terms}),
                bounds.most_fair(r, s, self.cushion),
            )
            prob.add_row(
                [*terms, binaries.first + k],
                "<=",
                0,
                f"pair_link_{len(prob.row_starts)}",
                [1.0] * len(terms) + [-float(most)],
            )
            free_r, ids_r, coef_r, st_r = self.share(r)
            free_s, ids_s, coef_s, st_s = self.share(s)
            # st_s (F_r - in_r + out_r) - st_r (F_s - in_s + out_s) >= -big (1 - pair)
            big = float(st_r * bounds.high(s) - st_s * bounds.low(r))  # > 0: the pair is open
            prob.add_row(
                [*ids_r, *ids_s, binaries.first + k],
                ">=",
                -big - st_s * free_r + st_r * free_s,
                f"fair_{len(prob.row_starts)}",
                [st_s * c for c in coef_r] + [-st_r * c for c in coef_s] + [-big],
            )
        self.binaries += len(pairs)

    def unfair_pairs(self, flows: np.ndarray) -> list[tuple[str, str]]:
        """The open pairs with a move whose receiving region ends below the sender's share."""
        after = {code: region.free for code, region in self.regions.items()}
        moving: set[tuple[str, str]] = set()
        for arc, sender, n in zip(self.arcs, self.sender_region, flows.tolist(), strict=True):
            if n > 0:
                after[sender] += n
                after[arc.unit.region] -= n
                moving.add((arc.unit.region, sender))
        found = []
        for r, s in sorted(moving & self.open_pairs - self.pairs):
            st_r, st_s = self.regions[r].staffed, self.regions[s].staffed
            if after[r] * max(st_s, 1) < (after[s] if st_s else 0) * st_r:
                found.append((r, s))
        return found


def build_model(
    problem: TransferProblem, groups: Sequence[Group], arcs: Sequence[Arc]
) -> TransferModel:
    """The model over `arcs` (those that rule 3 forbids outright are dropped first), with
    rule 3's pairs still to add (`add_pairs`: `solve_model` adds those a solution breaks)."""
    regions = regions_of(problem)
    cushion = problem.policy.cushion
    arcs = _settle_pairs(groups, list(arcs), regions, cushion)
    prob = MatrixProblem("transfers", pulp.LpMinimize)
    model = TransferModel(prob, arcs, regions=regions, cushion=cushion)
    if not arcs:
        return model
    flows = model.flows = prob.add_columns("flow", range(len(arcs)))
    flows.make_integer()
    model.start = np.zeros(len(arcs), np.int64)  # moving nobody keeps every rule
    first = flows.first
    sender_region = model.sender_region = [groups[a.group].unit.region for a in arcs]
    model.group_sizes = [g.size for g in groups]

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
    model.between = dict(between)

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
    model.inflow_first, model.outflow_first = inflow.first, outflow.first
    column = model.column = {name: k for k, name in enumerate(names)}
    for name in names:
        k = column[name]
        for sums, column_id, kind in (
            (into, inflow.first + k, "in"),
            (out_of, outflow.first + k, "out"),
        ):
            terms = sums.get(name, [])
            prob.add_row([*terms, column_id], "==", 0, f"{kind}_{k}", [1.0] * len(terms) + [-1.0])
    bounds = model.bounds = _bounds(groups, arcs, regions)
    model.open_pairs = {pair for pair in between if not bounds.fair_anyway(*pair)}

    # Rule 3, the cushion: a region that receives keeps at least `cushion` of its places free.
    # A region at or above the cushion now needs no binary: receiving nothing keeps the row.
    tight = []
    for r in into:
        if bounds.low(r) >= cushion * regions[r].staffed:
            continue
        free_r, ids_r, coef_r, st = model.share(r)
        if free_r >= cushion * st:
            prob.add_row(
                ids_r, ">=", cushion * st - free_r, f"cushion_{len(prob.row_starts)}", coef_r
            )
        else:
            tight.append(r)
    receives = prob.add_columns("receives", range(len(tight)))
    receives.set_upper([1.0] * len(tight))
    receives.make_integer()
    for k, r in enumerate(tight):
        free_r, ids_r, coef_r, st = model.share(r)
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
    model.binaries = len(tight)
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

    def most_fair(self, r: str, s: str, cushion: float) -> int:
        """The most patients R can take from S and stay at S's share and the cushion:
        st_s (F_r + out_r - f) >= st_r (F_s + f - in_s) and F_r + out_r - f >= cushion st_r."""
        st_r, st_s = self.regions[r].staffed, max(self.regions[s].staffed, 1)
        top = self.high(r)
        fair = (st_s * top - st_r * self.low(s)) // (st_r + st_s)
        return max(0, min(fair, math.floor(top - cushion * st_r + 1e-9)))

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


class StartedHiGHS(LeanHiGHS):
    """LeanHiGHS given a starting solution for the flows (`start`: the first flow's PuLP id
    and the values): each stage starts from the last plan known to keep every rule, which
    HiGHS's heuristics otherwise take long to find once the earlier stages are held."""

    start: tuple[int, np.ndarray] | None = None

    def buildSolverModel(self, lp: pulp.LpProblem) -> None:  # noqa: N802 (PuLP's name)
        super().buildSolverModel(lp)
        if self.start is None or self.column_ids is None:
            return
        first, values = self.start
        where = {
            vid: j for j, vid in enumerate(self.column_ids) if first <= vid < first + len(values)
        }
        columns = np.array(
            [where[first + k] for k in range(len(values)) if first + k in where], np.int32
        )
        chosen = np.array([values[k] for k in range(len(values)) if first + k in where], np.float64)
        solver = lp.solverModel
        if len(columns) and solver is not None:
            solver.setSolution(len(columns), columns, chosen)

    def createAndConfigureSolver(self, lp: pulp.LpProblem) -> None:  # noqa: N802 (PuLP's name)
        super().createAndConfigureSolver(lp)
        solver = lp.solverModel
        if solver is None:
            return
        # These models are small and their root LP bound is weak (rule 3's rows), so HiGHS's
        # sub-MIP heuristics (RINS, RENS, root reduced cost) and restarts after the root
        # spent most of the time without improving on the start plan; without them the
        # same optimum is proven 2-3 times sooner (benchmarks/bench_transfers.py).
        for option in (
            "mip_heuristic_run_rins",
            "mip_heuristic_run_rens",
            "mip_heuristic_run_root_reduced_cost",
            "mip_allow_restart",
        ):
            solver.setOptionValue(option, False)


def make_runner(problem: TransferProblem, time_limit: float | None) -> Runner:
    """A runner for this MIP: HiGHS with presolve (the supply model turns it off for its LPs),
    a relative gap of 1e-6 so counts are exact, and the time limit; CBC as the supply model
    falls back to it."""
    runner = Runner(problem.policy.solver)
    if isinstance(runner.solver, LeanHiGHS):
        _quiet_highs()
        runner.solver = StartedHiGHS(msg=False, mip=True, gapRel=1e-6, timeLimit=time_limit)
    else:
        runner.solver = pulp.COIN_CMD(msg=False, mip=True, gapRel=1e-6, timeLimit=time_limit)
    return runner


_silenced = False


def _quiet_highs() -> None:
    """HiGHS prints its banner on stdout when its first model is made in the process: make
    that one with stdout shut (once), so a caller's stdout (JSON) stays clean."""
    global _silenced
    if not _silenced:
        silence_highs_banner()
        _silenced = True


def solve_model(model: TransferModel, runner: Runner, deadline: float | None) -> np.ndarray:
    """Solve in two stages: rule 2 (the most placed, `immediate` before `today` before
    `planned`, by weights), hold those numbers, then rule 4 (the least total hours); the
    whole number of patients on each arc.

    Rule 3's pairs are added lazily: each stage is solved with the pairs added so far (a
    relaxation: the other pairs are free), and while its solution breaks rule 3 for a pair,
    that pair is added and the stage solved again. A solution of the relaxation that keeps
    every pair is optimal for the whole model, so the answer is exact.

    With a `deadline`, each stage gets an equal share of the time left; a stage that runs out
    keeps the best plan found that keeps rules 1 and 3 (or the last stage's), and
    `model.proven` turns false: rules 2 and 4 are then not proven."""
    prob, flows = model.prob, model.flows
    if flows is None:
        return np.zeros(0, dtype=np.int64)
    first = flows.first
    if model.stages:
        # Rule 2 in one solve: whole-number weights, each urgency's one patient worth more
        # than every less urgent patient together, so the optimum is the lexicographic one.
        sizes = {
            u: sum(model.group_sizes[g] for g in {model.arcs[i].group for i in chosen})
            for u, chosen in model.stages
        }
        weight, weights = 1, dict[str, int]()
        for level in reversed(URGENCIES):
            weights[level] = weight
            weight *= sizes.get(level, 0) + 1
        ids: list[int] = []
        coefficients: list[float] = []
        for urgency, chosen in model.stages:
            ids += [first + i for i in chosen]
            coefficients += [-float(weights[urgency])] * len(chosen)
        gap = getattr(runner.solver, "gapRel", None)
        if gap is not None:
            setattr(runner.solver, "gapRel", 0.0)  # noqa: B010 (counts: exactly)
        # Counting, an air arc to a unit the group also reaches by road is never needed: the
        # road arc places the same patient in the same unit and region without a seat. Those
        # arcs are held at 0 for this stage (a smaller MIP, the same optimum) and freed after.
        road_for = _road_twins(model.arcs)
        held = [flows.handles[i] for i in road_for]
        for var in held:
            var.set_ub(0.0)
        start = model.start.copy()
        for i, j in road_for.items():
            start[j] += start[i]
            start[i] = 0
        model.start = start
        values = _solve_stage(model, runner, _share_of(deadline, 2), ids, coefficients)
        for var in held:
            var.set_ub(math.inf)
        if gap is not None:
            setattr(runner.solver, "gapRel", gap)  # noqa: B010
        for urgency, chosen in model.stages:
            placed = int(np.sum(values[chosen]))
            prob.add_row([first + i for i in chosen], ">=", placed, f"hold_{urgency}")
    hours = [a.hours for a in model.arcs]
    return _solve_stage(model, runner, _share_of(deadline, 1), list(flows.ids), hours)


def _road_twins(arcs: Sequence[Arc]) -> dict[int, int]:
    """Each air arc whose group reaches the same unit by road: air arc index -> road arc's."""
    road = {(a.group, a.unit.code): i for i, a in enumerate(arcs) if not a.mode.is_air}
    return {
        i: road[(a.group, a.unit.code)]
        for i, a in enumerate(arcs)
        if a.mode.is_air and (a.group, a.unit.code) in road
    }


def greedy_start(model: TransferModel, groups: Sequence[Group]) -> np.ndarray:
    """A plan that keeps rules 1 and 3, made greedily: the most urgent groups first, each
    patient along its quickest arc with a place, a seat and fair shares left. HiGHS starts
    from it, and it stands if the time runs out before anything better is found."""
    flows = np.zeros(len(model.arcs), np.int64)
    places: dict[tuple[str, str], int] = {}
    seats: dict[str, int] = {}
    free = {code: region.free for code, region in model.regions.items()}
    pairs: set[tuple[str, str]] = set()
    rank: dict[str, int] = {u: k for k, u in enumerate(URGENCIES)}
    by_group: dict[int, list[int]] = defaultdict(list)
    for i, arc in enumerate(model.arcs):
        by_group[arc.group].append(i)
    for g in sorted(by_group, key=lambda g: (rank[groups[g].urgency], g)):
        group = groups[g]
        options = sorted(by_group[g], key=lambda i: model.arcs[i].hours)
        for _ in range(group.size):
            for i in options:
                arc = model.arcs[i]
                key = (arc.unit.code, group.level)
                if places.setdefault(key, arc.unit.free_of(group.level)) <= 0:
                    continue
                if arc.mode.is_air and seats.setdefault(arc.mode.mode, arc.mode.seats or 0) <= 0:
                    continue
                r, s = arc.unit.region, group.unit.region
                free[r] -= 1
                free[s] += 1
                if _fair(model, free, pairs | {(r, s)}):
                    pairs.add((r, s))
                    flows[i] += 1
                    places[key] -= 1
                    if arc.mode.is_air:
                        seats[arc.mode.mode] -= 1
                    break
                free[r] += 1
                free[s] -= 1
    return flows


def _fair(model: TransferModel, free: dict[str, int], pairs: set[tuple[str, str]]) -> bool:
    for r, s in pairs:
        st_r, st_s = model.regions[r].staffed, model.regions[s].staffed
        if st_r == 0 or free[r] < model.cushion * st_r - 1e-9:
            return False
        if free[r] * max(st_s, 1) < (free[s] if st_s else 0) * st_r:
            return False
    return True


def _share_of(deadline: float | None, stages: int) -> float | None:
    if deadline is None:
        return None
    return time.perf_counter() + max(0.0, deadline - time.perf_counter()) / stages


def _solve_stage(
    model: TransferModel,
    runner: Runner,
    deadline: float | None,
    ids: list[int],
    coefficients: list[float],
) -> np.ndarray:
    assert model.flows is not None
    while True:
        model.prob.set_objective_terms(ids, coefficients)
        if isinstance(runner.solver, StartedHiGHS):
            runner.solver.start = (model.flows.first, model.start.astype(np.float64))
        proven = _run(runner, model.prob, deadline)
        if proven is None:
            model.proven = False
            return model.start
        values = np.rint(model.flows.values()).astype(np.int64)
        unfair = model.unfair_pairs(values)
        if not proven:
            model.proven = False
            if unfair or not _keeps_rows(model, values):
                return model.start
        if not unfair:
            model.start = values
            return values
        model.add_pairs(unfair)


def _keeps_rows(model: TransferModel, values: np.ndarray) -> bool:
    """A plan read after a time-out is used only if it is one (whole, non-negative)."""
    return bool(len(values) == len(model.arcs) and (values >= 0).all())


def _run(runner: Runner, prob: MatrixProblem, deadline: float | None) -> bool | None:
    """Solve `prob`; True when proven optimal, False when the time ran out with a plan in
    hand, None when it ran out with none; SolveError otherwise (as Runner.run)."""
    if deadline is None:
        runner.run(prob)
        return True
    runner.solver.timeLimit = max(0.01, deadline - time.perf_counter())
    start = time.perf_counter()
    try:
        stats = prob.solve(runner.solver)
    except pulp.PulpSolverError as err:
        raise SolveError(f"{runner.name} failed on {prob.name}: {err}") from err
    finally:
        runner.solve_seconds += time.perf_counter() - start
        runner.models += 1
    if stats.status == pulp.LpSolveStatus.Optimal and stats.has_solution:
        return True
    if stats.status == pulp.LpSolveStatus.TimeLimit and stats.has_solution:
        return False
    if stats.status == pulp.LpSolveStatus.TimeLimit:
        # Out of time before any plan: the last plan known to keep the rules stands.
        return None
    raise SolveError(f"{runner.name} could not solve {prob.name}: {stats.status.name}")
