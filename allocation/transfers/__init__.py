"""Propose patient transfers between regions' intensive-care units: data in, proposal out
(no Flask, no database). The rules are in `transfer-model.md`; the formats in
allocation/README.md."""

from ..runner import SolveError
from .check import check_plan
from .identity import looks_like_personal_number
from .problem import (
    AGE_GROUPS,
    LEVELS,
    URGENCIES,
    Mode,
    Patient,
    Policy,
    ProblemError,
    TransferProblem,
    Unit,
    problem_to_json,
    read_problem,
)
from .proposal import (
    Move,
    NordicCandidate,
    RegionShares,
    TransferProposal,
    Unplaced,
    Violation,
)
from .propose import propose

__all__ = [
    "AGE_GROUPS",
    "LEVELS",
    "URGENCIES",
    "Mode",
    "Move",
    "NordicCandidate",
    "Patient",
    "Policy",
    "ProblemError",
    "RegionShares",
    "SolveError",
    "TransferProblem",
    "TransferProposal",
    "Unit",
    "Unplaced",
    "Violation",
    "check_plan",
    "looks_like_personal_number",
    "problem_to_json",
    "propose",
    "read_problem",
]
