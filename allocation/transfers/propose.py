"""Make a proposal: candidate moves, the model solved rule by rule, reasons for every patient."""

from __future__ import annotations

from .problem import TransferProblem
from .proposal import TransferProposal


def propose(problem: TransferProblem, *, time_limit: float | None = None) -> TransferProposal:
    """Propose moves for the patients of `problem` that keep rules 1-5 of `transfer-model.md`;
    raise SolveError if the solver fails (or runs past `time_limit` seconds, if given)."""
    raise NotImplementedError
