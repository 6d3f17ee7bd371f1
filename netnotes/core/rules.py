"""(contacts, today, config) → items: the follow-up rules of the brief, all pure.

Each rule is a small function of one contact; `due_items` applies them,
drops what is past the horizon, and picks the week's reconnect suggestions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from netnotes.core.config import Config
from netnotes.core.dates import Duration, add_days
from netnotes.core.fields import contact_field, link_text
from netnotes.core.model import (
    NO_ANSWER_KINDS,
    WRITTEN_KINDS,
    Contact,
    Direction,
    Interaction,
    Item,
    ItemKind,
    Status,
    TaskState,
)

# Not strftime: the digest must not change with the machine's locale.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Context:
    today: date
    horizon_end: date
    config: Config


def due_items(contacts: Iterable[Contact], today: date, config: Config) -> list[Item]:
    """Every item due on or before today + horizon, sorted by due date, then name."""
    context = make_context(today, config)
    per_contact = [contact_items(contact, context) for contact in contacts]
    return combine(per_contact, context)


def make_context(today: date, config: Config) -> Context:
    return Context(today, config.horizon.after(today), config)


@dataclass(frozen=True, slots=True)
class KeepInTouch:
    """Where a contact stands with keeping in touch: the one answer the digest's cadence
    item, `stats`, `share` and `prep` all give.

    `state`: archived, snoozed (until `snooze`: the digest asks nothing of them), never
    logged, overdue (the keep-in-touch date `due` passed), due (it falls within the
    horizon), dormant (silent past reconnect_after), or on track.
    """

    state: str
    cadence: Duration | None
    last: date | None
    due: date | None


def keep_in_touch(contact: Contact, context: Context) -> KeepInTouch:
    cadence, _ = effective_cadence(contact, context.config)
    last = last_contact(contact, context.today)
    due = cadence.after(last) if cadence and last is not None else None

    def stands(state: str) -> KeepInTouch:
        return KeepInTouch(state, cadence, last, due)

    if contact.archived:
        return stands("archived")
    if contact.snooze is not None and contact.snooze > context.today:
        return stands("snoozed")
    if last is None:
        return stands("never_logged")
    if due is not None and due < context.today:
        return stands("overdue")
    if due is not None and due <= context.horizon_end:
        return stands("due")
    if context.config.reconnect_after.after(last) <= context.today:
        return stands("dormant")
    return stands("on_track")


def contact_items(contact: Contact, context: Context) -> tuple[list[Item], list[Item]]:
    """One contact's items, and its reconnect candidacy (chosen among all by `combine`).

    Split out so that a long-running watcher can recompute only changed contacts.
    """
    if contact.archived:
        return [], []
    snoozed = contact.snooze is not None and contact.snooze > context.today
    rules = (birthday_items,) if snoozed else _RULES
    items = [
        item for rule in rules for item in rule(contact, context) if item.due <= context.horizon_end
    ]
    reconnect = [] if snoozed else list(reconnect_items(contact, context))
    return items, reconnect


def combine(per_contact: Iterable[tuple[list[Item], list[Item]]], context: Context) -> list[Item]:
    """All contacts' items plus this week's reconnect picks, sorted."""
    items: list[Item] = []
    candidates: list[Item] = []
    for own, reconnect in per_contact:
        items.extend(own)
        candidates.extend(reconnect)
    items.extend(pick_reconnects(candidates, context.today, context.config.reconnect_per_digest))
    return sorted(items, key=Item.sort_key)


def status_for(due: date, today: date) -> Status:
    if due < today:
        return Status.OVERDUE
    return Status.TODAY if due == today else Status.UPCOMING


def _item(kind: ItemKind, contact: Contact, due: date, line: int | None, text: str, today: date,
          context: str | None = None) -> Item:  # fmt: skip
    status = status_for(due, today)
    return Item(kind, status, due, contact.name, contact.path, line, text, context=context)


def _entry_item(kind: ItemKind, contact: Contact, due: date, entry: Interaction, text: str,
                today: date) -> Item:  # fmt: skip
    """An item that points at the line of an interaction, in whichever note it was written."""
    status = status_for(due, today)
    return Item(kind, status, due, contact.name, contact.path, entry.line, text, 3, entry.source)


# -- what the rules share ------------------------------------------------------


def past_interactions(contact: Contact, today: date) -> list[Interaction]:
    """Interactions on or before today, oldest first (same-day ties in written order)."""
    return [entry for entry in contact.interactions if entry.on <= today]


def last_contact(contact: Contact, today: date) -> date | None:
    """The later of `last_contact`, the `met` date and the newest interaction up to today."""
    candidates = [day for day in (contact.last_contact, contact.met) if day and day <= today]
    past = past_interactions(contact, today)
    if past:
        candidates.append(past[-1].on)
    return max(candidates, default=None)


def effective_cadence(contact: Contact, config: Config) -> tuple[Duration, str]:
    """The contact's own cadence, else the shortest of its tags', else the default.

    Returns the cadence (zero for none) and the front-matter key it came from.
    """
    if contact.cadence is not None:
        return contact.cadence, "cadence"
    tagged = [
        config.tag_cadences[tag.casefold()]
        for tag in contact.tags
        if tag.casefold() in config.tag_cadences
    ]
    if tagged:
        return min(tagged, key=Duration.approx_days), "tags"
    return config.default_cadence, ""


_TOPIC_WIDTH = 60  # the last topic is a reminder, not the whole entry


def about_contact(contact: Contact, context: Context) -> str | None:
    """What makes a keep-in-touch or reconnect message easy to write: their company, how
    you met (where, or who introduced you), and what you last talked about."""
    reading = context.config.reading
    parts = [contact.company] if contact.company else []
    met_at = contact_field(contact, "met_at", reading)
    introduced = contact_field(contact, "introduced_by", reading)
    if met_at:
        parts.append(f"met at {met_at}")
    elif introduced:
        parts.append(f"introduced by {introduced}")
    past = [entry for entry in contact.interactions if entry.on <= context.today and entry.text]
    if past:
        topic = link_text(past[-1].text)
        if len(topic) > _TOPIC_WIDTH:
            topic = topic[: _TOPIC_WIDTH - 1].rstrip() + "…"
        parts.append(f"last: {topic}")
    return " · ".join(parts) or None


# -- the rules -----------------------------------------------------------------


def cadence_items(contact: Contact, context: Context) -> Iterator[Item]:
    cadence, source = effective_cadence(contact, context.config)
    if not cadence:
        return
    last = last_contact(contact, context.today)
    line = contact.key_lines.get(source)
    about = about_contact(contact, context)
    if last is None:
        text = f"keep in touch every {cadence}; never logged"
        yield _item(ItemKind.CADENCE, contact, context.today, line, text, context.today, about)
        return
    text = f"keep in touch every {cadence}; last contact {last.isoformat()}"
    due = cadence.after(last)
    yield _item(ItemKind.CADENCE, contact, due, line, text, context.today, about)


def follow_up_items(contact: Contact, context: Context) -> Iterator[Item]:
    promised = contact.follow_up
    if promised is None:
        return
    if any(promised <= entry.on <= context.today for entry in contact.interactions):
        return
    line = contact.key_lines.get("follow_up")
    text = f"follow up as planned for {promised.isoformat()}"
    yield _item(ItemKind.FOLLOW_UP, contact, promised, line, text, context.today)


def task_items(contact: Contact, context: Context) -> Iterator[Item]:
    """Open tasks with a date, as the Tasks plugin reads them: due on their due date, else
    on their scheduled date; not before their start date; ordered by priority in a day."""
    for task in contact.tasks:
        due = task.due or task.scheduled
        if task.state is not TaskState.OPEN or due is None:
            continue
        if task.start is not None and task.start > context.today:
            continue
        text = f"task: {task.text}"
        item = _item(ItemKind.TASK, contact, due, task.line, text, context.today)
        yield replace(item, rank=task.priority) if task.priority != item.rank else item


def birthday_items(contact: Contact, context: Context) -> Iterator[Item]:
    if contact.birthday is None:
        return
    day = contact.birthday.on_or_after(context.today)
    text = f"birthday on {day.day} {MONTH_NAMES[day.month - 1]}"
    if contact.birthday.year is not None:
        text += f" (turns {day.year - contact.birthday.year})"
    line = contact.key_lines.get("birthday")
    yield _item(ItemKind.BIRTHDAY, contact, day, line, text, context.today)


def waiting_items(contact: Contact, context: Context) -> Iterator[Item]:
    past = [
        entry
        for entry in past_interactions(contact, context.today)
        if not (entry.direction is Direction.OUT and (entry.kind or "").lower() in NO_ANSWER_KINDS)
    ]  # a thank-you sent after an unanswered e-mail leaves the e-mail waiting
    if not past or past[-1].direction is not Direction.OUT:
        return
    run = 0
    for entry in reversed(past):
        if entry.direction is not Direction.OUT:
            break
        run += 1
    if run >= context.config.max_nudges:
        return  # they have had enough messages from us; the digest stops nagging
    sent = past[-1]
    due = context.config.nudge_after.after(sent.on)
    if due > context.today:
        return
    what = f"{sent.kind} " if sent.kind else ""
    text = f"no reply to {what}sent {sent.on.isoformat()}"
    if sent.text:
        text += f": {sent.text}"
    if run > 1:
        text += f" ({run} unanswered)"
    yield _entry_item(ItemKind.WAITING, contact, due, sent, text, context.today)


def reply_items(contact: Contact, context: Context) -> Iterator[Item]:
    """They wrote to you (`<- email`, as `capture` logs mail), and you have not written or
    talked to them since, nor planned to: after `reply_within`, answer them. Shown until
    you do (or log any contact), for as long as `reconnect_after`; after that it is an
    old tie's matter."""
    past = past_interactions(contact, context.today)
    if not past or past[-1].direction is not Direction.IN:
        return
    received = past[-1]
    if (received.kind or "").lower() not in WRITTEN_KINDS:
        return
    if len(contact.interactions) > len(past):
        return  # a meeting planned since: you did answer (the lunch they asked for)
    due = context.config.mail.reply_within.after(received.on)
    if due > context.today or context.config.reconnect_after.after(received.on) < context.today:
        return
    text = f"reply to their {received.kind.lower()} of {received.on.isoformat()}"
    if received.text:
        text += f": {received.text}"
    yield _entry_item(ItemKind.REPLY, contact, due, received, text, context.today)


