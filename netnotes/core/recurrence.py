"""A recurring task's next occurrence, as the Obsidian Tasks plugin writes it. Pure.

Ticking `- [ ] water the plants 🔁 every week 📅 2026-11-20` in Obsidian marks
it done and puts the next one on the line above, every date moved by the same
span: the next date of the rule after the task's reference date (due, else
scheduled, else start), or after the day it was done for a rule that ends in
`when done`. `netnotes done` does the same for the rules below; for any other
rule it says so and writes nothing new (docs/format.md).

    every [N] day(s) | week(s) | month(s) | year(s)   [when done]
    every weekday
    every Sunday | every Tuesday and Friday
    every [N] week(s) on Monday[, Friday ...]
    every [N] month(s) on the 1st | 15th | last
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from netnotes.core.dates import WEEKDAYS, add_days, add_months

_SPAN = re.compile(
    r"every\s+(?:(?P<count>\d+)\s+)?(?P<unit>day|week|month|year)s?"
    r"(?:\s+on\s+(?P<on>.+?))?(?P<done>\s+when\s+done)?",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"every\s+weekday(?P<done>\s+when\s+done)?", re.IGNORECASE)
_DAY_NAME = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)s?"
)
_NAMED_DAYS = re.compile(
    rf"every\s+(?P<days>{_DAY_NAME}(?:\s*(?:,|and)\s*{_DAY_NAME})*)(?P<done>\s+when\s+done)?",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(r"(?:the\s+)?(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?|(?P<last>last))")


class UnsupportedRule(ValueError):
    """A rule netnotes cannot compute (the Tasks plugin can): `every month on the 2nd last
    Friday`, `every April and December on the 1st`..."""


def next_occurrence(rule: str, reference: date, done_on: date) -> date:
    """The next date of `rule` after `reference` (after `done_on` for `when done`)."""
    text = " ".join(rule.split())
    weekday = _WEEKDAY.fullmatch(text)
    if weekday:
        base = done_on if weekday["done"] else reference
        return _next_weekday_in(base, {0, 1, 2, 3, 4}, 1)
    named = _NAMED_DAYS.fullmatch(text)
    if named:  # `every Sunday`, `every Tuesday and Friday`: weekly on those days
        base = done_on if named["done"] else reference
        return _next_weekday_in(base, _weekdays(named["days"], rule), 1)
    match = _SPAN.fullmatch(text)
    if not match:
        raise UnsupportedRule(rule)
    count = int(match["count"] or 1)
    if count < 1:
        raise UnsupportedRule(rule)
    base = done_on if match["done"] else reference
    unit, on = match["unit"].lower(), match["on"]
    if unit == "day" and not on:
        return add_days(base, count)
    if unit == "week":
        return (
            _next_weekday_in(base, _weekdays(on, rule), count) if on else add_days(base, 7 * count)
        )
    if unit == "month":
        return _next_month_day(base, on, count, rule) if on else add_months(base, count)
    if unit == "year" and not on:
        return add_months(base, 12 * count)
    raise UnsupportedRule(rule)


def _weekdays(text: str, rule: str) -> set[int]:
    days = set()
    for word in re.split(r"\s*(?:,|\band\b)\s*", text.strip().casefold()):
        index = next((i for i, name in enumerate(WEEKDAYS) if len(word) >= 3 and
                      name.startswith(word)), None)  # fmt: skip
        if index is None:
            raise UnsupportedRule(rule)
        days.add(index)
    return days


def _next_weekday_in(base: date, days: set[int], every_weeks: int) -> date:
    """rrule's WEEKLY;INTERVAL=n;BYDAY=...: later in base's week (weeks start on Monday),
    else the first listed day of the week `every_weeks` on."""
    for offset in range(1, 7 - base.weekday()):
        candidate = base + timedelta(days=offset)
        if candidate.weekday() in days:
            return candidate
    monday = base - timedelta(days=base.weekday()) + timedelta(weeks=every_weeks)
    return monday + timedelta(days=min(days))


def _next_month_day(base: date, text: str, every_months: int, rule: str) -> date:
    """`on the 15th` / `on the last`: in base's month if still ahead, else every n months
    on; a month without that day is skipped, as rrule skips it."""
    match = _MONTH_DAY.fullmatch(text.strip().casefold())
    if not match:
        raise UnsupportedRule(rule)
    for months in range(0, every_months * 48 + 1, every_months):
        first = add_months(base.replace(day=1), months)
        last = calendar.monthrange(first.year, first.month)[1]
        day = last if match["last"] else int(match["day"])
        if day > last:
            continue
        candidate = first.replace(day=day)
        if candidate > base:
            return candidate
    raise UnsupportedRule(rule)
