"""Dates, durations with calendar months, and birthdays.

Everything here is pure. Errors are `ValueError`s whose message is written for
the user, so callers can put it straight into a Problem.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str) -> date:
    """A strict ISO date, `YYYY-MM-DD`."""
    match = ISO_DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date: write YYYY-MM-DD")
    try:
        return date(*map(int, match.groups()))
    except ValueError as error:
        raise ValueError(f"'{text}' is not a valid date ({error})") from None


# -- dates as people write them in notes ----------------------------------------------------

_WIKILINK = re.compile(r"\[\[([^\[\]|]*)(?:\|[^\[\]]*)?\]\]")
_WRITTEN_DATE = re.compile(
    r"(\d{4})([-/])(\d{2})\2(\d{2})"  # 2026-11-19, 2026/11/19
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # a time, ignored
)
_NUMERIC_DAY_FIRST_OR_MONTH_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def unlink(text: str) -> str:
    """`[[2026-11-19]]` or `[[2026-11-19|Thursday]]` → `2026-11-19` (the link's target)."""
    stripped = text.strip()
    match = _WIKILINK.fullmatch(stripped)
    return match.group(1).strip() if match else stripped


def parse_written_date(text: str) -> date:
    """A date as notes hold it: `2026-11-19`, `[[2026-11-19]]` (a daily note's link),
    `2026/11/19`, or a date-time (`2026-11-19T14:30`, `2026-11-19 14:30:00`), whose
    time is dropped. `11/24/1985` and the like are refused: which number is the month
    differs from country to country, and a guess would be wrong for half the world."""
    raw = unlink(text)
    match = _WRITTEN_DATE.fullmatch(raw)
    if match:
        year, _, month, day = match.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValueError(f"'{text}' is not a valid date ({error})") from None
    raise ValueError(_not_a_date(text, raw))


def _not_a_date(text: str, raw: str) -> str:
    numeric = _NUMERIC_DAY_FIRST_OR_MONTH_FIRST.fullmatch(raw)
    if not numeric:
        return f"'{text}' is not a date: write YYYY-MM-DD"
    first, second, year = (int(part) for part in numeric.groups())
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    if not readings:
        return f"'{text}' is not a date: write YYYY-MM-DD"
    options = " or ".join(
        f"{d.isoformat()} ({d.day} {calendar.month_name[d.month]})" for d in dict.fromkeys(readings)
    )
    return (
        f"'{text}': netnotes does not guess which number is the month (the order differs "
        f"by country): write {options}"
    )


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"(?:in\s+(?P<ahead>.+)|(?P<back>.+?)\s+ago)")


def parse_day(text: str, today: date, *, past: bool) -> date:
    """A date as people say it: `2026-12-15`, `today`, `yesterday`, `tomorrow`, a
    weekday (`friday`, `fri`), `in 3 days`, `2 weeks ago`.

    A weekday is the latest one on or before today when `past` (a day something
    happened: `log --date friday`), else the next one after today (a day to
    come back to: `snooze friday`).
    """
    raw = " ".join(text.strip().lower().split())
    if re.match(r"\d{4}\D", raw):
        return parse_date(text)  # its own message says what is wrong with the date
    words = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if raw in words:
        return add_days(today, words[raw])
    weekday = next(
        (i for i, name in enumerate(WEEKDAYS) if len(raw) >= 3 and name.startswith(raw)), None
    )
    if weekday is not None:
        if past:
            return add_days(today, -((today.weekday() - weekday) % 7))
        return add_days(today, (weekday - today.weekday() - 1) % 7 + 1)
    relative = _RELATIVE.fullmatch(raw)
    if relative:
        span = parse_duration(relative["ahead"] or relative["back"])
        return span.after(today) if relative["ahead"] else span.before(today)
    try:
        return parse_date(text)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a date: write YYYY-MM-DD, today, yesterday, tomorrow, a weekday, "
            "'in 3 days' or '2 weeks ago'"
        ) from None


def parse_when(text: str, today: date) -> date:
    """A day to come back to: a date, a day as people say it (`friday`, `tomorrow`,
    `in 2 weeks`), or a duration from today (`3 months`)."""
    try:
        return parse_day(text, today, past=False)
    except ValueError as day_error:
        if re.match(r"\d{4}\D", text.strip()):
            raise day_error from None
    try:
        return parse_duration(text).after(today)
    except ValueError:
        raise ValueError(
            f"'{text}' is neither a date (YYYY-MM-DD, friday, in 2 weeks) nor a duration "
            "(2 weeks, 3 months, ...)"
        ) from None


