"""Make a proposal: group the patients, make the arcs in range, build and solve the model rule
by rule, hand the cases out to the flows, and give every patient its reason."""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np

from .explain import explain_move, explain_unplaced, plan_state
from .geo import Arc, Group, arcs_of, groups_of
from .model import build_model, make_runner, regions_of, solve_model
from .problem import TransferProblem
from .proposal import Move, NordicCandidate, RegionShares, TransferProposal, Unplaced


def propose(problem: TransferProblem, *, time_limit: float | None = None) -> TransferProposal:
    """Propose moves for the patients of `problem` that keep rules 1-5 of `transfer-model.md`;
    raise SolveError if the solver fails (or runs past `time_limit` seconds, if given)."""
    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit
    runner = make_runner(problem, time_limit)
    groups = runner.build(lambda: groups_of(problem))
    arcs = runner.build(lambda: arcs_of(problem, groups))
    model = runner.build(lambda: build_model(problem, groups, arcs))
    flows = solve_model(model, runner, deadline)
    moves = _hand_out(groups, model.arcs, flows)

    levels = {p.case: p.level for p in problem.patients}
    state = plan_state(problem, moves, levels)
    cushion = problem.policy.cushion
    arcs_by_group: dict[int, list[Arc]] = defaultdict(list)
    for arc in arcs:
        arcs_by_group[arc.group].append(arc)
    group_of = {case: g for g in groups for case in g.cases}
    moves = [
        explain_move(m, group_of[m.case], arcs_by_group[group_of[m.case].index], state, cushion)
        for m in moves
    ]
    national_before, national_after = _national(problem, state.regions)
    signal = national_before < problem.policy.nordic_signal
    moved = {m.case for m in moves}
    unplaced: list[Unplaced] = []
    for patient in problem.patients:
        if patient.case in moved:
            continue
        group = group_of.get(patient.case)
        unplaced.append(
            explain_unplaced(
                patient,
                group,
                arcs_by_group[group.index] if group else [],
                state,
                cushion,
                nordic=signal and group is not None,
            )
        )
    regions = regions_of(problem)
    shares = {
        code: RegionShares(
            region.share, state.regions[code][1] / region.staffed if region.staffed else 0.0
        )
        for code, region in regions.items()
    }
    return TransferProposal(
        status="optimal",
        solver=runner.name,
        seconds=time.perf_counter() - start,
        build_seconds=runner.build_seconds,
        solve_seconds=runner.solve_seconds,
        moves=moves,
        unplaced=unplaced,
        regions=shares,
        nordic_candidates=[
            NordicCandidate(u.case, u.level, u.age_group, u.urgency)
            for u in unplaced
            if u.nordic_candidate
        ],
        national_free_share_before=national_before,
        national_free_share_after=national_after,
        solver_version=runner.version,
    )


def _hand_out(groups: list[Group], arcs: list[Arc], flows: np.ndarray) -> list[Move]:
    """Each group's cases, in the file's order, to its flows, quickest first."""
    used: dict[int, list[tuple[Arc, int]]] = defaultdict(list)
    for arc, n in zip(arcs, flows.tolist(), strict=True):
        if n > 0:
            used[arc.group].append((arc, n))
    moves: list[Move] = []
    for g, flows_of in sorted(used.items()):
        cases = iter(groups[g].cases)
        for arc, n in sorted(flows_of, key=lambda f: (f[0].hours, f[0].unit.code)):
            for _ in range(n):
                moves.append(
                    Move(
                        next(cases),
                        groups[g].unit.code,
                        arc.unit.code,
                        arc.mode.mode,
                        arc.km,
                        arc.hours,
                    )
                )
    return moves


def _national(problem: TransferProblem, after: dict[str, tuple[int, int]]) -> tuple[float, float]:
    """The national free share before and after, over the problem's own country's units."""
    home = [u for u in problem.units if not problem.is_cross_border(u)]
    staffed = sum(u.staffed for u in home)
    if staffed == 0:
        return 0.0, 0.0
    before = sum(u.staffed - u.occupied for u in home)
    regions = {u.region for u in home}
    # A region is the problem's own when its units are (regions do not straddle a border).
    free_after = sum(after[r][1] for r in regions)
    return before / staffed, free_after / staffed
