"""Mail on disk (Maildir trees and mbox files) → envelopes, reading headers only.

A Maildir tree is walked whole, as notmuch and mu walk it: every file under the
folder but those in `tmp/` (mail still being delivered) and hidden folders
(`.notmuch`). mbsync, offlineimap and lieer write such trees. An mbox file (Gmail
Takeout) is split by the standard library's `mailbox.mbox`. Of each message only the
header block is read (at most 256 KiB, through the bounded reader) and parsed by
`email`'s header parser; the body is never read.

Each message's envelope is cached in the index (table `mail`): a Maildir file by its
folder and unique name (the part before `:2,`, which a flag change or a move from
new/ to cur/ keeps), an mbox file whole by its size and mtime. A run with nothing new
parses nothing.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import NamedTuple

from netnotes.core.mail import Envelope, envelope_of
from netnotes.store import index
from netnotes.store.notefile import NoteUnreadable, read_bounded
from netnotes.store.vault import Vault

HEADER_BYTES = 256 * 1024  # a header block larger than this is no mail anyone wrote
_FIRST_READ = 16 * 1024  # most header blocks fit: one small read
MAX_MBOX_BYTES = 64 * 1024**3


class Message(NamedTuple):
    """One message found: where (for reports), and its envelope or why it has none."""

    where: str
    envelope: Envelope | None
    skipped: str | None = None


TABLES = """
CREATE TABLE IF NOT EXISTS mail (key TEXT PRIMARY KEY, stamp TEXT NOT NULL, data TEXT NOT NULL);
"""


def read_mail(
    vault: Vault, maildirs: list[Path], mboxes: list[Path], remote=None
) -> Iterator[Message]:
    """Every message of the Maildir trees and mbox files, then those `remote(cache)`
    gives (store/imap.py's `read_imap`), from the cache where it can; one at a time, so
    that a caller that keeps only what it needs holds 100,000 messages in little
    memory. The cache is written once the last message is given."""
    connection = index.open_cache(vault, TABLES) if vault.use_cache else None
    cache = MessageCache(connection)
    try:
        for folder in maildirs:
            yield from _maildir(folder, cache)
        for path in mboxes:
            yield from _mbox(path, cache)
        if remote is not None:
            yield from remote(cache)
        cache.save()
    finally:
        if connection is not None:
            connection.close()


# -- Maildir ---------------------------------------------------------------------------


def maildir_files(folder: Path) -> Iterator[tuple[str, str]]:
    """(the message's key, its path) for every message file of a Maildir tree, in order.
    Paths as text: a mailbox holds 100,000 of them, and Path objects cost a second."""
    if not folder.is_dir():
        raise NoteUnreadable(f"{folder}: not a folder (a Maildir is one)")
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if f != "tmp" and not f.startswith("."))
        name_of_root = os.path.basename(root)
        box = os.path.dirname(root) if name_of_root in ("cur", "new") else root
        for name in sorted(files):
            if name.startswith("."):
                continue
            unique = name.split(":2,", 1)[0].split("!2,", 1)[0]
            yield f"maildir:{box}/{unique}", os.path.join(root, name)


# A Maildir message file never changes once delivered (a flag or a move to cur/ changes
# its name, not its key): a cached one is not even looked at again.
_DELIVERED = "delivered"


def _maildir(folder: Path, cache: MessageCache) -> Iterator[Message]:
    cache.read_from.append(f"maildir:{folder}/")
    for key, path in maildir_files(folder):
        cached = cache.get(key, _DELIVERED)
        if cached is not None:
            yield Message(path, *cached[0])
            continue
        message = message_from_head(path, lambda path=path: _head_of_file(Path(path)))
        cache.put(key, _DELIVERED, [(message.envelope, message.skipped)])
        yield message


def _head_of_file(path: Path) -> bytes:
    data = read_bounded(path, _FIRST_READ, what="a mail message", head=True)
    if len(data) == _FIRST_READ and _header_end(data) < 0:
        data = read_bounded(path, HEADER_BYTES, what="a mail message", head=True)
    return data


# -- mbox ------------------------------------------------------------------------------


def _mbox(path: Path, cache: MessageCache) -> list[Message]:
    import mailbox

    try:
        info = path.stat()
    except OSError as error:
        raise NoteUnreadable(f"{path}: cannot read: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise NoteUnreadable(f"{path}: not a regular file (an mbox is one)")
    if info.st_size > MAX_MBOX_BYTES:
        raise NoteUnreadable(f"{path}: larger than 64 GiB, too large for an mbox")
    key, stamp = f"mbox:{path.resolve()}", f"{info.st_size}:{info.st_mtime_ns}"
    cached = cache.get(key, stamp)
    if cached is not None:
        return [Message(f"{path}, message {n}", *row) for n, row in enumerate(cached, 1)]
    box = mailbox.mbox(path, create=False)
    found = []
    try:
        for number, message_key in enumerate(box.iterkeys(), start=1):

            def head(message_key=message_key) -> bytes:
                with box.get_file(message_key) as handle:
                    return handle.read(HEADER_BYTES)

            found.append(message_from_head(f"{path}, message {number}", head))
    finally:
        box.close()
    cache.put(key, stamp, [(m.envelope, m.skipped) for m in found])
    return found


# -- one message -----------------------------------------------------------------------

_PARSER = BytesHeaderParser(policy=compat32)


def _header_end(data: bytes) -> int:
    ends = [i for i in (data.find(b"\n\n"), data.find(b"\r\n\r\n")) if i >= 0]
    return min(ends) if ends else -1


def message_from_head(where: str, read_head) -> Message:
    """The envelope of one message; a message that cannot be read or used is skipped with
    the reason, never raised (one broken file never stops the others)."""
    try:
        data = read_head()
    except NoteUnreadable as error:
        return Message(where, None, str(error))
    except OSError as error:
        return Message(where, None, f"cannot read: {error.strerror or error}")
    end = _header_end(data)
    head = data if end < 0 else data[: end + 1]
    if not head.strip():
        return Message(where, None, "no headers: not a mail message")
    try:
        envelope = envelope_of(_PARSER.parsebytes(head))
    except Exception as error:  # the email package on bytes no RFC foresaw
        return Message(where, None, f"headers not readable ({type(error).__name__})")
    if isinstance(envelope, str):
        return Message(where, None, envelope)
    return Message(where, envelope)


# -- the cache -------------------------------------------------------------------------


class MessageCache:
    """Envelopes by message key and stamp, read all at once and written once at the end;
    without a cache (none, busy, damaged) every message is read."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.known: dict[str, tuple[str, str]] = {}
        self.fresh: list[tuple[str, str, str]] = []
        self.read_from: list[str] = []  # the key prefixes of the sources read this run
        if connection is not None:
            try:
                rows = connection.execute("SELECT key, stamp, data FROM mail")
                self.known = {key: (stamp, data) for key, stamp, data in rows}
            except index.CACHE_ERRORS:
                self.connection = None

    def get(self, key: str, stamp: str) -> list[tuple[Envelope | None, str | None]] | None:
        cached = self.known.pop(key, None)  # given once: let it go as the run goes on
        if cached is None or cached[0] != stamp:
            return None
        try:
            return [
                (Envelope(*envelope[:3], tuple(envelope[3]), *envelope[4:]) if envelope
                 else None, skipped)
                for envelope, skipped in json.loads(cached[1])
            ]  # fmt: skip
        except (ValueError, TypeError):  # damaged: read the message again
            return None

    def put(self, key: str, stamp: str, rows) -> None:
        if self.connection is not None:
            self.fresh.append((key, stamp, json.dumps(rows, ensure_ascii=False)))

    def save(self) -> None:
        """Write what was read, and forget the messages gone from the sources read."""
        prefixes = tuple(self.read_from)
        # What is left in `known` was never asked for: messages gone from the sources read.
        gone = [(key,) for key in self.known if key.startswith(prefixes)]
        if self.connection is None or not (self.fresh or gone):
            return
        # Best effort: the next run reads the messages not kept again.
        index.store_rows(
            self.connection,
            ("INSERT OR REPLACE INTO mail (key, stamp, data) VALUES (?, ?, ?)", self.fresh),
            ("DELETE FROM mail WHERE key = ?", gone),
        )
