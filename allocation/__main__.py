"""Command line: `python -m allocation solve problem.json -o plan.json`,
`python -m allocation compare problem.json [plan_a.json plan_b.json]` and
`python -m allocation transfers problem.json -o proposal.json` (patient transfers).

Exit status 0 on success, 2 on a bad file (nothing is written), 1 when the solver fails."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from .compare import compare_plans, compare_policies, comparison_table
from .highs_handover import silence_highs_banner
from .plan import Plan
from .problem import Problem, ProblemError
from .runner import SolveError
from .solve import solve
from .transfers import TransferProblem, propose, read_problem

BAD_FILE, SOLVER_FAILED = 2, 1


class Progress:
    """A progress line on stderr, shown only once a solve has run for a second."""

    def __init__(self, quiet: bool) -> None:
        self.start = time.perf_counter()
        self.quiet = quiet
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.quiet or time.perf_counter() - self.start < 1.0:
            return
        print(f"\r{message:<60}", end="", file=sys.stderr, flush=True)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "transfers":
        return _transfers(args)
    try:
        problem = Problem.from_dict(_read_json(args.problem))
        plans = {
            name: Plan.from_dict(_read_json(path))
            for name, path in zip(("a", "b"), getattr(args, "plans", []) or [], strict=False)
        }
    except (ProblemError, KeyError, TypeError, ValueError) as err:
        print(f"error: {_describe(err)}", file=sys.stderr)
        return BAD_FILE
    silence_highs_banner()
    try:
        if args.command == "solve":
            return _solve(problem, args)
        return _compare(problem, plans, args)
    except SolveError as err:
        print(f"error: {err}", file=sys.stderr)
        return SOLVER_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m allocation", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("solve", help="allocate by the problem's policy")
    run.add_argument("problem", type=Path)
    run.add_argument("-o", "--output", type=Path, help="plan file (default: stdout)")
    compare = commands.add_parser("compare", help="compare two policies, or two plans")
    compare.add_argument("problem", type=Path)
    compare.add_argument("plans", type=Path, nargs="*", help="two plan files to compare")
    compare.add_argument("-o", "--output", type=Path, help="write the comparison as JSON")
    transfers = commands.add_parser("transfers", help="propose patient transfers")
    transfers.add_argument("problem", type=Path)
    transfers.add_argument("-o", "--output", type=Path, help="proposal file (default: stdout)")
    transfers.add_argument("--time-limit", type=float, help="seconds the solver may take")
    for sub in (run, compare, transfers):
        sub.add_argument("--solver", choices=("highs", "cbc"), help="override the policy")
        sub.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    return parser


def _transfers(args: argparse.Namespace) -> int:
    try:
        problem: TransferProblem = read_problem(_read_json(args.problem))
    except ProblemError as err:
        print(f"error: {err}", file=sys.stderr)
        return BAD_FILE
    if args.solver is not None:
        problem = replace(problem, policy=replace(problem.policy, solver=args.solver))
    silence_highs_banner()
    try:
        proposal = propose(problem, time_limit=args.time_limit)
    except SolveError as err:
        print(f"error: {err}", file=sys.stderr)
        return SOLVER_FAILED
    _write_json(proposal.to_json(), args.output)
    return 0


def _solve(problem: Problem, args: argparse.Namespace) -> int:
    progress = Progress(args.quiet)
    plan = solve(problem, solver=args.solver, progress=progress)
    progress.done()
    _write_json(plan.to_dict(), args.output)
    return 0


def _compare(problem: Problem, plans: dict[str, Plan], args: argparse.Namespace) -> int:
    if len(plans) not in (0, 2):
        print("error: compare takes no plan files or exactly two", file=sys.stderr)
        return BAD_FILE
    measures = (
        compare_plans(problem, plans) if plans else compare_policies(problem, solver=args.solver)[1]
    )
    if args.output is not None:
        _write_json({name: m.to_dict() for name, m in measures.items()}, args.output)
    print(comparison_table(measures))
    return 0


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ProblemError(str(path), f"cannot be read ({err.strerror})") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ProblemError(str(path), f"is not valid JSON (line {err.lineno}: {err.msg})") from err


def _describe(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"plan file: missing field {err}"
    return str(err)


def _write_json(data: Any, path: Path | None) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if path is None:
        sys.stdout.write(text)
        return
    # Write beside the target and rename, so a failure never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


if __name__ == "__main__":
    sys.exit(main())
