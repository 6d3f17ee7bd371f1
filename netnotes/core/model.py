"""The records that flow through the pipeline: contacts, their log and tasks, items, problems.

Every record is a frozen dataclass so that a stage can never change what an
earlier stage produced, and so that a parsed contact can be cached and
compared as a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from netnotes.core.dates import Birthday, Duration
from netnotes.core.safetext import printable, printable_path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # `check` says it; the digest does not (a file left out on purpose)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the vault, reported instead of raised.

    `path` is relative to the vault with `/`; `line` is 1-based or None when
    the problem concerns the whole file.
    """

    path: str
    line: int | None
    severity: Severity
    message: str

    def format(self) -> str:
        """`path:line: severity: message`, the form editors jump to.

        Control characters in the path or message are shown escaped or as
        spaces, so a file name holding a newline cannot forge a line of its own.
        """
        where = printable_path(self.path)
        where = where if self.line is None else f"{where}:{self.line}"
        return f"{where}: {self.severity}: {printable(self.message)}"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line or 0, self.message)


class Direction(StrEnum):
    OUT = "out"  # I reached out and await an answer
    IN = "in"  # they reached out or replied
    BOTH = "both"  # we talked


# How a log line says who wrote to whom: `->` you reached out, `<-` they did.
ARROWS = {"->": Direction.OUT, "→": Direction.OUT, "<-": Direction.IN, "←": Direction.IN}

# A log entry's kind, as `- DAY -> KIND: text` writes it: one word with a letter in it
# (`coffee`, `follow-up`, `1on1`), so a time (`10:30`) is never a kind.
KIND_WORD = r"(?=[\w-]*[^\W\d_])\w[\w-]*"

# Kinds of entry that are something written: never a meeting that asks for thanks.
WRITTEN_KINDS = frozenset({"email", "mail", "message", "text", "sms", "dm", "letter"})
# What you send expecting no answer: a thank-you, a birthday wish. No nudge follows it.
NO_ANSWER_KINDS = frozenset({"thanks", "birthday"})
MEETING_KINDS = frozenset(
    {"coffee", "meeting", "lunch", "dinner", "breakfast", "drinks", "interview"}
)


class Interaction(NamedTuple):
    """One dated entry of a contact's log, or a dated heading.

    `sequence` orders entries of the same day chronologically: it is derived
    from the position in the file and the order the log section is written in
    (see parse.py), so "the newest entry" means what the writer meant.

    A NamedTuple rather than a frozen dataclass: a large vault holds hundreds
    of thousands of these, and a tuple is built several times faster.
    """

    on: date
    direction: Direction
    kind: str | None
    text: str
    line: int
    sequence: int
    from_heading: bool = False
    # The vault-relative note it was written in when that is not the contact's own
    # (a meeting or daily note that links the contact: core/sources.py); `line` is
    # then a line of that note.
    source: str | None = None

    @property
    def is_meeting(self) -> bool:
        """A two-way meeting of a meeting's kind, or a dated heading that is no message
        (`### 2026-06-12 — Email` is an e-mail, outbound or not)."""
        if self.direction is not Direction.BOTH:
            return False
        return self.kind in MEETING_KINDS or (self.from_heading and self.kind not in WRITTEN_KINDS)


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Task(NamedTuple):
    text: str
    state: TaskState
    due: date | None
    done_on: date | None
    line: int
    # The Tasks plugin's other dates and fields (docs/format.md)
    scheduled: date | None = None  # ⏳: the day to work on it; due then when it has no due date
    start: date | None = None  # 🛫: not shown before this day
    priority: int = 3  # 0 highest (🔺) ... 5 lowest (⏬); 3 when none is given
    recurrence: str | None = None  # 🔁 every week ...


@dataclass(frozen=True, slots=True)
class Contact:
    """A parsed contact note. Dates that failed to parse are None (and reported)."""

    path: str
    name: str
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    company: str | None = None
    role: str | None = None
    # None: not set, so tag and default cadences apply; a zero Duration: "none".
    cadence: Duration | None = None
    last_contact: date | None = None
    met: date | None = None
    follow_up: date | None = None
    birthday: Birthday | None = None
    snooze: date | None = None
    archived: bool = False
    interactions: tuple[Interaction, ...] = ()
    tasks: tuple[Task, ...] = ()
    # 1-based line of each top-level front-matter key, for pointing at it.
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)
    # The front matter as loaded (text values kept as text), for display.
    fields: dict[str, object] = field(default_factory=dict, compare=False)


class Status(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"
    SUGGESTED = "suggested"


class ItemKind(StrEnum):
    CADENCE = "cadence"
    FOLLOW_UP = "follow_up"
    TASK = "task"
    BIRTHDAY = "birthday"
    WAITING = "waiting"
    REPLY = "reply"
    THANKS = "thanks"
    MEETING = "meeting"
    RECONNECT = "reconnect"


@dataclass(frozen=True, slots=True)
class Item:
    """One thing the digest asks of the user."""

    kind: ItemKind
    status: Status
    due: date
    contact: str
    path: str
    line: int | None
    text: str
    # Within a day, a task's priority orders it (0 highest ... 5 lowest); everything
    # else, and a task without one, ranks 3, between the Tasks plugin's medium and low.
    rank: int = 3
    # The note `line` is in when it is not the contact's (`path`): a meeting or daily
    # note that recorded the interaction the item comes from.
    source: str | None = None
    # What makes the message easy to write (keep-in-touch and reconnect items): their
    # company, how you met, what you last talked about.
    context: str | None = None

    def sort_key(self) -> tuple[date, int, str, str, str, int, str]:
        return (self.due, self.rank, self.contact.casefold(), self.path, self.kind, self.line or 0,
                self.source or "")  # fmt: skip

    @property
    def where(self) -> str:
        """The note the item's line is in (the contact's own, or the one that recorded it)."""
        return self.source or self.path
