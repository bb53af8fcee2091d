"""Reading problem files: a round trip, and bad files rejected with the field named."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from allocation_builders import line, org, problem_dict

from allocation import Plan, Problem, ProblemError, solve


def good() -> dict[str, Any]:
    data = problem_dict(
        [
            org("0180", FFP2=line(1000, 200, 5000, "critical")),
            org("0181", FFP2=line(9000, 100, 0, may_donate=True)),
        ],
        stock=100000,
        reserve=10000,
        whole_packs=True,
        pack=20,
    )
    data["routes"] = [{"from": "NW-1", "to": "0180", "km": 12.5}, {"from": "NW-1", "to": "0181"}]
    return data


def test_a_problem_survives_a_round_trip_through_its_dict() -> None:
    problem = Problem.from_dict(good())
    assert Problem.from_dict(json.loads(json.dumps(problem.to_dict()))) == problem
    assert problem.organisations[0].lines["FFP2"].days == 5.0


def test_a_plan_survives_a_round_trip_through_its_dict() -> None:
    plan = solve(Problem.from_dict(good()))
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again.shipments == plan.shipments
    assert [o.reason for o in again.outcomes] == [o.reason for o in plan.outcomes]


def test_defaults_fill_in_optional_fields() -> None:
    data = good()
    del data["policy"], data["reserve"], data["routes"]
    del data["organisations"][0]["lines"]["FFP2"]["priority"]
    problem = Problem.from_dict(data)
    assert problem.policy.donor_floor_days == 28
    assert problem.policy.solver == "highs"
    assert problem.organisations[0].lines["FFP2"].priority == "normal"
    assert problem.routes is None


def edit(path: str, value: Any) -> dict[str, Any]:
    """The good problem with the field at a dotted path set (or deleted, for ...)."""
    data = copy.deepcopy(good())
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[int(last) if last.isdigit() else last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


BAD = [
    ("organisations.0.lines.FFP2.on_hand", ..., "organisations[0].lines.FFP2.on_hand: is missing"),
    ("organisations.1.code", ..., "organisations[1].code: is missing"),
    ("items", ..., "items: is missing"),
    (
        "organisations.0.lines.FFP2.on_hand",
        "abc",
        "organisations[0].lines.FFP2.on_hand: must be a whole number >= 0, got 'abc'",
    ),
    (
        "organisations.0.lines.FFP2.daily_use",
        -1,
        "organisations[0].lines.FFP2.daily_use: must be a number >= 0, got -1",
    ),
    (
        "organisations.0.lines.FFP2.daily_use",
        float("nan"),
        "organisations[0].lines.FFP2.daily_use: must be a number >= 0, got nan",
    ),
    (
        "organisations.0.lines.FFP2.requested",
        2.5,
        "organisations[0].lines.FFP2.requested: must be a whole number >= 0, got 2.5",
    ),
    (
        "organisations.0.lines.FFP2.requested",
        True,
        "organisations[0].lines.FFP2.requested: must be a whole number >= 0, got true",
    ),
    ("sources.0.stock.FFP2", -5, "sources[0].stock.FFP2: must be a whole number >= 0, got -5"),
    ("sources.0.stock.FFP2", "100", "sources[0].stock.FFP2: must be a whole number >= 0"),
    ("sources.0.stock", {"FFP3": 1}, "sources[0].stock.FFP3: unknown item code 'FFP3'"),
    ("reserve", {"GLOVE": 1}, "reserve.GLOVE: unknown item code 'GLOVE'"),
    ("organisations.0.lines", {"MASK": {}}, "organisations[0].lines.MASK: unknown item code"),
    (
        "organisations.0.lines.FFP2.priority",
        "urgent",
        "organisations[0].lines.FFP2.priority: must be one of critical, high, normal",
    ),
    (
        "organisations.0.lines.FFP2.may_donate",
        "yes",
        "organisations[0].lines.FFP2.may_donate: must be true or false, got 'yes'",
    ),
    ("organisations.1.code", "0180", "organisations[1].code: duplicate code '0180'"),
    ("items.0.pack_size", 0, "items[0].pack_size: must be a whole number >= 1, got 0"),
    ("organisations.0.lat", 91, "organisations[0].lat: must be a number from -90 to 90"),
    ("routes.0.from", "NW-9", "routes[0].from: unknown source code 'NW-9'"),
    ("routes.1.to", "9999", "routes[1].to: unknown organisation code '9999'"),
    ("policy.name", "fair", "policy.name: must be one of needs, population"),
    ("policy.solver", "gurobi", "policy.solver: must be one of highs, cbc"),
    ("items", [], "items: must list at least one item"),
    ("organisations", [], "organisations: must list at least one organisation"),
    ("organisations", {}, "organisations: must be a list, got an object"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD, ids=[b[2][:50] for b in BAD])
def test_a_bad_file_is_rejected_naming_the_field(path: str, value: Any, message: str) -> None:
    with pytest.raises(ProblemError) as caught:
        Problem.from_dict(edit(path, value))
    assert str(caught.value).startswith(message)


def test_duplicate_item_and_source_codes_are_rejected() -> None:
    data = good()
    data["items"].append({"code": "FFP2"})
    with pytest.raises(ProblemError, match=r"items\[1\]\.code: duplicate code 'FFP2'"):
        Problem.from_dict(data)
    data = good()
    data["sources"].append(dict(data["sources"][0]))
    with pytest.raises(ProblemError, match=r"sources\[1\]\.code: duplicate code 'NW-1'"):
        Problem.from_dict(data)


@pytest.mark.parametrize("data", [None, [], "problem", 3])
def test_something_other_than_an_object_is_no_problem(data: Any) -> None:
    with pytest.raises(ProblemError, match="problem: must be an object"):
        Problem.from_dict(data)
