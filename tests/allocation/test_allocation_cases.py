"""Hand-made problems with answers worked out on paper."""

from __future__ import annotations

from typing import Any

import pytest
from allocation_builders import line, org, problem_dict
from allocation_rules import check_all_rules, given, received

from allocation import Plan, Problem, solve, what_if
from allocation.check import check_shipments
from allocation.compare import compare_policies, measure


def run(data: dict[str, Any], **kwargs: Any) -> tuple[Problem, Plan]:
    problem = Problem.from_dict(data)
    plan = solve(problem, **kwargs)
    check_all_rules(problem, plan)
    return problem, plan


def outcome(plan: Plan, code: str, item: str = "FFP2") -> Any:
    return next(o for o in plan.outcomes if o.organisation == code and o.item == item)


def three_recipients(stock: int, **policy: Any) -> dict[str, Any]:
    """Use 10 a day each, holding 0, 5 and 10 days, each asking for 1,000."""
    return problem_dict(
        [
            org("A", FFP2=line(0, 10, 1000)),
            org("B", FFP2=line(50, 10, 1000)),
            org("C", FFP2=line(100, 10, 1000)),
        ],
        stock=stock,
        **policy,
    )


def test_ample_stock_fills_every_request_in_full() -> None:
    _, plan = run(three_recipients(10_000))
    assert [o.allocated for o in plan.outcomes] == [1000, 1000, 1000]
    assert {o.reason for o in plan.outcomes} == {"filled in full"}
    assert plan.items["FFP2"].unmet == 0
    assert plan.items["FFP2"].level_days is None
    assert plan.status == "optimal" and plan.solver == "HiGHS"


def test_scarce_stock_raises_everyone_to_the_water_level() -> None:
    # 900 units: A, B, C reach z with 10z + 10z-50 + 10z-100 = 900, so z = 35 days.
    _, plan = run(three_recipients(900))
    assert [o.allocated for o in plan.outcomes] == [350, 300, 250]
    assert [o.days_after for o in plan.outcomes] == [35, 35, 35]
    assert plan.items["FFP2"].level_days == pytest.approx(35)
    assert outcome(plan, "A").reason == (
        "raised to 35.0 days, the national level for FFP2 respirators: stock ran out"
    )
    # one more unit lifts the level by 1/30 day, 1,000 more by 1000/30 days
    assert plan.items["FFP2"].one_more_pack_days == pytest.approx(1 / 30)
    assert plan.items["FFP2"].thousand_more_days == pytest.approx(1000 / 30)


def test_a_recipient_above_the_water_level_gets_nothing_and_is_told_why() -> None:
    # 100 units: only A (0 days) and B (5 days) are below the level of 7.5 days.
    _, plan = run(three_recipients(100))
    assert [o.allocated for o in plan.outcomes] == [75, 25, 0]
    assert outcome(plan, "C").reason.startswith("already holds 10.0 days, at or above")


def test_the_reserve_is_never_touched() -> None:
    _, plan = run(three_recipients(1000, reserve=100))
    assert plan.items["FFP2"].available == 900
    assert sum(o.allocated for o in plan.outcomes) == 900


def test_critical_requests_are_served_before_normal_ones() -> None:
    data = problem_dict(
        [
            org("CRIT", FFP2=line(500, 10, 300, "critical")),
            org("NORM", FFP2=line(0, 10, 300, "normal")),
        ],
        stock=400,
    )
    _, plan = run(data)
    assert outcome(plan, "CRIT").allocated == 300
    assert outcome(plan, "NORM").allocated == 100
    data = problem_dict(
        [
            org("CRIT", FFP2=line(500, 10, 300, "critical")),
            org("HIGH", FFP2=line(0, 10, 300, "high")),
            org("NORM", FFP2=line(0, 10, 300, "normal")),
        ],
        stock=400,
    )
    _, plan = run(data)
    assert [outcome(plan, c).allocated for c in ("CRIT", "HIGH", "NORM")] == [300, 100, 0]
    assert outcome(plan, "NORM").reason == (
        "nothing left: FFP2 respirators ran out on high requests, which are served first"
    )


def test_lines_without_daily_use_are_served_after_those_with_known_use() -> None:
    data = problem_dict(
        [
            org("KNOWN", FFP2=line(0, 10, 200)),
            org("ZERO1", FFP2=line(0, 0, 100)),
            org("ZERO2", FFP2=line(0, 0, 300)),
        ],
        stock=400,
    )
    _, plan = run(data)
    # KNOWN is filled first; the other 200 go to the two by equal share of request (50%)
    assert [outcome(plan, c).allocated for c in ("KNOWN", "ZERO1", "ZERO2")] == [200, 50, 150]
    assert outcome(plan, "ZERO1").days_after is None
    assert "no known daily use" in outcome(plan, "ZERO1").reason


