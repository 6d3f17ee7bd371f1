"""What every import source gives: people as plain records, and the rows it could not use.

Readers (vcard.py, linkedin.py, google.py) turn a file into `Person`s and
`Skip`s; the importer (netnotes/importing.py) matches them to notes. Values
are text as a note holds them: a birthday is `YYYY-MM-DD` or `--MM-DD`, a
date `YYYY-MM-DD`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    origin: str  # where it came from, for reports: `file.vcf, card 3`, `file.csv:7`
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    company: str | None = None
    role: str | None = None
    birthday: str | None = None
    anniversary: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    note: str | None = None
    uid: str | None = None
    links: tuple[str, ...] = ()  # profile URLs
    # When the tie began on a network (LinkedIn's Connected On): never a conversation.
    connected: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)  # values left out, and why


@dataclass(frozen=True, slots=True)
class Skip:
    origin: str
    reason: str


def unique(values) -> tuple[str, ...]:
    """Non-empty values, stripped, each once (case-insensitively), in order."""
    seen: set[str] = set()
    kept = []
    for value in values:
        text = " ".join(str(value).split()) if value is not None else ""
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            kept.append(text)
    return tuple(kept)


def birthday_text(written: str, label: str = "birthday") -> tuple[str | None, str | None]:
    """(the day as a note writes it, or None; a warning when it was left out or changed).

    Apple's year 1604 means no year; a 29 February in a year that had none keeps
    the day without the year.
    """
    from netnotes.core.dates import parse_birthday

    written = written.strip()
    if not written:
        return None, None
    try:
        day = parse_birthday(written)
    except ValueError:
        digits = written.replace("-", "")
        if len(digits) == 8 and digits.isdigit() and digits[4:] == "0229":
            return "--02-29", f"{label}: {digits[:4]} had no 29 February: kept the day only"
        return None, f"{label}: '{written}' is not a date: left out"
    if day.year is None:
        return f"--{day.month:02}-{day.day:02}", None
    return f"{day.year:04}-{day.month:02}-{day.day:02}", None
