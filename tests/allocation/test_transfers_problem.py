"""Reading transfer problems: bad files are refused naming the field; a personal identity
number in `case` is refused; read and write are inverses."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from transfer_builders import ROAD, aircraft, patient, problem, unit

from allocation.transfers import (
    ProblemError,
    looks_like_personal_number,
    problem_to_json,
    read_problem,
)


def good() -> dict[str, Any]:
    return problem(
        [
            unit("SOLNA", "01", 59.35, 18.03, staffed=20, occupied=20),
            unit("UPPSALA", "03", 59.85, 17.64, invasive=3, ecmo=1, name="Uppsala CIVA"),
        ],
        [patient("T-2020-0001", "SOLNA"), patient("T-2020-0002", "SOLNA", "ecmo")],
        [ROAD, aircraft()],
        cushion=0.1,
    )


def refused(data: Any) -> ProblemError:
    with pytest.raises(ProblemError) as caught:
        read_problem(data)
    return caught.value


def test_a_good_file_reads_and_writes_back_the_same() -> None:
    problem_ = read_problem(good())
    assert read_problem(problem_to_json(problem_)) == problem_
    assert problem_.unit("UPPSALA").free == {"invasive": 3, "ecmo": 1, "niv": 0}


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (lambda d: d["units"][0].pop("region"), "units[0].region", "is missing"),
        (lambda d: d["patients"][1].pop("case"), "patients[1].case", "is missing"),
        (lambda d: d.pop("modes"), "modes", "is missing"),
        (lambda d: d["patients"][0].update(unit="NOWHERE"), "patients[0].unit", "unknown unit"),
        (lambda d: d["units"][1]["free"].update(ecmo=-1), "units[1].free.ecmo", ">= 0"),
        (lambda d: d["units"][1]["free"].update(lung=1), "units[1].free.lung", "one of"),
        (lambda d: d["units"][0].update(staffed=-3), "units[0].staffed", ">= 0"),
        (lambda d: d["units"][0].update(occupied="full"), "units[0].occupied", "whole number"),
        (lambda d: d["units"][0].update(lat=95), "units[0].lat", "<= 90"),
        (lambda d: d["units"][0].update(takes=["elderly"]), "units[0].takes[0]", "one of"),
        (lambda d: d["patients"][0].update(level="icu"), "patients[0].level", "one of"),
        (lambda d: d["patients"][0].update(age_group="baby"), "patients[0].age_group", "one of"),
        (lambda d: d["patients"][0].update(urgency="soon"), "patients[0].urgency", "one of"),
        (
            lambda d: d["patients"][0].update(transport_stable="yes"),
            "patients[0].transport_stable",
            "true or false",
        ),
        (lambda d: d["patients"][1].update(case="T-2020-0001"), "patients[1].case", "duplicate"),
        (lambda d: d["units"][1].update(code="SOLNA"), "units[1].code", "duplicate"),
        (lambda d: d["modes"][0].update(mode="boat"), "modes[0].mode", "one of"),
        (lambda d: d["modes"][0].update(speed_kmh=-70), "modes[0].speed_kmh", ">= 0"),
        (lambda d: d["modes"][0].update(speed_kmh=0), "modes[0].speed_kmh", "more than 0"),
        (lambda d: d["modes"][1].pop("trips"), "modes[1].trips", "is missing"),
        (lambda d: d["policy"].update(cushion=1.5), "policy.cushion", "<= 1"),
        (lambda d: d["patients"].append(5), "patients[2]", "must be an object"),
    ],
)
def test_a_bad_file_is_refused_naming_the_field(edit: Any, field: str, words: str) -> None:
    data = good()
    edit(data)
    error = refused(data)
    assert error.field == field
    assert words in error.message
    assert str(error).startswith(f"{field}: ")


@pytest.mark.parametrize(
    "case",
    [
        "19121212-1212",
        "121212-1212",
        "121212+1212",
        "191212121212",
        "1212121212",
        "201801719876",
        "180171-9876",
        "T-19121212-1212",
    ],
)
def test_a_personal_identity_number_in_case_is_refused(case: str) -> None:
    data = good()
    data["patients"][0]["case"] = case
    error = refused(data)
    assert error.field == "patients[0].case"
    assert "personal identity number" in error.message
    assert case not in str(error)  # the number is not repeated in messages or logs


@pytest.mark.parametrize(
    "case", ["T-2020-0001", "STH-0042", "1234", "20201313-0001", "12345678901", "191299991212"]
)
def test_case_references_that_are_not_identity_numbers_pass(case: str) -> None:
    assert not looks_like_personal_number(case)
    data = good()
    data["patients"][0]["case"] = case
    assert read_problem(data).patients[0].case == case


def test_a_file_that_is_not_an_object_is_refused() -> None:
    assert refused([1, 2]).field == ""
    data = copy.deepcopy(good())
    data["units"] = {}
    assert refused(data).field == "units"