def test_a_donor_must_give_when_national_stock_runs_out() -> None:
    # No national stock; the donor holds 100 days, keeps 28 and the receiver reaches 28.
    data = problem_dict(
        [
            org("NEEDY", FFP2=line(0, 10, 500)),
            org("RICH", lat=59.5, FFP2=line(1000, 10, 0, may_donate=True)),
        ]
    )
    _, plan = run(data)
    assert outcome(plan, "NEEDY").allocated == 280
    assert outcome(plan, "NEEDY").from_surplus == 280
    assert outcome(plan, "RICH").given == 280
    assert outcome(plan, "RICH").reason == "gave 280 and keeps 72 days"
    assert plan.shipments[0].kind == "redistribution"
    assert plan.items["FFP2"].redistributed == 280


def test_a_donor_below_the_floor_must_not_give() -> None:
    data = problem_dict(
        [org("NEEDY", FFP2=line(0, 10, 500)), org("THIN", FFP2=line(250, 10, 0, may_donate=True))]
    )
    _, plan = run(data)
    assert plan.shipments == ()
    assert outcome(plan, "NEEDY").allocated == 0


def test_no_redistribution_while_national_stock_suffices_or_when_turned_off() -> None:
    orgs = [
        org("NEEDY", FFP2=line(0, 10, 500)),
        org("RICH", FFP2=line(1000, 10, 0, may_donate=True)),
    ]
    _, plan = run(problem_dict(orgs, stock=500))
    assert all(s.kind == "distribution" for s in plan.shipments)
    _, plan = run(problem_dict(orgs, stock=100, redistribute=False))
    assert given(plan) == {}
    assert outcome(plan, "NEEDY").allocated == 100


def test_surplus_tops_up_after_national_stock_and_only_to_the_floor() -> None:
    data = problem_dict(
        [
            org("NEEDY", FFP2=line(0, 10, 1000)),
            org("RICH", FFP2=line(2000, 10, 0, may_donate=True)),
            org("ASKS", FFP2=line(5000, 10, 100, may_donate=True)),
        ],
        stock=100,
    )
    _, plan = run(data)
    # national 100 to NEEDY (lowest); RICH tops NEEDY up to 28 days; ASKS requests: no donor
    assert outcome(plan, "NEEDY").allocated == 280
    assert outcome(plan, "RICH").given == 180
    assert received(plan)["ASKS", "FFP2"] == 0
    assert not any(s.source == "ASKS" for s in plan.shipments)


def test_whole_packs_ship_only_whole_packs_within_one_pack_of_the_fair_share() -> None:
    data = three_recipients(900, whole_packs=True)
    data["items"][0]["pack_size"] = 40
    _, plan = run(data)
    fair = [350, 300, 250]
    for o, share in zip(plan.outcomes, fair, strict=True):
        assert o.allocated % 40 == 0 and abs(o.allocated - share) < 40
    assert sum(o.allocated for o in plan.outcomes) == 880  # 22 whole packs of 900 units


def test_a_request_below_one_pack_counts_as_one_pack() -> None:
    # Rule 1 (changed): with whole packs a request is rounded UP to whole packs.
    data = problem_dict([org("A", FFP2=line(0, 10, 15))], stock=1000, whole_packs=True, pack=20)
    _, plan = run(data)
    assert outcome(plan, "A").allocated == 20
    assert outcome(plan, "A").reason == "filled in full (rounded up to whole packs)"


def test_valdemarsvik_at_zero_days_gets_its_16_respirators_as_one_pack() -> None:
    data = problem_dict(
        [
            org("0563", FFP2=line(0, 4, 16, priority="critical")),
            org("0580", FFP2=line(50_000, 2000, 100_000)),
        ],
        stock=3_000_000,
        whole_packs=True,
        pack=50,
    )
    problem, plan = run(data)
    assert outcome(plan, "0563").allocated == 50
    assert outcome(plan, "0580").allocated == 100_000
    assert check_shipments(problem, plan.shipments) == []


def test_one_pack_split_over_two_warehouses_is_no_national_stock_to_the_check() -> None:
    # 9 + 1 units with packs of 10: no warehouse can ship a whole pack, so the model
    # redistributes; the check must agree with it and not cite rule 4 (national first).
    data = problem_dict(
        [
            org("NEEDY", FFP2=line(0, 10, 200)),
            org("RICH", lat=59.4, FFP2=line(1000, 10, 0, may_donate=True)),
        ],
        stock={"NW-1": 9, "NW-2": 1},
        whole_packs=True,
        pack=10,
    )
    problem, plan = run(data)
    assert outcome(plan, "NEEDY").allocated == 200
    assert all(s.kind == "redistribution" for s in plan.shipments)
    assert check_shipments(problem, plan.shipments) == []


def test_unreachable_and_empty_sources_give_nothing() -> None:
    data = problem_dict(
        [org("NEAR", FFP2=line(0, 10, 100)), org("FAR", FFP2=line(0, 10, 100))],
        stock={"NW-1": 1000, "EMPTY": 0},
    )
    data["routes"] = [{"from": "NW-1", "to": "NEAR"}, {"from": "EMPTY", "to": "FAR"}]
    _, plan = run(data)
    assert outcome(plan, "NEAR").allocated == 100
    assert outcome(plan, "FAR").allocated == 0
    assert outcome(plan, "FAR").reason == "no warehouse with stock of this item can deliver here"


