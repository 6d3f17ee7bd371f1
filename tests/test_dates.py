from datetime import date

import pytest

from netnotes.core.dates import (
    Birthday,
    Duration,
    add_months,
    parse_birthday,
    parse_date,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 weeks", Duration(days=14)),
        ("3 months", Duration(months=3)),
        ("1 year", Duration(months=12)),
        ("90d", Duration(days=90)),
        ("6w", Duration(days=42)),
        ("3mo", Duration(months=3)),
        ("1y", Duration(months=12)),
        ("weekly", Duration(days=7)),
        ("monthly", Duration(months=1)),
        ("quarterly", Duration(months=3)),
        ("yearly", Duration(months=12)),
        ("none", Duration()),
        ("7 days", Duration(days=7)),
        ("1 day", Duration(days=1)),
        ("  Quarterly ", Duration(months=3)),
        ("1 year and 6 months", Duration(months=18)),
    ],
)
def test_every_duration_form_of_the_brief_parses(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["3 m", "soon", "", "3", "every moon", "0 days", "-1 week"])
def test_unknown_duration_forms_are_refused_with_the_forms_that_work(text):
    with pytest.raises(ValueError) as raised:
        parse_duration(text)
    assert f"'{text}'" in str(raised.value)
    assert "write" in str(raised.value)


def test_none_is_a_falsy_duration_and_prints_as_none():
    assert not parse_duration("none")
    assert str(parse_duration("none")) == "none"
    assert str(parse_duration("6w")) == "6 weeks"
    assert str(parse_duration("quarterly")) == "3 months"
    assert str(parse_duration("1y")) == "1 year"


def test_31_january_plus_one_month_is_the_end_of_february():
    assert Duration(months=1).after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Duration(months=1).after(date(2028, 1, 31)) == date(2028, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_months_are_calendar_months_not_thirty_days():
    assert Duration(months=3).after(date(2026, 8, 10)) == date(2026, 11, 10)
    assert Duration(months=12).after(date(2024, 2, 29)) == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a valid date (day is out of range for month)"),
        ("2026/02/03", "'2026/02/03' is not a date: write YYYY-MM-DD"),
        ("2026-2-3", "'2026-2-3' is not a date: write YYYY-MM-DD"),
    ],
)
def test_bad_dates_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=None) as raised:
        parse_date(text)
    assert str(raised.value) == message


def test_birthday_forms():
    assert parse_birthday("04-17") == Birthday(4, 17)
    assert parse_birthday("--04-17") == Birthday(4, 17)
    assert parse_birthday("1986-11-24") == Birthday(11, 24, 1986)
    assert parse_birthday("02-29") == Birthday(2, 29)


@pytest.mark.parametrize("text", ["13-01", "02-30", "1985-02-29", "Aprel 17", "4/17"])
def test_impossible_birthdays_are_refused(text):
    with pytest.raises(ValueError):
        parse_birthday(text)


def test_29_february_falls_on_28_february_in_common_years():
    leapling = Birthday(2, 29, 1996)
    assert leapling.on_or_after(date(2026, 11, 21)) == date(2027, 2, 28)
    assert leapling.on_or_after(date(2027, 3, 1)) == date(2028, 2, 29)
    assert leapling.on_or_after(date(2028, 2, 29)) == date(2028, 2, 29)


def test_the_next_birthday_is_on_or_after_the_day():
    assert Birthday(11, 21).on_or_after(date(2026, 11, 21)) == date(2026, 11, 21)
    assert Birthday(11, 20).on_or_after(date(2026, 11, 21)) == date(2027, 11, 20)