def add_months(start: date, months: int) -> date:
    """Calendar-month arithmetic: 31 January + 1 month is the last day of February.

    Saturates at the ends of the calendar (years 1 and 9999) instead of
    raising: a note dated 9999-12-01 with a cadence must not crash a digest.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def add_days(start: date, days: int) -> date:
    """`start + days`, saturating at date.min and date.max."""
    try:
        return start + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


@dataclass(frozen=True, slots=True)
class Duration:
    """A span of calendar months plus days. The zero duration means "none"."""

    months: int = 0
    days: int = 0

    def __bool__(self) -> bool:
        return bool(self.months or self.days)

    def after(self, start: date) -> date:
        return add_days(add_months(start, self.months), self.days)

    def before(self, end: date) -> date:
        return add_days(add_months(end, -self.months), -self.days)

    def approx_days(self) -> float:
        """For comparing durations ("the shortest cadence wins"), not for arithmetic."""
        return self.months * 30.436875 + self.days

    def __str__(self) -> str:
        if not self:
            return "none"
        parts = []
        years, months = divmod(self.months, 12)
        weeks, days = divmod(self.days, 7) if self.days % 7 == 0 else (0, self.days)
        for count, unit in ((years, "year"), (months, "month"), (weeks, "week"), (days, "day")):
            if count:
                parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
        return " ".join(parts)


_UNITS = {
    **dict.fromkeys(("d", "day", "days"), Duration(days=1)),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), Duration(days=7)),
    **dict.fromkeys(("mo", "mos", "month", "months"), Duration(months=1)),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), Duration(months=12)),
}
_WORDS = {
    "none": Duration(),
    "never": Duration(),
    "daily": Duration(days=1),
    "weekly": Duration(days=7),
    "fortnightly": Duration(days=14),
    # "Biweekly" could mean twice a week; in a keep-in-touch cadence people mean every
    # two weeks (as Monica and Clay read it). "Bi-annually" likewise: twice a year.
    "biweekly": Duration(days=14),
    "bi-weekly": Duration(days=14),
    "monthly": Duration(months=1),
    "semiannually": Duration(months=6),
    "semi-annually": Duration(months=6),
    "biannually": Duration(months=6),
    "bi-annually": Duration(months=6),
    "twice a year": Duration(months=6),
    "quarterly": Duration(months=3),
    "yearly": Duration(months=12),
    "annually": Duration(months=12),
}
_PART = re.compile(r"(\d+)\s*([a-z]+)")
# What may stand between parts: "1 year 6 months", "1y, 6mo", "1 year and 6 months".
_GLUE = re.compile(r"(?:[\s,]|\band\b)*")


MAX_YEARS = 100  # longer than any cadence or horizon a person means; keeps dates in range


def parse_duration(text: object, *, zero: str | None = None) -> Duration:
    """`2 weeks`, `3 months`, `1 year`, `90d`, `6w`, `3mo`, `1y`, `weekly`, `none`, ...

    A zero duration is refused with a message that ends in `zero` (what to
    write instead), or accepted when `zero` is "" (a horizon of 0 days: today only).
    """
    raw = " ".join(str(text).strip().lower().split())
    raw = raw.removeprefix("every ")  # "every 2 weeks", "every month"
    if raw in _WORDS:
        return _WORDS[raw]
    if raw in _UNITS:
        return _UNITS[raw]
    if len(raw) > 100:
        raise ValueError(f"'{str(text)[:40]}...' is not a duration")
    parts = _PART.findall(raw)
    leftover = _GLUE.sub("", _PART.sub("", raw))
    if not parts or leftover or any(unit not in _UNITS for _, unit in parts):
        raise ValueError(
            f"'{text}' is not a duration: write e.g. '2 weeks', '3 months', '1 year', "
            "'90d', '6w', '3mo', '1y', 'monthly', 'quarterly' or 'none'"
        )
    months = sum(int(count) * _UNITS[unit].months for count, unit in parts)
    days = sum(int(count) * _UNITS[unit].days for count, unit in parts)
    if months / 12 + days / 365 > MAX_YEARS:  # 36500d is 100 years, as 1200 months are
        raise ValueError(f"'{text}' is too long: at most {MAX_YEARS} years")
    if not (months or days) and zero != "":
        raise ValueError(f"'{text}' is zero: {zero or 'write at least one day'}")
    return Duration(months=months, days=days)


@dataclass(frozen=True, slots=True)
class Birthday:
    month: int
    day: int
    year: int | None = None

    def on_or_after(self, start: date) -> date:
        """The next birthday on or after `start`; 29 February is 28 February in common years."""
        for year in (start.year, start.year + 1):
            if year > date.max.year:
                return date.max  # the calendar ends before the next one: never due
            candidate = self.in_year(year)
            if candidate >= start:
                return candidate
        raise AssertionError("unreachable: a birthday recurs every year")

    def in_year(self, year: int) -> date:
        if self.month == 2 and self.day == 29 and not calendar.isleap(year):
            return date(year, 2, 28)
        return date(year, self.month, self.day)


_BIRTHDAY = re.compile(r"(?:(\d{4})|-)?-(\d{2})-(\d{2})")
_VCARD_BIRTHDAY = re.compile(r"(?:(\d{4})|--)(\d{2})(\d{2})")  # 19801124, --1124
_MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH_NAME = r"([^\W\d_]+)\.?"
_YEAR = r"(?:,?\s+(\d{4}))?"
_NAMED_MONTH_FIRST = re.compile(rf"{_MONTH_NAME}\s+{_DAY}{_YEAR}")  # November 24, Nov 24, 1985
_NAMED_DAY_FIRST = re.compile(
    rf"{_DAY}\s+(?:of\s+)?{_MONTH_NAME}{_YEAR}"
)  # 24 Nov, 24 November 1985
# Apple Contacts writes a birthday without a year as year 1604 (X-APPLE-OMIT-YEAR=1604).
NO_YEAR = 1604


def parse_birthday(text: object) -> Birthday:
    """`YYYY-MM-DD`, `MM-DD` or `--MM-DD` (vCard without a year), and as people and other
    programs write them: `--1124`, `19801124`, `[[1985-11-24]]`, `1985/11/24`, a
    date-time, `November 24`, `24 Nov`, `July 22nd`, `Nov 24, 1985`. The year 1604
    means no year (Apple's mark for it)."""
    raw = unlink(str(text))
    found = _birthday_parts(raw)
    if found is None:
        try:
            parse_written_date(raw)  # its message names an ambiguous numeric date
        except ValueError as error:
            if "which number is the month" in str(error):
                raise
        raise ValueError(f"'{text}' is not a birthday: write YYYY-MM-DD, MM-DD or --MM-DD")
    year, month, day = found
    if year == NO_YEAR:
        year = None
    try:
        # A leap year accepts 29 February when the year is unknown.
        date(year if year is not None else 2000, month, day)
    except ValueError as error:
        raise ValueError(f"'{text}' is not a valid birthday ({error})") from None
    return Birthday(month=month, day=day, year=year)


def _birthday_parts(raw: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) as written, unchecked; None when no form matches."""
    written = _WRITTEN_DATE.fullmatch(raw)
    if written:
        return int(written.group(1)), int(written.group(3)), int(written.group(4))
    match = _BIRTHDAY.fullmatch(raw) or _BIRTHDAY.fullmatch("-" + raw)
    if match:
        year = int(match.group(1)) if match.group(1) else None
        return year, int(match.group(2)), int(match.group(3))
    match = _VCARD_BIRTHDAY.fullmatch(raw)
    if match:
        year = int(match.group(1)) if match.group(1) else None
        return year, int(match.group(2)), int(match.group(3))
    match = _NAMED_MONTH_FIRST.fullmatch(raw)
    if match and match.group(1).casefold() in _MONTHS:
        month_name, day, year = match.groups()
    else:
        match = _NAMED_DAY_FIRST.fullmatch(raw)
        if not match or match.group(2).casefold() not in _MONTHS:
            return None
        day, month_name, year = match.groups()
    return (int(year) if year else None), _MONTHS[month_name.casefold()], int(day)


_WEEKDAY_NAMES = "|".join(
    name for number in range(7) for name in (calendar.day_name[number], calendar.day_abbr[number])
)
_SPOKEN_WEEKDAY = re.compile(rf"\s*,?\s*(?:{_WEEKDAY_NAMES})\b\.?\s*,?\s*", re.IGNORECASE)


def spoken_date(text: str) -> date | None:
    """A full date as a daily note's name may say it, weekday or not: `July 10th, 2022,
    Sunday`, `Sunday, July 10th, 2022`, `10 July 2022`; None for anything else (a year
    is needed: a name is no birthday)."""
    words = _SPOKEN_WEEKDAY.sub(" ", f" {text} ").strip(" ,")
    for pattern, month_group, day_group in ((_NAMED_MONTH_FIRST, 1, 2), (_NAMED_DAY_FIRST, 2, 1)):
        match = pattern.fullmatch(words)
        if match and match.group(3):
            month = _MONTHS.get(match.group(month_group).casefold())
            if month is None:
                return None
            try:
                return date(int(match.group(3)), month, int(match.group(day_group)))
            except ValueError:
                return None
    return None
