"""What the networking practice measures of a relationship: outreach answered, meetings
thanked. Pure; `prep` and `stats` share it.

An outreach (`->`) is answered by an inbound or two-way entry after it and before
the next outreach, however long it took (the delay is kept: how long answers take is
what the articles' complaint is about); an outreach with no answer yet is unanswered
once `nudge_after` has passed, or once you wrote again. A meeting is thanked by an
outbound entry after it, within `thank_within`. Only what has had its chance counts:
an outreach sent yesterday is neither answered nor unanswered yet.
"""

from __future__ import annotations

import statistics
from datetime import date
from typing import NamedTuple

from netnotes.core.dates import Duration
from netnotes.core.model import Contact, Direction, Interaction


class Tally(NamedTuple):
    done: list[Interaction]  # answered outreaches, thanked meetings
    missed: list[Interaction]  # their window closed without it
    pending: list[Interaction]  # still in their window
    delays: tuple[int, ...] = ()  # days each answer took (outreach only)

    @property
    def counted(self) -> int:
        return len(self.done) + len(self.missed)

    @property
    def median_delay(self) -> float | None:
        return median_delay([self])


def outreach(contact: Contact, nudge_after: Duration, today: date) -> Tally:
    """The contact's outreaches up to today: answered (whenever the answer came before
    the next outreach), unanswered, still waiting."""
    past = [entry for entry in contact.interactions if entry.on <= today]  # oldest first
    done, missed, pending, delays = [], [], [], []
    for index, entry in enumerate(past):
        if entry.direction is not Direction.OUT:
            continue
        following = past[index + 1 : index + 2]
        if following and following[0].direction is not Direction.OUT:
            done.append(entry)
            delays.append((following[0].on - entry.on).days)
        elif following or nudge_after.after(entry.on) < today:
            missed.append(entry)  # you wrote again first, or the wait is over
        else:
            pending.append(entry)
    return Tally(done, missed, pending, tuple(delays))


def median_delay(tallies) -> float | None:
    """The median days an answer took, over several contacts' outreach tallies."""
    return median_days([delay for tally in tallies for delay in tally.delays])


def median_days(delays: list[int]) -> float | None:
    """The median of the days answers took (`Tally.delays`, of one contact or many)."""
    return statistics.median(delays) if delays else None


def days_said(days: float) -> str:
    """`1 day`, `2.5 days`, `the same day`."""
    if days == 0:
        return "the same day"
    shown = f"{days:g}"
    return f"{shown} day" if shown == "1" else f"{shown} days"


def thanks(contact: Contact, thank_within: Duration, today: date) -> Tally:
    """The contact's meetings up to today: thanked (an outbound entry after), or not."""
    return _tally(
        contact, today, thank_within,
        lambda entry: entry.is_meeting,
        lambda entry: entry.direction is Direction.OUT,
    )  # fmt: skip


def _tally(contact: Contact, today: date, window: Duration, starts, closes) -> Tally:
    past = [entry for entry in contact.interactions if entry.on <= today]  # oldest first
    # The first entry after each one that closes it, found in one pass from the end: the
    # window is met when that one falls within it (the log is in date order).
    first_closing: list[Interaction | None] = [None] * len(past)
    following = None
    for index in range(len(past) - 1, -1, -1):
        first_closing[index] = following
        if closes(past[index]):
            following = past[index]
    done, missed, pending = [], [], []
    for index, entry in enumerate(past):
        if not starts(entry):
            continue
        until = window.after(entry.on)
        closing = first_closing[index]
        if closing is not None and closing.on <= until:
            done.append(entry)
        elif until < today:
            missed.append(entry)
        else:
            pending.append(entry)
    return Tally(done, missed, pending)