def thanks_items(contact: Contact, context: Context) -> Iterator[Item]:
    past = past_interactions(contact, context.today)
    if not past or not past[-1].is_meeting:
        return
    meeting = past[-1]
    if context.config.thank_within.after(meeting.on) < context.today:
        return
    text = f"send a thank-you for the {meeting.kind} on {meeting.on.isoformat()}"
    if meeting.text:
        text += f": {meeting.text}"
    due = add_days(meeting.on, 1)
    yield _entry_item(ItemKind.THANKS, contact, due, meeting, text, context.today)


def meeting_items(contact: Contact, context: Context) -> Iterator[Item]:
    for entry in contact.interactions:
        if context.today < entry.on <= context.horizon_end:
            what = f"{entry.kind}: " if entry.kind and not entry.from_heading else ""
            text = f"planned {what}{entry.text}".rstrip(": ")
            yield _entry_item(ItemKind.MEETING, contact, entry.on, entry, text, context.today)


def reconnect_items(contact: Contact, context: Context) -> Iterator[Item]:
    """Candidates only: `pick_reconnects` chooses the few the digest shows."""
    cadence, _ = effective_cadence(contact, context.config)
    if cadence:
        return
    last = last_contact(contact, context.today)
    if last is None or context.config.reconnect_after.after(last) > context.today:
        return
    past = past_interactions(contact, context.today)
    newest = past[-1] if past and past[-1].on == last else None
    line, source = (newest.line, newest.source) if newest else (None, None)
    text = f"reconnect: last contact {last.isoformat()}"
    yield Item(ItemKind.RECONNECT, Status.SUGGESTED, context.today, contact.name, contact.path,
               line, text, 3, source, about_contact(contact, context))  # fmt: skip


