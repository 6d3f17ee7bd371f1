"""The digest's items as to-dos on a phone, and what the phone did with them. Pure.

`netnotes caldav` keeps one CalDAV to-do (VTODO) per digest item but the reconnect
suggestions; app/phone.py does the talking and the writing. Here: which item a to-do is
(`todo_uid`, stable for as long as the item is the same item), and the plan of one run
(`plan`): what to send, and what the phone asks of the notes.

What netnotes keeps in each to-do, so that any clone reading the collection knows as
much as the one that wrote it (the server is the one place both see at once):

- `X-NETNOTES-DUE`: the due date netnotes set, or the one it took over from the phone. A
  DUE later than it, and after today, is a to-do moved on the phone: a snooze.
- `X-NETNOTES-STATE`: `closed` when netnotes completed the to-do because its item left
  the digest (done in the notes, snoozed, no longer due); `handled` when the phone
  completed it and netnotes wrote that into the note. A completed to-do without either
  was completed on the phone, and is still to be written.
- `X-NETNOTES-HASH`: what netnotes sent (summary, description, due, kind), so an item
  whose words changed is sent again, and one that did not is not.

A to-do that this clone saw on the server and is gone was deleted on the phone: that
occurrence is dismissed, and the vault remembers it (a union-merged file, as capture's
memory), so no clone sends it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from netnotes.core.model import Item, ItemKind

UID_SUFFIX = "@netnotes"

# Every digest item but the reconnect suggestions (no day of their own to ring on).
PHONE_KINDS = frozenset(ItemKind) - {ItemKind.RECONNECT}

# What a to-do completed on the phone writes into the log: `- DAY -> KIND: done from the
# phone`, an outreach of that kind (a thank-you sent, a nudge, a reply...). A task is
# ticked instead, and a planned meeting asks for nothing: its day is already in the log.
DONE_KINDS = {
    ItemKind.CADENCE: "check-in",
    ItemKind.FOLLOW_UP: "follow-up",
    ItemKind.WAITING: "nudge",
    ItemKind.REPLY: "reply",
    ItemKind.THANKS: "thanks",
    ItemKind.BIRTHDAY: "birthday",
}
DONE_TEXT = "done from the phone"


def todo_uid(item: Item) -> str:
    """The to-do's UID: the same item (its kind, note, day and words) keeps it across
    runs and clones; a new occurrence (the next keep-in-touch date, another meeting,
    next year's birthday) gets a new one."""
    key = "\0".join((item.kind.value, item.path, _day_of(item), item.text))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:24] + UID_SUFFIX


def content_hash(item: Item, summary: str, description: str) -> str:
    """What netnotes sends of an item, hashed: a to-do is sent again only when it changes."""
    key = "\0".join((item.kind.value, _day_of(item), summary, description))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _day_of(item: Item) -> str:
    """The item's day as its identity holds it. A keep-in-touch item's words name the
    last contact its day follows from; one never logged is due "today", every day, and
    stays one to-do, not a new one each morning."""
    return "" if item.kind is ItemKind.CADENCE else item.due.isoformat()


class PhoneTodo(NamedTuple):
    """A to-do of netnotes' as the server holds it now."""

    uid: str
    href: str
    etag: str
    completed: bool
    completed_on: date | None  # the day it was ticked, when the phone says
    due: date | None  # as the phone has it now
    sent_due: date | None  # X-NETNOTES-DUE
    state: str  # X-NETNOTES-STATE: "", "closed" or "handled"
    content: str  # X-NETNOTES-HASH


@dataclass
class Plan:
    """One run: what to send, and what the phone asks of the notes."""

    create: list[Item] = field(default_factory=list)
    update: list[tuple[Item, PhoneTodo]] = field(default_factory=list)
    reopen: list[tuple[Item, PhoneTodo]] = field(default_factory=list)
    close: list[PhoneTodo] = field(default_factory=list)
    remove: list[PhoneTodo] = field(default_factory=list)  # dismissed, yet on the server
    done: list[tuple[Item, PhoneTodo]] = field(default_factory=list)  # ticked on the phone
    moved: list[tuple[Item, PhoneTodo]] = field(default_factory=list)  # due moved later
    deleted: list[str] = field(default_factory=list)  # UIDs deleted on the phone


def plan(
    items: Iterable[Item],
    on_server: dict[str, PhoneTodo],
    hashes: dict[str, str],
    seen: set[str],
    dismissed: set[str],
    today: date,
) -> Plan:
    """The run's plan. `items`: the digest's; `hashes`: each item's content_hash by UID;
    `seen`: the UIDs this clone saw on the server at the end of its last run;
    `dismissed`: the UIDs the vault remembers as deleted on the phone."""
    wanted = {todo_uid(item): item for item in items if item.kind in PHONE_KINDS}
    result = Plan()
    for uid, item in wanted.items():
        todo = on_server.get(uid)
        if uid in dismissed:
            if todo is not None:
                result.remove.append(todo)  # sent again by a clone that had not heard yet
        elif todo is None:
            if uid in seen:
                result.deleted.append(uid)
            else:
                result.create.append(item)
        elif todo.completed:
            if todo.state == "closed":
                result.reopen.append((item, todo))  # its item is back (a snooze ran out)
            elif todo.state != "handled":
                result.done.append((item, todo))
        elif moved_later(todo, today):
            result.moved.append((item, todo))
        elif todo.content != hashes[uid]:
            result.update.append((item, todo))
    for uid, todo in sorted(on_server.items()):
        if uid in wanted:
            continue
        if uid in dismissed:
            result.remove.append(todo)
        elif not todo.completed:
            result.close.append(todo)
    return result


def moved_later(todo: PhoneTodo, today: date) -> bool:
    """Whether the phone moved the to-do's day later than netnotes set it, into the
    future: the item waits until then."""
    return (
        todo.due is not None
        and todo.sent_due is not None
        and todo.due > todo.sent_due
        and todo.due > today
    )
