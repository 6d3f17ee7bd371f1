"""Mail as evidence of contact: a message's headers → an envelope → log lines. Pure.

Only headers are read (From, To, Cc, Date, Subject, Message-ID and the headers that
mark list, bulk and automated mail); a body is never read or kept. `store/mailboxes.py`
finds the messages and hands their headers here; `app/capture.py` writes the lines.
docs/mail.md says all this for users.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import hashlib
import re
from collections.abc import Iterable
from datetime import date
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_tz
from typing import NamedTuple

from netnotes.core.safetext import printable


class Envelope(NamedTuple):
    """What capture needs of one message (plain values, for the cache)."""

    message_id: str  # as written, or a stand-in made from the headers when it has none
    day: int  # date ordinal of the Date header, in the sender's own time zone
    sender: str  # the From address, lower case
    recipients: tuple[str, ...]  # To and Cc addresses, lower case
    subject: str  # decoded, on one line
    automated: str | None  # why this is no conversation (a list, bulk mail...), or None


# Addresses that never belong to a person, whatever the settings say.
ALWAYS_IGNORED = ("noreply@*", "no-reply@*", "donotreply@*", "mailer-daemon@*", "postmaster@*")


def envelope_of(headers: Message) -> Envelope | str:
    """The envelope of a message; a text saying why when it cannot be one (no From, no
    usable Date): such a message is skipped, and said."""
    senders = _addresses(headers, "from")
    if not senders:
        return "no From address"
    day = _day(headers.get("date"))
    if day is None:
        return f"no usable Date ({_text(headers.get('date', ''))[:40] or 'none'})"
    recipients = tuple(dict.fromkeys(_addresses(headers, "to") + _addresses(headers, "cc")))
    subject = _text(headers.get("subject", ""))
    message_id = _text(headers.get("message-id", "")).strip()
    if not message_id:  # one message, several copies: the same headers give the same id
        seed = "\0".join([senders[0], str(day), subject, *recipients])
        message_id = "<no-id-" + hashlib.blake2b(seed.encode(), digest_size=10).hexdigest() + ">"
    return Envelope(message_id, day, senders[0], recipients, subject, _automated(headers))


def _automated(headers: Message) -> str | None:
    if headers.get("list-id") is not None:
        return "mailing-list mail (List-Id)"
    if headers.get("list-unsubscribe") is not None:
        return "bulk mail (List-Unsubscribe)"
    precedence = _text(headers.get("precedence", "")).strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"bulk mail (Precedence: {precedence})"
    submitted = _text(headers.get("auto-submitted", "")).strip().lower()
    if submitted and submitted != "no":
        return f"automated mail (Auto-Submitted: {submitted})"
    return None


def _addresses(headers: Message, name: str) -> list[str]:
    values = [_text(value) for value in headers.get_all(name, [])]
    found = []
    for _, address in getaddresses(values):
        address = address.strip().strip("<>").lower()
        if "@" in address and " " not in address:
            found.append(address)
    return found


def _day(value) -> int | None:
    parsed = parsedate_tz(_text(value)) if value else None
    if not parsed:
        return None
    year, month, day = parsed[:3]
    if year < 100:  # RFC 2822's obsolete two-digit years
        year += 2000 if year < 50 else 1900
    try:
        return date(year, month, day).toordinal()
    except ValueError:
        return None


def _text(value) -> str:
    """A header's value as text: encoded words decoded, control characters and line
    breaks gone. A header that cannot be decoded is kept as it was."""
    if value is None:
        return ""
    text = str(value)
    if "=?" in text:
        # A broken encoded word: the raw text is still something.
        with contextlib.suppress(Exception):
            text = str(make_header(decode_header(text)))
    return " ".join(printable(text).split())


# -- conversations -----------------------------------------------------------------------


class Capture(NamedTuple):
    """One log line capture writes: a conversation with a contact on a day, one way (mail),
    or a meeting (a calendar's event: core/events.py)."""

    path: str  # the contact's note
    day: int  # ordinal
    direction: str  # "out" (I wrote), "in" (they wrote) or "both" (we met)
    topic: str  # the conversation's subject without Re:/Fwd:, or the event's title
    message_ids: tuple[str, ...]  # every message (or event occurrence) the line stands for
    kind: str = "email"


class Conversations(NamedTuple):
    """What capture makes of a set of envelopes: the lines, and the addresses of the
    people who are not in the vault yet (with how many messages), for `--dry-run`."""

    captures: list[Capture]
    strangers: dict[str, int]


_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|vs|tr|rv)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
MAX_TOPIC = 120


def topic_of(subject: str) -> str:
    """The subject a conversation goes by: `Re: Fwd: Coffee?` → `Coffee?`."""
    topic = _PREFIX.sub("", subject).strip() or "(no subject)"
    return topic if len(topic) <= MAX_TOPIC else topic[: MAX_TOPIC - 1].rstrip() + "…"


def ignored(address: str, patterns: tuple[str, ...]) -> bool:
    return _ignoring(patterns)(address) is not None


@functools.lru_cache(maxsize=16)
def _ignoring(patterns: tuple[str, ...]):
    """One compiled expression for every pattern (fnmatch's): tried on each address of
    100,000 messages, one regular expression is ten times faster than a loop of them."""
    every = (*ALWAYS_IGNORED, *(pattern.lower() for pattern in patterns))
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in every)).match


def conversations(
    envelopes: Iterable[Envelope],
    owners: dict[str, list[str]],
    me: tuple[str, ...],
    *,
    ignore: tuple[str, ...] = (),
    max_recipients: int = 8,
    since: int | None = None,
) -> Conversations:
    """The lines a set of messages gives: for each contact, one line per conversation
    (subject), day and direction. `owners`: address → the notes that list it.

    A message counts once however many copies there are (by Message-ID). Mine (From one
    of `me`) is `out` to each recipient who is a contact; a contact's is `in` from them.
    Not a conversation: list, bulk and automated mail, ignored addresses, and a message
    to more than `max_recipients` people.
    """
    mine = set(me)
    seen: set[str] = set()
    groups: dict[tuple[str, int, str, str], list[str]] = {}
    strangers: dict[str, int] = {}
    for envelope in envelopes:
        if envelope.message_id in seen:
            continue
        seen.add(envelope.message_id)
        if envelope.automated or (since is not None and envelope.day < since):
            continue
        others = [a for a in envelope.recipients if a not in mine and not ignored(a, ignore)]
        if len(envelope.recipients) > max_recipients:
            continue
        topic = topic_of(envelope.subject)
        if envelope.sender in mine:
            people = [(a, "out") for a in others]
        elif ignored(envelope.sender, ignore):
            continue
        else:
            people = [(envelope.sender, "in")]
        for address, direction in people:
            paths = owners.get(address)
            if not paths:
                strangers[address] = strangers.get(address, 0) + 1
                continue
            for path in paths:
                key = (path, envelope.day, direction, topic)
                groups.setdefault(key, []).append(envelope.message_id)
    captures = [
        Capture(path, day, direction, topic, tuple(sorted(ids)))
        for (path, day, direction, topic), ids in sorted(groups.items())
    ]
    return Conversations(captures, strangers)


def remembered(message_id: str) -> str:
    """A message as the vault remembers it captured: a short hash of its Message-ID (so
    the file that keeps them says nothing of the mail), 20 hex digits."""
    return hashlib.blake2b(message_id.encode("utf-8", "replace"), digest_size=10).hexdigest()
