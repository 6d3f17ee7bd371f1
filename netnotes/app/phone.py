"""`netnotes caldav`: the digest's items as to-dos on the phone, and back.

One run reads the collection (store/todo_server.py), plans (core/todos.py), writes what
the phone did into the notes through the guarded writer, then sends what changed:

- a to-do ticked on the phone: a task is ticked (`✅ DAY`); any other item gets the log
  line that does it (`- DAY -> thanks: done from the phone`); a planned meeting asks
  for nothing. The to-do is then marked as written, so no run or clone writes it twice.
- a to-do moved to a later day: the item waits until then (a task's dates move; a
  follow-up's `follow_up:` moves; anything else is a `snooze:` on the contact).
- a to-do deleted on the phone: that occurrence is dismissed, in `netnotes-dismissed.txt`.

A note that changed since the digest was read so that the item is no longer due, or an
item that is gone, is a conflict: said, and nothing written. Errors reaching the server
come before any note is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial

from netnotes.core.config import PHONE_MEMORY
from netnotes.core.errors import NetnotesError
from netnotes.core.model import Contact, Item, ItemKind, TaskState
from netnotes.core.reading import spelling_of
from netnotes.core.rules import contact_items, make_context
from netnotes.core.todos import DONE_KINDS, DONE_TEXT, PHONE_KINDS, PhoneTodo, Plan, plan, todo_uid
from netnotes.store.vault import Vault

_MEMORY_HEADER = (
    "# netnotes: to-dos deleted on the phone, which `netnotes caldav` does not send again.\n"
    "# One UID a line; git merges this file by keeping both sides' lines.\n"
)


@dataclass
class PhoneReport:
    """What one run did (or, with --dry-run, would do), a line each."""

    sent: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [*self.written, *self.sent, *(f"conflict: {line}" for line in self.conflicts)]


def sync_phone(vault: Vault, today: date, *, dry_run: bool = False) -> PhoneReport:
    from netnotes.app.digest import build_digest
    from netnotes.formats.todos import item_hash, read_todo
    from netnotes.store.todo_server import TodoServer

    settings = vault.config.phone
    if settings is None:
        raise NetnotesError(
            "no [caldav] in netnotes.toml: give the collection's url, user and password_cmd "
            '(docs/recipes.md, "Due items on the phone")'
        )
    report = PhoneReport()
    with TodoServer(settings.server) as server:
        seen = server.seen(vault)

        def look() -> tuple[Plan, dict[str, PhoneTodo], dict[str, str]]:
            items = [item for item in build_digest(vault, today).items
                     if item.kind in PHONE_KINDS]  # fmt: skip
            hashes = {todo_uid(item): item_hash(item) for item in items}
            held: dict[str, PhoneTodo] = {}
            texts: dict[str, str] = {}
            for href, etag, data in server.todos():
                todo = read_todo(href, etag, data)
                if todo is not None:
                    held[todo.uid], texts[todo.uid] = todo, data
            return plan(items, held, hashes, seen, _dismissed(vault), today), held, texts

        the_plan, held, texts = look()
        if dry_run:
            _say_plan(the_plan, report)
            return report
        _dismiss(vault, the_plan.deleted, report)
        if the_plan.done or the_plan.moved:
            _from_the_phone(vault, server, the_plan, texts, today, report)
            # The notes changed, and so did those to-dos: what leaves the digest now
            # leaves the phone in this same run.
            the_plan, held, texts = look()
            _dismiss(vault, the_plan.deleted, report)
        kept = _to_the_phone(server, the_plan, texts, settings.alarm, report)
        server.keep_seen(vault, (set(held) | kept) - {t.uid for t in the_plan.remove})
    return report


# -- from the phone into the notes ------------------------------------------------------


def _from_the_phone(vault, server, the_plan: Plan, texts, today: date, report) -> None:
    from netnotes.formats.todos import marked

    context = make_context(today, vault.config)
    credited = _credited(vault)
    for item, todo in the_plan.done:
        on = min(todo.completed_on or today, today)
        try:
            written = _write(
                vault, item, context, credited, partial(_done, vault, item=item, on=on)
            )
            server.replace(todo.href, todo.etag, marked(texts[todo.uid], "handled"))
        except NetnotesError as error:
            report.conflicts.append(f"{item.contact}: {item.text}: {error}")
            continue
        report.written.append(f"{item.path}: {written or 'done on the phone'}")
    for item, todo in the_plan.moved:
        try:
            change = partial(_moved, vault, item=item, to=todo.due)
            written = _write(vault, item, context, credited, change)
            server.replace(todo.href, todo.etag, marked(texts[todo.uid], "", sent_due=todo.due))
        except NetnotesError as error:
            report.conflicts.append(f"{item.contact}: {item.text}: {error}")
            continue
        report.written.append(f"{item.path}: {written} (moved on the phone)")


def _credited(vault: Vault) -> dict:
    """What meeting and daily notes credit each contact with, as the digest merged it."""
    from netnotes.store.loading import known_people, source_interactions

    return source_interactions(vault, known_people(vault))[0]


def _write(vault: Vault, item: Item, context, credited: dict, change) -> str:
    """Apply `change(contact, text) -> (text, what)` to the item's note under its lock,
    if the note, as it is now, still gives this item; the line written, said."""
    from netnotes.core.sources import with_sources
    from netnotes.store.notes import find_target, write_note

    target = find_target(vault, item.path)
    said: list[str] = []

    def edit(contact: Contact, text: str) -> str:
        merged = with_sources(contact, credited.get(contact.path, ()))
        own, _ = contact_items(merged, context)
        if todo_uid(item) not in {todo_uid(other) for other in own}:
            raise NetnotesError(
                "the note changed since: the item is no longer due; nothing written"
            )
        text, what = change(contact, text)
        said[:] = [what]
        return text

    write_note(vault, target, edit)
    return said[-1] if said else ""


def _done(vault: Vault, contact: Contact, text: str, *, item: Item, on: date) -> tuple[str, str]:
    from netnotes.store.edit import add_log_entry, check_off_task, format_entry, set_key

    if item.kind is ItemKind.TASK:
        task = _task_of(contact, item)
        return check_off_task(text, task.line, on, repeat=task), f"- [x] {task.text} ✅ {on}"
    kind = DONE_KINDS.get(item.kind)
    if kind is None:  # a planned meeting: its day is in the log already
        return text, ""
    entry = format_entry(on, DONE_TEXT, kind, "out")
    text, _ = add_log_entry(text, on, entry, reading=vault.config.reading)
    if item.kind is ItemKind.FOLLOW_UP and contact.follow_up and on < contact.follow_up:
        key = spelling_of(contact.fields, "follow_up", vault.config.reading)
        text = set_key(text, key, None)  # done early: the promise is kept
    return text, f"- {entry}"


def _moved(vault: Vault, contact: Contact, text: str, *, item: Item, to: date) -> tuple[str, str]:
    from netnotes.store.edit import move_task, set_key

    if item.kind is ItemKind.TASK:
        task = _task_of(contact, item)
        return move_task(text, task.line, task, to), f"task '{task.text}' now due {to}"
    reading = vault.config.reading
    if item.kind is ItemKind.FOLLOW_UP:
        key = spelling_of(contact.fields, "follow_up", reading)
        return set_key(text, key, to.isoformat()), f"{key}: {to}"
    if contact.snooze is not None and contact.snooze >= to:
        return text, f"snoozed until {contact.snooze} already"
    key = spelling_of(contact.fields, "snooze", reading)
    return set_key(text, key, to.isoformat()), f"{key}: {to}"


def _task_of(contact: Contact, item: Item):
    for task in contact.tasks:
        if task.state is TaskState.OPEN and f"task: {task.text}" == item.text:
            return task
    raise NetnotesError("the task is no longer open in the note; nothing written")


# -- to the phone -----------------------------------------------------------------------


def _to_the_phone(server, the_plan: Plan, texts, alarm, report: PhoneReport) -> set[str]:
    """Send the plan's changes, each conditional; the UIDs created."""
    from netnotes.formats.todos import marked, summary_of, todo_text
    from netnotes.store.todo_server import Conflict

    stamp = datetime.now(UTC).replace(microsecond=0)
    sends = [
        *((f"sent: {summary_of(item)}", lambda i=item: server.create(
            todo_uid(i), todo_text(i, alarm, stamp))) for item in the_plan.create),
        *((f"changed: {summary_of(item)}", lambda i=item, t=todo: server.replace(
            t.href, t.etag, todo_text(i, alarm, stamp))) for item, todo in the_plan.update),
        *((f"back on the phone: {summary_of(item)}", lambda t=todo: server.replace(
            t.href, t.etag, marked(texts[t.uid], "", complete=False)))
          for item, todo in the_plan.reopen),
        *((f"completed (no longer due): {todo.uid}", lambda t=todo: server.replace(
            t.href, t.etag, marked(texts[t.uid], "closed", complete=True)))
          for todo in the_plan.close),
        *((f"removed (dismissed): {todo.uid}", lambda t=todo: server.delete(t.href, t.etag))
          for todo in the_plan.remove),
    ]  # fmt: skip
    for line, send in sends:
        try:
            send()
        except Conflict as conflict:
            report.conflicts.append(str(conflict))
            continue
        report.sent.append(line)
    return {todo_uid(item) for item in the_plan.create}  # made now, or by a clone meanwhile