def test_routes_make_the_fill_an_lp_with_the_same_answer() -> None:
    data = three_recipients(900)
    data["routes"] = [{"from": "NW-1", "to": code} for code in "ABC"]
    _, plan = run(data)
    assert [o.allocated for o in plan.outcomes] == [350, 300, 250]


def test_a_road_distance_from_the_routes_table_is_used() -> None:
    data = three_recipients(900)
    data["routes"] = [{"from": "NW-1", "to": code, "km": 100.0} for code in "ABC"]
    _, plan = run(data)
    assert {s.km for s in plan.shipments} == {100.0}
    assert measure(Problem.from_dict(data), plan).unit_km == 900 * 100


def test_each_recipient_is_served_from_the_nearest_warehouse() -> None:
    data = problem_dict(
        [
            org("SOUTH", lat=55.6, lon=13.0, FFP2=line(0, 10, 100)),
            org("NORTH", lat=65.6, lon=22.1, FFP2=line(0, 10, 100)),
        ],
        stock={"W-MALMO": 1000, "W-LULEA": 1000},
    )
    data["sources"][0].update(lat=55.6, lon=13.0)
    data["sources"][1].update(lat=65.6, lon=22.1)
    _, plan = run(data)
    assert {(s.source, s.organisation) for s in plan.shipments} == {
        ("W-MALMO", "SOUTH"),
        ("W-LULEA", "NORTH"),
    }


def test_an_item_nobody_asked_for_is_left_alone() -> None:
    data = three_recipients(900)
    data["items"].append({"code": "GLOVE", "pack_size": 100})
    data["sources"][0]["stock"]["GLOVE"] = 5000
    data["organisations"][0]["lines"]["GLOVE"] = line(10, 1, 0, may_donate=True)
    _, plan = run(data)
    assert plan.items["GLOVE"].allocated == 0
    assert plan.items["GLOVE"].available == 5000
    assert not any(s.item == "GLOVE" for s in plan.shipments)
    assert not any(o.item == "GLOVE" for o in plan.outcomes)


def test_the_population_key_shares_by_population_capped_at_the_request() -> None:
    data = problem_dict(
        [
            org("BIG", population=30_000, FFP2=line(0, 10, 1000)),
            org("SMALL", population=10_000, FFP2=line(0, 10, 1000)),
            org("TINY", population=10_000, FFP2=line(0, 10, 50)),
        ],
        stock=850,
        name="population",
    )
    problem = Problem.from_dict(data)
    plan = solve(problem)
    # TINY is capped at 50; 800 left share 3:1 between BIG and SMALL
    assert [o.allocated for o in plan.outcomes] == [600, 200, 50]
    assert outcome(plan, "BIG").reason.startswith("share by population: 20.0 per 1,000")


def test_cbc_gives_the_same_allocation_as_highs() -> None:
    data = problem_dict(
        [
            org("A", FFP2=line(0, 10, 1000)),
            org("B", FFP2=line(50, 10, 1000)),
            org("RICH", FFP2=line(2000, 10, 0, may_donate=True)),
        ],
        stock=300,
        whole_packs=True,
        pack=10,
    )
    _, highs = run(data)
    _, cbc = run(data, solver="cbc")
    assert cbc.solver == "CBC"
    assert received(cbc) == received(highs)
    assert given(cbc) == given(highs)


def test_what_if_scales_use_and_removes_sources_in_one_call() -> None:
    data = problem_dict(
        [org("A", FFP2=line(0, 10, 1000)), org("B", FFP2=line(50, 10, 1000))],
        stock={"NW-1": 300, "NW-2": 300},
    )
    problem = Problem.from_dict(data)
    base = solve(problem)
    fewer = what_if(problem, remove_sources=["NW-2"])
    assert sum(o.allocated for o in base.outcomes) == 600
    assert sum(o.allocated for o in fewer.outcomes) == 300
    busier = what_if(problem, use_scale=2.0)
    assert outcome(busier, "A").days_after == pytest.approx(outcome(base, "A").days_after / 2)
    with pytest.raises(ValueError, match="unknown source"):
        what_if(problem, remove_sources=["NOPE"])


def test_two_policies_compare_on_the_same_figures() -> None:
    data = problem_dict(
        [
            org("EMPTY", population=10_000, FFP2=line(0, 10, 1000)),
            org("FULL", population=90_000, FFP2=line(900, 10, 1000)),
        ],
        stock=500,
    )
    plans, figures = compare_policies(Problem.from_dict(data))
    needs, key = figures["needs"], figures["population"]
    assert needs.lowest_days_after == pytest.approx(50)
    assert key.lowest_days_after == pytest.approx(5)
    assert needs.below_7_days == 0 and key.below_7_days == 1
    assert needs.unmet == key.unmet == 1500
    assert plans["needs"].policy["name"] == "needs"
