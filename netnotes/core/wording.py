"""How a message a person sends says what the notes hold. Pure; `draft` uses it.

A note says `2026-11-10 lunch: the data team reorg`; a person writes "Thank you again
for lunch last week and for your thoughts on the data team reorg". Dates are said as
people say them, relative to today; a log line becomes a topic only when it reads as one
(`the data team reorg`, `talked about hiring` → `hiring`), never pasted whole: what
does not read as a topic is left for a bracketed placeholder.
"""

from __future__ import annotations

import re
from datetime import date

from netnotes.core.dates import WEEKDAYS
from netnotes.core.rules import MONTH_NAMES


def said_when(day: date, today: date) -> str:
    """`today`, `yesterday`, `on Monday`, `last week`, `earlier this month`, `in March`,
    `in March 2024`, `in 2021`: when something happened, as said in a message."""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {WEEKDAYS[day.weekday()].capitalize()}"
    if days < 14:
        return "last week"
    if (day.year, day.month) == (today.year, today.month):
        return "earlier this month"
    month = MONTH_NAMES[day.month - 1]
    if days < 330:
        return f"in {month}"
    if days < 2 * 365:
        return f"in {month} {day.year}"
    return f"in {day.year}"


# What a meeting of each kind is called in "thank you again for ...".
_MEETING_NOUNS = {
    "coffee": "the coffee",
    "lunch": "lunch",
    "dinner": "dinner",
    "breakfast": "breakfast",
    "drinks": "the drinks",
    "call": "the call",
    "interview": "the interview",
    "meeting": "meeting me",
}


_NO_PLACE = re.compile(
    r"^(?:former|ex-|ex |previously|freelance|self-employed|independent|retired|none|n/a)"
    r"|[()\[\]]",
    re.IGNORECASE,
)


def workplace(company: str | None) -> str | None:
    """The company as a place to ask about ("How are things at Globex?"), or None for a
    value that is no such place (`Freelance`, `Former colleague (Acme)`)."""
    if not company or _NO_PLACE.search(company.strip()):
        return None
    return company.strip()


def meeting_noun(kind: str | None) -> str:
    return _MEETING_NOUNS.get((kind or "meeting").lower(), "our conversation")


_LEAD_IN = re.compile(
    r"^(?:(?:talked|spoke|chatted|talking|speaking)\s+(?:about|through|over)|discussed|about)\s+",
    re.IGNORECASE,
)
_DETERMINERS = ("the ", "a ", "an ", "our ", "my ", "his ", "her ", "their ", "your ")
_NOT_A_TOPIC = re.compile(r"[;:!?,.()\[\]\d]|->|<-")


def topic_of(text: str) -> str | None:
    """The log line's words as a topic to name in a message, or None when they do not
    read as one (a reaction, a place, several clauses, a date, a title)."""
    words = " ".join(text.split())
    stripped = _LEAD_IN.sub("", words)
    led_in = stripped != words
    if not stripped or len(stripped.split()) > 6 or _NOT_A_TOPIC.search(stripped):
        return None
    if led_in or stripped.lower().startswith(_DETERMINERS):
        return stripped
    return None
