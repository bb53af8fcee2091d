"""Hand cases with known answers for the transfer model (transfer-model.md, rules 1-5)."""

from __future__ import annotations

from typing import Any

import pytest
from transfer_builders import ROAD, aircraft, patient, problem, swedish_units, unit
from transfer_rules import plan_of, rule_1, rule_3

from allocation.transfers import Move, check_plan, propose, read_problem

STOCKHOLM = (59.35, 18.03)
UPPSALA = (59.85, 17.64)
LINKOPING = (58.40, 15.61)
VASTERAS = (59.62, 16.55)


def run(data: dict[str, Any]) -> dict[str, Any]:
    return propose(read_problem(data)).to_json()


def moved_to(proposal: dict[str, Any]) -> dict[str, str]:
    return {m["case"]: m["to"] for m in proposal["moves"]}


def unplaced(proposal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["case"]: u for u in proposal["unplaced"]}


def full_stockholm(**free: int) -> dict[str, Any]:
    return unit("SOLNA", "01", *STOCKHOLM, staffed=20, occupied=20, name="Solna IVA", **free)


def test_ecmo_patients_go_only_to_a_unit_with_a_free_ecmo_place() -> None:
    data = problem(
        [
            full_stockholm(),
            unit("UPPSALA", "03", *UPPSALA, invasive=3, name="Uppsala CIVA"),
            unit("LKP", "05", *LINKOPING, invasive=1, ecmo=1, name="Linköping TIVA"),
        ],
        [patient("E-1", "SOLNA", "ecmo"), patient("E-2", "SOLNA", "ecmo")],
    )
    proposal = run(data)
    assert moved_to(proposal) == {"E-1": "LKP"}  # the nearer Uppsala has no ECMO place
    assert proposal["moves"][0]["reason"] == (
        "to Linköping TIVA by road, 2.5 h: nearest free ECMO place"
    )
    assert unplaced(proposal)["E-2"]["reason_code"] == "places_taken"


def test_ecmo_patient_with_no_ecmo_place_in_range_says_so() -> None:
    data = problem(
        [full_stockholm(), unit("UPPSALA", "03", *UPPSALA, invasive=3)],
        [patient("E-1", "SOLNA", "ecmo")],
    )
    row = unplaced(run(data))["E-1"]
    assert row["reason_code"] == "no_ecmo_place_in_range"
    assert row["reason"].startswith("not placed: no free ECMO place within range")


def test_children_go_only_to_units_that_take_children() -> None:
    data = problem(
        [
            full_stockholm(),
            unit("UPPSALA", "03", *UPPSALA, invasive=3),
            unit("LKP-BIVA", "05", *LINKOPING, takes=("child",), invasive=1),
        ],
        [patient("C-1", "SOLNA", age_group="child"), patient("A-1", "SOLNA")],
    )
    assert moved_to(run(data)) == {"C-1": "LKP-BIVA", "A-1": "UPPSALA"}


def test_a_region_that_would_end_below_the_sender_does_not_receive() -> None:
    # Sender region 01: 10 staffed, 7 occupied (30 % free); after sending two: 50 %.
    # Uppsala (03): 10 staffed, 6 free; after one patient 50 %, after two 40 %: below 01's.
    # Linköping (05) is farther and has room to spare.
    data = problem(
        [
            unit("SOLNA", "01", *STOCKHOLM, staffed=10, occupied=7),
            unit("UPPSALA", "03", *UPPSALA, staffed=10, occupied=4, invasive=5),
            unit("LKP", "05", *LINKOPING, staffed=40, occupied=10, invasive=5),
        ],
        [patient("T-1", "SOLNA"), patient("T-2", "SOLNA")],
        cushion=0.0,
    )
    proposal = run(data)
    # One to Uppsala leaves 01 and 03 both at 50 %: fair. Two would not be.
    assert sorted(moved_to(proposal).values()) == ["LKP", "UPPSALA"]
    late = next(m for m in proposal["moves"] if m["to"] == "LKP")
    assert late["reason_code"] == "nearer_region_too_full"
    assert (
        proposal["regions"]["03"]["free_share_after"]
        >= proposal["regions"]["01"]["free_share_after"]
    )


