"""The data-quality rules of an intensive-care report, table by table: each refusal names its
field; each jump is a warning, on DIVI's thresholds."""

import pytest

from supplyapp.models.intensive_care import Assessment
from supplyapp.services import icu_rules

GOOD = {
    "adult_staffed": 10,
    "adult_staffed_ventilator": 8,
    "adult_occupied": 9,
    "adult_covid": 4,
    "adult_invasive": 5,
    "adult_noninvasive": 2,
}


def test_a_sound_report_is_refused_nowhere(app_context):
    assert icu_rules.refusals(GOOD, has_ecmo=False) == {}


@pytest.mark.parametrize(
    "change,has_ecmo,field",
    [
        ({"adult_staffed": -1}, False, "adult_staffed"),
        ({"adult_staffed": 301}, False, "adult_staffed"),
        ({"adult_covid": 2.5}, False, "adult_covid"),
        ({"adult_occupied": 16}, False, "adult_occupied"),  # over 10 x 1.5
        ({"adult_staffed_ventilator": 11}, False, "adult_staffed_ventilator"),
        ({"adult_covid": 10}, False, "adult_covid"),
        ({"adult_invasive": 10}, False, "adult_invasive"),
        ({"adult_noninvasive": 5}, False, "adult_noninvasive"),  # 5 + 5 ventilated of 9
        ({"child_occupied": 4, "child_staffed": 2}, False, "child_occupied"),
        ({"ecmo_places": 2}, False, "ecmo_places"),  # a unit without ECMO
        ({"ecmo_occupied": 0}, False, "ecmo_occupied"),  # not even zero: empty means not given
        ({"ecmo_places": 2, "ecmo_occupied": 3}, True, "ecmo_occupied"),
        ({"ecmo_places": 20, "ecmo_occupied": 12}, True, "ecmo_occupied"),  # 12 of 9 patients
    ],
)
def test_what_cannot_be_is_refused_naming_the_field(app_context, change, has_ecmo, field):
    errors = icu_rules.refusals({**GOOD, **change}, has_ecmo=has_ecmo)
    assert field in errors and errors[field]


def test_a_limited_unit_says_what_limits_it(app_context):
    assert "limits" in icu_rules.refusals(GOOD, False, Assessment.LIMITED)
    assert icu_rules.refusals(GOOD, False, Assessment.FULL, ("staff",)) == {}


def test_not_reported_is_empty_and_never_a_refusal(app_context):
    assert icu_rules.refusals({"adult_staffed": None, "adult_occupied": 5}, has_ecmo=False) == {}


@pytest.mark.parametrize(
    "old,new,jump",
    [
        (3, 10, False),  # 0-9: a change of 7 is allowed
        (3, 11, True),  # more than 7
        (9, 1, True),
        (12, 23, False),  # 10-19: less than double
        (12, 24, True),  # doubled
        (12, 3, True),  # a quarter
        (12, 4, False),
        (40, 79, False),  # 20 and more: less than double
        (40, 80, True),
        (40, 20, True),  # halved
        (40, 21, False),
    ],
)
def test_jumps_follow_divis_thresholds(old, new, jump):
    assert icu_rules.is_jump(old, new) is jump


def test_a_jump_warns_on_that_field_only(app_context):
    warnings = icu_rules.jumps({**GOOD, "adult_occupied": 20}, {**GOOD})
    assert list(warnings) == ["adult_occupied"]
    assert "9" in warnings["adult_occupied"] and "20" in warnings["adult_occupied"]
    assert icu_rules.jumps(GOOD, {}) == {}  # the first report has nothing to jump from