def pick_reconnects(candidates: list[Item], today: date, limit: int) -> list[Item]:
    """A rotation by ISO week: each week shows the next `limit` candidates in a stable order.

    The order is a hash of each path, so it does not favour the start of the
    alphabet, and it does not change when a contact is added elsewhere in it.
    Over enough weeks every candidate comes up.
    """
    return pick_from_rotation(sorted(candidates, key=rotation_key), today, limit)


def rotation_key(item: Item) -> tuple[bytes, str]:
    """The order reconnect candidates take turns in (see `pick_reconnects`)."""
    return _stable_hash(item.path), item.path


def pick_from_rotation(ordered: list[Item], today: date, limit: int) -> list[Item]:
    """`pick_reconnects` from candidates already sorted by `rotation_key`."""
    if not ordered or limit <= 0:
        return []
    week = (today - date(1, 1, 1)).days // 7  # weeks since a Monday: the ISO week's index
    start = (week * limit) % len(ordered)
    count = min(limit, len(ordered))
    return [ordered[(start + offset) % len(ordered)] for offset in range(count)]


def _stable_hash(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()


_RULES: tuple[Callable[[Contact, Context], Iterator[Item]], ...] = (
    cadence_items,
    follow_up_items,
    task_items,
    birthday_items,
    waiting_items,
    reply_items,
    thanks_items,
    meeting_items,
)