def test_a_region_that_would_fall_below_the_cushion_does_not_receive() -> None:
    data = problem(
        [
            full_stockholm(),
            unit("UPPSALA", "03", *UPPSALA, staffed=10, occupied=9, invasive=1),
        ],
        [patient("T-1", "SOLNA")],
        cushion=0.10,
    )
    proposal = run(data)
    assert proposal["moves"] == []
    assert unplaced(proposal)["T-1"]["reason_code"] == "region_below_cushion"
    assert unplaced(proposal)["T-1"]["reason_args"]["region"] == "03"


def test_a_patient_not_transport_stable_stays() -> None:
    data = problem(
        [full_stockholm(), unit("UPPSALA", "03", *UPPSALA, invasive=3)],
        [patient("T-1", "SOLNA", stable=False, urgency="immediate"), patient("T-2", "SOLNA")],
    )
    proposal = run(data)
    assert moved_to(proposal) == {"T-2": "UPPSALA"}
    row = unplaced(proposal)["T-1"]
    assert row["reason_code"] == "not_transport_stable"
    assert row["nordic_candidate"] is False


def test_the_aircraft_seats_limit_air_moves() -> None:
    # Linköping is beyond road range from Luleå; only the aircraft reaches it: 1 x 2 seats.
    data = problem(
        [
            unit("LULEA", "25", 65.58, 22.15, staffed=10, occupied=10),
            unit("LKP", "05", *LINKOPING, staffed=30, occupied=10, invasive=6),
        ],
        [
            patient(f"T-{n}", "LULEA", urgency=u)
            for n, u in enumerate(["planned", "immediate", "today", "today"])
        ],
        [ROAD, aircraft(per_trip=1, trips=2)],
    )
    proposal = run(data)
    assert sorted(moved_to(proposal)) == ["T-1", "T-2"]  # the immediate one, then a today
    assert {m["mode"] for m in proposal["moves"]} == {"aircraft"}
    assert {u["reason_code"] for u in proposal["unplaced"]} == {"no_air_seats_left"}


def test_the_most_urgent_are_placed_first() -> None:
    data = problem(
        [full_stockholm(), unit("UPPSALA", "03", *UPPSALA, staffed=20, occupied=5, invasive=2)],
        [
            patient("P-1", "SOLNA", urgency="planned"),
            patient("D-1", "SOLNA", urgency="today"),
            patient("I-1", "SOLNA", urgency="immediate"),
        ],
    )
    proposal = run(data)
    assert sorted(moved_to(proposal)) == ["D-1", "I-1"]
    assert unplaced(proposal)["P-1"]["reason_code"] == "places_taken"


def test_road_stops_at_max_km_road_and_air_goes_further() -> None:
    # Stockholm to Linköping is 174 km: out of road reach at max_km_road 150.
    units = [full_stockholm(), unit("LKP", "05", *LINKOPING, invasive=2)]
    by_road = run(problem(units, [patient("T-1", "SOLNA")], max_km_road=150))
    assert by_road["moves"] == []
    assert unplaced(by_road)["T-1"]["reason_code"] == "no_place_in_range"
    by_air = run(problem(units, [patient("T-1", "SOLNA")], [ROAD, aircraft()], max_km_road=150))
    assert [(m["to"], m["mode"]) for m in by_air["moves"]] == [("LKP", "aircraft")]


def test_no_moves_within_a_region_nor_across_the_border_unless_allowed() -> None:
    oslo = unit("OSLO", "NO-03", 59.91, 10.75, staffed=40, occupied=10, invasive=5)
    oslo["country"] = "NO"
    data = problem(
        [
            full_stockholm(),
            unit("SODER", "01", 59.31, 18.05, staffed=20, occupied=5, invasive=5),
            unit("KARLSTAD", "17", 59.39, 13.49, staffed=10, occupied=10),
            oslo,
        ],
        [patient("T-1", "KARLSTAD"), patient("T-2", "SOLNA")],
    )
    # Solna's patient cannot go to SÖS (its own region); Oslo is across the border, so
    # Karlstad's patient goes to SÖS (260 km), unless crossing is allowed (Oslo, 165 km).
    # Solna to Oslo is beyond road reach.
    assert moved_to(run(data)) == {"T-1": "SODER"}
    data["policy"]["allow_cross_border"] = True
    assert moved_to(run(data)) == {"T-1": "OSLO"}


