"""Share out protective equipment by need: data in, plan out (no Flask, no database)."""

from .compare import PlanMeasures, compare_plans, compare_policies, measure
from .plan import ItemResult, Outcome, Plan, Shipment
from .problem import Item, Line, Organisation, Policy, Problem, ProblemError, Route, Source
from .runner import SolveError
from .solve import scenario, solve, what_if

__all__ = [
    "Item",
    "ItemResult",
    "Line",
    "Organisation",
    "Outcome",
    "Plan",
    "PlanMeasures",
    "Policy",
    "Problem",
    "ProblemError",
    "Route",
    "Shipment",
    "SolveError",
    "Source",
    "compare_plans",
    "compare_policies",
    "measure",
    "scenario",
    "solve",
    "what_if",
]