def _say_plan(the_plan: Plan, report: PhoneReport) -> None:
    from netnotes.formats.todos import summary_of

    report.written += [f"would write: {summary_of(i)}: done on the phone" for i, _ in the_plan.done]
    report.written += [f"would write: {summary_of(i)}: moved to {t.due}" for i, t in the_plan.moved]
    report.written += [f"would dismiss: {uid} (deleted on the phone)" for uid in the_plan.deleted]
    report.sent += [f"would send: {summary_of(item)}" for item in the_plan.create]
    report.sent += [f"would change: {summary_of(item)}" for item, _ in the_plan.update]
    report.sent += [f"would reopen: {summary_of(item)}" for item, _ in the_plan.reopen]
    report.sent += [f"would complete (no longer due): {todo.uid}" for todo in the_plan.close]
    report.sent += [f"would remove (dismissed): {todo.uid}" for todo in the_plan.remove]


# -- what the vault remembers ----------------------------------------------------------


def _dismissed(vault: Vault) -> set[str]:
    from netnotes.store.memory_files import read_memory

    return read_memory(vault.root / PHONE_MEMORY, "netnotes' dismissed to-dos")[1]


def _dismiss(vault: Vault, uids: list[str], report: PhoneReport) -> None:
    if uids:
        _remember(vault, uids)
        report.written += [
            f"{PHONE_MEMORY}: dismissed {uid} (deleted on the phone)" for uid in uids
        ]


def _remember(vault: Vault, uids: list[str]) -> None:
    from netnotes.store.memory_files import append_memory, read_memory
    from netnotes.store.writer import note_lock

    path = vault.root / PHONE_MEMORY
    with note_lock(vault.locks_dir, path):
        text, held = read_memory(path, "netnotes' dismissed to-dos")
        new = [uid for uid in dict.fromkeys(uids) if uid not in held]
        if new:
            append_memory(vault, path, text, _MEMORY_HEADER, new)