def test_nothing_placeable_gives_nordic_candidates_with_their_care_level() -> None:
    # National free share 2 / 60 = 3 %: under the 20 % signal.
    data = problem(
        [
            full_stockholm(),
            unit("UPPSALA", "03", *UPPSALA, staffed=20, occupied=19, invasive=1),
            unit("LKP", "05", *LINKOPING, staffed=20, occupied=19, ecmo=1),
        ],
        [
            patient("T-1", "SOLNA", "ecmo"),
            patient("T-2", "SOLNA", "invasive"),
            patient("T-3", "SOLNA", stable=False),
        ],
        cushion=0.10,
    )
    proposal = run(data)
    assert proposal["moves"] == []
    assert proposal["national_free_share_before"] == pytest.approx(2 / 60, abs=1e-4)
    assert proposal["nordic_candidates"] == [
        {"case": "T-1", "level": "ecmo", "age_group": "adult", "urgency": "today"},
        {"case": "T-2", "level": "invasive", "age_group": "adult", "urgency": "today"},
    ]
    assert proposal["nordic_levels"] == {"ecmo": 1, "invasive": 1}
    assert unplaced(proposal)["T-1"]["reason"].endswith("; candidate for a Nordic request")


def test_no_nordic_candidates_while_the_national_share_is_at_the_signal() -> None:
    data = problem(
        [full_stockholm(), unit("UPPSALA", "03", *UPPSALA, staffed=30, occupied=10)],
        [patient("T-1", "SOLNA")],
    )  # 20 / 50 = 40 % free nationally, but no invasive place anywhere
    proposal = run(data)
    assert proposal["moves"] == [] and proposal["nordic_candidates"] == []
    assert unplaced(proposal)["T-1"]["nordic_candidate"] is False


def test_stockholm_full_six_patients_go_to_uppsala_and_linkoping() -> None:
    """The issue's journey on the real Swedish units: Stockholm at 99 %, six patients, Uppsala
    and Linköping with room; everything else as full as Stockholm."""
    units = swedish_units()
    room = {"UPPSALA-CIVA": 3, "LINKOPING-IVA": 4}
    for u in units:
        u["free"] = {"invasive": room.get(u["code"], 0), "ecmo": 0, "niv": 0}
        # Full everywhere (Stockholm at 99 %) but in Uppsala's and Linköping's regions (40 %).
        u["occupied"] = u["staffed"] * 6 // 10 if u["region"] in ("03", "05") else u["staffed"]
    units[[u["code"] for u in units].index("K-SOLNA-IVA")]["occupied"] = 22
    urgencies = ["immediate", "immediate", "today", "today", "today", "planned"]
    data = problem(
        units,
        [patient(f"T-2020-{n:04}", "K-SOLNA-IVA", urgency=u) for n, u in enumerate(urgencies, 1)],
        [ROAD, aircraft(per_trip=2, trips=1)],
    )
    proposal = run(data)
    to = moved_to(proposal)
    assert sorted(to.values()) == ["LINKOPING-IVA"] * 3 + ["UPPSALA-CIVA"] * 3
    # The aircraft's two seats go to the longer trip, where they save the most time.
    assert sorted(m["mode"] for m in proposal["moves"] if m["to"] == "LINKOPING-IVA") == [
        "aircraft",
        "aircraft",
        "road",
    ]
    reasons = {m["reason"] for m in proposal["moves"]}
    assert reasons == {
        "to Uppsala CIVA by road, 0.9 h: nearest free intensive-care place with invasive "
        "ventilation",
        "to Linköping IVA by aircraft, 0.4 h: the free places at nearer Uppsala CIVA went to "
        "other patients",
        "to Linköping IVA by road, 2.5 h: the free places at nearer Uppsala CIVA went to "
        "other patients",
    }
    assert rule_1(data, plan_of(proposal)) == [] and rule_3(data, plan_of(proposal)) == []
    assert proposal["nordic_candidates"] == []  # all placed


