"""Contacts and problems to bytes and back, for the index cache.

marshal, not pickle: it is fast and builds only plain values (tuples, str,
int, dicts), so a tampered cache file can at worst fail to decode (we then
re-parse), never run code. Dates travel as ordinals.

Every blob ends with a short keyed hash of its bytes: a flipped bit that
still decodes to plausible values (a date one day off) is caught as damage
rather than believed.
"""

from __future__ import annotations

import hashlib
import marshal
from datetime import date

from netnotes.core.dates import Birthday, Duration
from netnotes.core.identity import Summary
from netnotes.core.model import (
    Contact,
    Direction,
    Interaction,
    Problem,
    Severity,
    Task,
    TaskState,
)

FORMAT = 4  # bump when the encoding changes; the cache also keys on the parser's source

# Enum lookups by value are slow in a hot loop; plain dicts are not.
_DIRECTIONS = {member.value: member for member in Direction}
_DIRECTION_VALUES = {member: member.value for member in Direction}  # `.value` is a descriptor
_STATES = {member.value: member for member in TaskState}
_SEVERITIES = {member.value: member for member in Severity}
_fromordinal = date.fromordinal
_SEAL_BYTES = 8


def _seal(data: bytes) -> bytes:
    return data + hashlib.blake2b(data, digest_size=_SEAL_BYTES, key=b"netnotes").digest()


def _unseal(blob: bytes) -> bytes:
    data, seal = blob[:-_SEAL_BYTES], blob[-_SEAL_BYTES:]
    if len(blob) <= _SEAL_BYTES or _seal(data)[-_SEAL_BYTES:] != seal:
        raise ValueError("damaged cache record")
    return data


def _day(value: date | None) -> int | None:
    return value.toordinal() if value else None


def _undays(value: int | None) -> date | None:
    return date.fromordinal(value) if value is not None else None


def encode(contact: Contact | None, problems: list[Problem] | tuple[Problem, ...]) -> bytes:
    """Raise ValueError when the note holds a value marshal cannot keep (it is then not cached)."""
    encoded_problems = plain_problems(problems)
    if contact is None:
        return _seal(marshal.dumps((FORMAT, None, encoded_problems)))
    c = contact
    record = (
        c.path, c.name, c.aliases, c.tags, c.emails, c.phones, c.interests, c.company, c.role,
        (c.cadence.months, c.cadence.days) if c.cadence is not None else None,
        _day(c.last_contact), _day(c.met), _day(c.follow_up),
        (c.birthday.month, c.birthday.day, c.birthday.year) if c.birthday else None,
        _day(c.snooze), c.archived,
        tuple((on.toordinal(), _DIRECTION_VALUES[direction], kind, text, line, sequence, heading,
               source)
              for on, direction, kind, text, line, sequence, heading, source in c.interactions),
        tuple((t.text, t.state.value, _day(t.due), _day(t.done_on), t.line, _day(t.scheduled),
               _day(t.start), t.priority, t.recurrence) for t in c.tasks),
        c.key_lines, c.fields,
    )  # fmt: skip
    return _seal(marshal.dumps((FORMAT, record, encoded_problems)))


def decode(data: bytes) -> tuple[Contact | None, tuple[Problem, ...]]:
    """Raise ValueError (or TypeError) for anything that is not what `encode` wrote."""
    return build(peek(data))


def peek(data: bytes) -> tuple:
    """The plain values of a record (cheap); `build` makes the objects (the costly part)."""
    raw = marshal.loads(_unseal(data))
    if not isinstance(raw, tuple) or len(raw) != 3 or raw[0] != FORMAT:
        raise ValueError("not a cache record of this format")
    return raw


def plain_problems(problems) -> tuple:
    """Problems as plain values (see `problems_of`)."""
    return tuple((p.path, p.line, p.severity.value, p.message) for p in problems)


def problems_of(encoded: tuple) -> tuple[Problem, ...]:
    return tuple(
        Problem(path, line, _SEVERITIES[severity], message)
        for path, line, severity, message in encoded
    )


def summary(raw: tuple) -> tuple[Summary | None, tuple[Problem, ...]]:
    """From `peek`'s values: what `list` and `check` need, without building the contact."""
    _, record, encoded_problems = raw
    problems = problems_of(encoded_problems)
    if record is None:
        return None, problems
    interactions, key_lines = record[16], record[18]
    found = Summary(
        record[0], record[1], record[2], record[3], record[4], record[7], record[8], record[6],
        record[10], record[11],
        tuple(entry[0] for entry in interactions),  # stored oldest first (see parse)
        key_lines.get("name"), key_lines.get("emails"),
    )  # fmt: skip
    return found, problems


def build(raw: tuple) -> tuple[Contact | None, tuple[Problem, ...]]:
    _, record, encoded_problems = raw
    problems = problems_of(encoded_problems)
    if record is None:
        return None, problems
    (path, name, aliases, tags, emails, phones, interests, company, role, cadence, last_contact,
     met, follow_up, birthday, snooze, archived, interactions, tasks, key_lines,
     fields) = record  # fmt: skip
    contact = Contact(
        path=path, name=name, aliases=aliases, tags=tags, emails=emails, phones=phones,
        interests=interests, company=company, role=role,
        cadence=Duration(*cadence) if cadence is not None else None,
        last_contact=_undays(last_contact), met=_undays(met), follow_up=_undays(follow_up),
        birthday=Birthday(*birthday) if birthday else None, snooze=_undays(snooze),
        archived=archived,
        interactions=tuple(
            Interaction(_fromordinal(on), _DIRECTIONS[direction], kind, text, line, sequence,
                        from_heading, source)
            for on, direction, kind, text, line, sequence, from_heading, source in interactions
        ),
        tasks=tuple(
            Task(text, _STATES[state], _undays(due), _undays(done_on), line, _undays(scheduled),
                 _undays(start), priority, recurrence)
            for text, state, due, done_on, line, scheduled, start, priority, recurrence in tasks
        ),
        key_lines=key_lines, fields=fields,
    )  # fmt: skip
    return contact, problems


# -- per-note results: what a use case computed from each note, all of a vault in one blob ----


def encode_results(rows: dict[str, tuple[int, int, tuple]]) -> bytes:
    """{path: (mtime_ns, size, plain values)} of a whole vault, in one blob."""
    return _seal(marshal.dumps((FORMAT, rows)))


def decode_results(data: bytes) -> dict[str, tuple[int, int, tuple]]:
    version, rows = marshal.loads(_unseal(data))
    if version != FORMAT or not isinstance(rows, dict):
        raise ValueError("not a set of results of this format")
    return rows


def encode_source(settings: tuple, mentions: tuple, problems) -> bytes:
    """A source note's mentions (already plain values) and problems, read under `settings`
    (SourceSettings.reading(): plain tuples)."""
    return _seal(marshal.dumps((FORMAT, settings, mentions, plain_problems(problems))))


def decode_source(data: bytes, settings: tuple) -> tuple[tuple, tuple[Problem, ...]]:
    """(mentions as plain tuples, problems); ValueError when read under other settings."""
    version, held, mentions, problems = marshal.loads(_unseal(data))
    if version != FORMAT or held != settings:
        raise ValueError("not a source record of this format and these settings")
    return mentions, problems_of(problems)


def encode_memo(value: tuple) -> bytes:
    return _seal(marshal.dumps((FORMAT, value)))


def decode_memo(data: bytes) -> tuple:
    version, value = marshal.loads(_unseal(data))
    if version != FORMAT or not isinstance(value, tuple):
        raise ValueError("not a memo of this format")
    return value
