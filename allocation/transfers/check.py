"""Check a given set of moves against rule 1 (feasible) and rule 3 (fair to the helper): the
app re-checks a coordinator's edited proposal with it."""

from __future__ import annotations

from collections.abc import Iterable

from .problem import TransferProblem
from .proposal import Move, Violation


def check_plan(problem: TransferProblem, moves: Iterable[Move]) -> list[Violation]:
    """Every way `moves` break rule 1 or rule 3 of `problem` (an empty list: none), each
    naming the case (empty for the plan as a whole), the rule and why in plain English."""
    raise NotImplementedError