def test_check_plan_names_each_broken_rule() -> None:
    data = problem(
        [
            full_stockholm(),
            unit("SODER", "01", 59.31, 18.05, staffed=20, occupied=5, invasive=5),
            unit("UPPSALA", "03", *UPPSALA, staffed=10, occupied=8, invasive=1),
        ],
        [patient("T-1", "SOLNA"), patient("T-2", "SOLNA", stable=False), patient("T-3", "SOLNA")],
    )
    problem_ = read_problem(data)
    found = check_plan(
        problem_,
        [
            Move("T-1", "SOLNA", "SODER", "road", 5, 0.1),
            Move("T-2", "SOLNA", "UPPSALA", "road", 60, 0.9),
            Move("T-3", "SOLNA", "UPPSALA", "aircraft", 60, 0.2),
        ],
    )
    messages = [(v.case, v.rule, v.message) for v in found]
    assert ("T-1", 1, "SODER is in the same region; that is the region's own work") in messages
    assert ("T-2", 1, "the patient is not transport-stable") in messages
    assert ("T-3", 1, "no such transport mode aircraft") in messages
    assert any(v.rule == 1 and "receives 2 patients" in v.message for v in found)
    assert any(v.rule == 3 and "below the cushion" in v.message for v in found)


def test_out_of_time_the_plan_still_keeps_rules_1_and_3() -> None:
    """A time limit far too short for 200 patients on the Swedish units: the proposal says
    so (`time_limit`) and its plan still keeps rules 1 and 3 (rules 2 and 4 unproven)."""
    units = swedish_units()
    for u in units:
        if u["region"] in ("01", "12", "14"):
            u["occupied"], u["free"] = u["staffed"], {"invasive": 0, "ecmo": 0, "niv": 0}
    senders = [u["code"] for u in units if u["region"] in ("01", "12", "14")]
    levels, urgencies = ("invasive", "invasive", "niv", "ecmo"), ("immediate", "today", "planned")
    data = problem(
        units,
        [
            patient(f"B-{n:03}", senders[n % len(senders)], levels[n % 4], urgency=urgencies[n % 3])
            for n in range(200)
        ],
        [ROAD, aircraft(per_trip=2, trips=6)],
    )
    problem_ = read_problem(data)
    proposal = propose(problem_, time_limit=0.05)
    assert proposal.status == "time_limit"
    assert check_plan(problem_, proposal.moves) == []
    assert rule_1(data, plan_of(proposal.to_json())) == []
    assert rule_3(data, plan_of(proposal.to_json())) == []
    assert len(proposal.moves) + len(proposal.unplaced) == 200


def test_a_move_to_the_nearest_unit_says_nearest_even_when_air_would_be_quicker() -> None:
    """Danderyd IVA full with six invasive patients; Uppsala's region 25 % free, Östergötland's
    50 %, the rest full. The moves to Uppsala CIVA, the nearest unit, go by road once the
    aircraft's seats are used: their reason is the nearest free place, not a nearer place
    without air seats (there is none nearer)."""
    units = swedish_units()
    for u in units:
        share = {"03": 4, "05": 2}.get(u["region"])  # a quarter, a half free
        free = u["staffed"] // share if share else 0
        u["occupied"] = u["staffed"] - free
        places = free if u["code"] in ("UPPSALA-CIVA", "LINKOPING-IVA") else 0
        u["free"] = {"invasive": places, "ecmo": 0, "niv": 0}
    data = problem(
        units,
        [patient(f"T-2020-{n:04}", "DANDERYD-IVA") for n in range(1, 7)],
        [ROAD, aircraft(per_trip=2, trips=1)],
    )
    proposal = run(data)
    to_uppsala = [m for m in proposal["moves"] if m["to"] == "UPPSALA-CIVA"]
    assert to_uppsala, "some go to Uppsala CIVA, the nearest unit with places"
    assert {(m["mode"], m["reason_code"]) for m in to_uppsala} == {("road", "nearest_free")}
    assert all(
        m["reason"].endswith(": nearest free intensive-care place with invasive ventilation")
        for m in to_uppsala
    )
    assert all("nearer" not in m["reason_args"] for m in to_uppsala)
    # A reason naming a nearer unit names another unit than the one moved to.
    for move in proposal["moves"]:
        if move["reason_code"].startswith("nearer_"):
            assert move["reason_args"]["nearer"] != move["to"]
    assert rule_1(data, plan_of(proposal)) == [] and rule_3(data, plan_of(proposal)) == []
