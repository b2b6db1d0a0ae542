"""Dates, times and sizes as THL writes them."""

from datetime import UTC, date, datetime, time

import pytest

from facilitate.formatting import format_moment, format_size, format_when


@pytest.mark.parametrize(("day", "starts", "ends", "expected"), [
    (date(2023, 3, 29), time(14), time(16), "29.3.2023 klo 14–16"),
    (date(2022, 11, 9), time(9, 30), time(11), "9.11.2022 klo 9.30–11"),
    (date(2023, 1, 27), time(8, 5), time(10, 45), "27.1.2023 klo 8.05–10.45"),
])
def test_when(day, starts, ends, expected):
    assert format_when(day, starts, ends) == expected


def test_moment_is_in_finnish_time():
    assert format_moment(datetime(2023, 3, 27, 14, 0, tzinfo=UTC)) == "27.3.2023 klo 17.00"
    assert format_moment(datetime(2023, 1, 27, 14, 0, tzinfo=UTC)) == "27.1.2023 klo 16.00"


@pytest.mark.parametrize(("size", "expected"), [
    (360_448, "352 kt"), (100, "1 kt"), (1536, "2 kt"),
    # half up, not to even: 2,5 kt is 3 kt (Python's round() would say 2)
    (2560, "3 kt"), (3584, "4 kt"), (2559, "2 kt"),
    # from one megatavu (1024 kt) on, in megatavu with a decimal comma
    (1024 * 1024 - 1, "1024 kt"), (1024 * 1024, "1,0 Mt"), (1_258_291, "1,2 Mt"),
    (int(2.25 * 1024 * 1024), "2,3 Mt"),
])
def test_size_in_kilotavu_then_megatavu(size, expected):
    assert format_size(size) == expected
