"""A scenario table of ICU admissions: every bad row named with its field, good tables read."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from forecasting import TableError, read_admissions_table

REGIONS = {"01": "Stockholms län", "03": "Uppsala län"}


def problems(rows, known=REGIONS, **options) -> list[tuple[int, str, str]]:
    with pytest.raises(TableError) as refused:
        read_admissions_table(rows, known, **options)
    return [(p.row, p.field, p.code) for p in refused.value.problems]


def test_a_fohm_table_with_swedish_headings_is_read():
    text = (
        "Region;Datum;IVA-inläggningar\n"
        "01;2020-04-01;12,5\n01;2020-04-02;14\n"
        "Uppsala län;2020-04-01;2\nuppsala län;2020-04-02;0\n"
    )
    table = read_admissions_table(pd.read_csv(io.StringIO(text), sep=";", dtype=str), REGIONS)
    assert table.admissions == {
        "01": {date(2020, 4, 1): 12.5, date(2020, 4, 2): 14.0},
        "03": {date(2020, 4, 1): 2.0, date(2020, 4, 2): 0.0},
    }
    assert table.regions == ("01", "03")
    assert (table.first_day, table.last_day) == (date(2020, 4, 1), date(2020, 4, 2))
    assert table.series("01", date(2020, 3, 31), 4) == [0.0, 12.5, 14.0, 0.0]


def test_an_excel_sheet_with_number_codes_and_timestamps_is_read():
    frame = pd.DataFrame(
        {
            "region": [1, 1],
            "date": [pd.Timestamp("2020-04-01"), pd.Timestamp("2020-04-02")],
            "admissions": [3, 4.5],
        }
    )
    table = read_admissions_table(frame, ["01", "03"])
    assert table.admissions == {"01": {date(2020, 4, 1): 3.0, date(2020, 4, 2): 4.5}}


def test_unknown_regions_negative_numbers_missing_days_duplicates_and_bad_dates_are_each_named():
    rows = [
        {"region": "01", "datum": "2020-04-01", "iva-inläggningar": "5"},  # row 2: good
        {"region": "99", "datum": "2020-04-01", "iva-inläggningar": "5"},  # 3: unknown region
        {"region": "01", "datum": "2020-04-02", "iva-inläggningar": "-1"},  # 4: negative
        {"region": "01", "datum": "2020-04-02", "iva-inläggningar": "2"},  # 5: duplicate of 4
        {
            "region": "01",
            "datum": "2020-04-05",
            "iva-inläggningar": "2",
        },  # 6: 3 and 4 April missing
        {"region": "03", "datum": "1 april", "iva-inläggningar": "2"},  # 7: bad date
        {"region": "03", "datum": "2020-04-01", "iva-inläggningar": "många"},  # 8: not a number
        {"region": "", "datum": "", "iva-inläggningar": ""},  # 9: all missing
    ]
    assert problems(rows) == [
        (3, "region", "unknown_region"),
        (4, "admissions", "negative"),
        (5, "date", "duplicate"),
        (6, "date", "missing_days"),
        (7, "date", "bad_date"),
        (8, "admissions", "not_a_number"),
        (9, "admissions", "missing"),
        (9, "date", "missing"),
        (9, "region", "missing"),
    ]


def test_the_problems_carry_args_for_a_message_in_swedish_and_an_english_message():
    rows = [
        {"region": "01", "date": "2020-04-01", "admissions": 1},
        {"region": "01", "date": "2020-04-04", "admissions": 1},
        {"region": "01", "date": "2020-04-01", "admissions": 1},
    ]
    with pytest.raises(TableError) as refused:
        read_admissions_table(rows, REGIONS)
    gap, duplicate = refused.value.problems
    assert gap.row == 3 and gap.args == {
        "region": "01",
        "from": date(2020, 4, 2),
        "to": date(2020, 4, 3),
    }
    assert duplicate.row == 4 and duplicate.args["first_row"] == 2
    assert "row 3, date: region 01 has no rows from 2020-04-02 to 2020-04-03" in str(refused.value)
    assert refused.value.rows == (3, 4)


def test_a_missing_or_doubled_column_is_named_on_the_header_row():
    rows = [{"region": "01", "datum": "2020-04-01", "date": "2020-04-01"}]
    assert problems(rows) == [(1, "admissions", "missing_column"), (1, "date", "ambiguous_column")]


def test_with_a_first_day_each_region_starts_on_it_and_nothing_is_dated_before():
    rows = [
        {"region": "01", "date": "2020-03-31", "admissions": 1},
        {"region": "03", "date": "2020-04-02", "admissions": 1},
    ]
    assert problems(rows, first_day=date(2020, 4, 1)) == [
        (2, "date", "before_first_day"),
        (3, "date", "missing_days"),
    ]


def test_a_time_of_day_is_not_a_date_but_midnight_is():
    rows = [
        {"region": "01", "date": pd.Timestamp("2020-04-01 12:00"), "admissions": 1},
        {"region": "03", "date": "2020-04-01 08:30", "admissions": 1},
    ]
    assert problems(rows) == [(2, "date", "bad_date"), (3, "date", "bad_date")]
    table = read_admissions_table(
        [{"region": "01", "date": "2020-04-01 00:00:00", "admissions": 1}], REGIONS
    )
    assert table.first_day == date(2020, 4, 1)
