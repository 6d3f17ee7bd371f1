"""What the networking practice measures of a relationship: outreach answered, meetings
thanked. Pure; `prep` and `stats` share it.

An outreach (`->`) is answered by an inbound or two-way entry after it, within
`nudge_after`; a meeting is thanked by an outbound entry after it, within
`thank_within`. Only what has had its chance counts: an outreach sent
yesterday is neither answered nor unanswered yet.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from netnotes.core.dates import Duration
from netnotes.core.model import Contact, Direction, Interaction


class Tally(NamedTuple):
    done: list[Interaction]  # answered outreaches, thanked meetings
    missed: list[Interaction]  # their window closed without it
    pending: list[Interaction]  # still in their window

    @property
    def counted(self) -> int:
        return len(self.done) + len(self.missed)


def outreach(contact: Contact, nudge_after: Duration, today: date) -> Tally:
    """The contact's outreaches up to today: answered, unanswered, still waiting."""
    return _tally(
        contact, today, nudge_after,
        lambda entry: entry.direction is Direction.OUT,
        lambda entry: entry.direction is not Direction.OUT,
    )  # fmt: skip


def thanks(contact: Contact, thank_within: Duration, today: date) -> Tally:
    """The contact's meetings up to today: thanked (an outbound entry after), or not."""
    return _tally(
        contact, today, thank_within,
        lambda entry: entry.is_meeting,
        lambda entry: entry.direction is Direction.OUT,
    )  # fmt: skip


def _tally(contact: Contact, today: date, window: Duration, starts, closes) -> Tally:
    past = [entry for entry in contact.interactions if entry.on <= today]  # oldest first
    done, missed, pending = [], [], []
    for index, entry in enumerate(past):
        if not starts(entry):
            continue
        until = window.after(entry.on)
        if any(closes(later) and later.on <= until for later in past[index + 1 :]):
            done.append(entry)
        elif until < today:
            missed.append(entry)
        else:
            pending.append(entry)
    return Tally(done, missed, pending)
