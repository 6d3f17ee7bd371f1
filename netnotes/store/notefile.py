"""The bounded reader: every file netnotes reads, read without trusting the name.

A `*.md` name in the contacts folder may be a symlink to `/dev/zero` (which
never ends), a FIFO (whose open blocks until a writer comes), `/proc/self/mem`
(a "regular" file whose read fails with EIO), `/proc/kmsg` (EAGAIN), a
dangling or looping link, a folder, or simply a file far too large to be a
note. The same holds for a template, `me.md`, the config, an import file and
the output file a command compares its new bytes against. Every one of them is
read through `read_bounded`, which opens without blocking, checks that what it
opened is a regular file, reads at most `limit` bytes and turns any error of
the read itself into a `NoteUnreadable` whose message names the cause; the
caller turns it into a problem or an error. `read_note_bytes` is the same for
a note.
"""

from __future__ import annotations

import errno
import os
import stat

NAME_NOT_UTF8 = "the file name is not UTF-8: rename it (netnotes cannot address it)"
# A contact note is a few kilobytes; a megabyte is a pasted book or a mistake.
MAX_NOTE_BYTES = 1024 * 1024


class NoteUnreadable(OSError):
    """What a name points at cannot be read as a note. The message says why; `path` which."""

    path: str | None = None


def describe_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_note_bytes(path: str | os.PathLike[str], limit: int = MAX_NOTE_BYTES) -> bytes:
    """The bytes of the regular file at `path`; raise NoteUnreadable for anything else."""
    return read_bounded(path, limit, what="a note")


def read_bounded(
    path: str | os.PathLike[str], limit: int, *, what: str = "a note", head: bool = False
) -> bytes:
    """At most `limit` bytes of the regular file at `path`; NoteUnreadable for anything
    else (`what` names what netnotes expected there, for the message). A larger file is
    refused, or with `head` its first `limit` bytes are returned."""
    try:
        return _read(path, limit, what, head)
    except NoteUnreadable as error:
        error.path = os.fspath(path)
        raise
    except OSError as error:  # EIO from /proc/self/mem, EAGAIN from /proc/kmsg, ...
        failure = NoteUnreadable(f"cannot read: {error.strerror or error}")
        failure.path = os.fspath(path)
        raise failure from None


def _read(path: str | os.PathLike[str], limit: int, what: str, head: bool = False) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise _unreadable(path, error) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NoteUnreadable(f"{describe_mode(info.st_mode)}, not {what}: skipped")
        if head:
            return os.read(descriptor, limit)
        if info.st_size > limit:
            raise NoteUnreadable(_too_large(limit, what))
        # One read of the size fstat gave, plus a byte: fewer bytes back means the end of
        # the file (one system call for a note, not two of 64 KiB).
        first = os.read(descriptor, min(info.st_size, limit) + 1)
        if len(first) <= info.st_size:
            return first
        chunks = [first]  # the note grew since fstat: read on, up to the cap
        remaining = limit + 1 - len(first)  # one byte more tells a file that grew past it
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise NoteUnreadable(_too_large(limit, what))
        return data
    finally:
        os.close(descriptor)


def _too_large(limit: int, what: str) -> str:
    return f"larger than {limit // 1024} KiB, too large for {what}: skipped"


def _unreadable(path, error: OSError) -> NoteUnreadable:
    if error.errno == errno.ELOOP:
        return NoteUnreadable("a symbolic link that loops: skipped")
    if error.errno == errno.ENOENT and _listed_for_a_name_not_utf8(os.fspath(path)):
        return NoteUnreadable(NAME_NOT_UTF8)
    if error.errno == errno.ENOENT and os.path.islink(path):
        return NoteUnreadable(f"a symbolic link to {os.readlink(path)}, which does not exist")
    if error.errno == errno.EISDIR:
        return NoteUnreadable("a folder, not a regular file: skipped")
    return NoteUnreadable(f"cannot read: {error.strerror}")


def printable_name(name: str) -> str:
    """A file name as netnotes lists it: one that is not UTF-8 (which Python holds as
    surrogates) spelled with `\\xNN` for each byte, a name no file answers to."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _listed_for_a_name_not_utf8(path: str) -> bool:
    """Whether `path`, which does not exist, is the printable spelling the listing gave
    a file of its folder whose name is not UTF-8 (vault.py lists it so)."""
    folder, name = os.path.split(path)
    if "\\x" not in name:
        return False
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return False
    return any(printable_name(other) == name for other in names if other != name)


def read_text_file(
    path: str | os.PathLike[str],
    what: str,
    *,
    shown: str | None = None,
    limit: int = MAX_NOTE_BYTES,
) -> str | None:
    """The UTF-8 text of a file netnotes reads besides notes (a template, me.md, the
    config, .gitignore); None when it does not exist. Anything else that keeps it from
    being read is a NetnotesError that names the file (`shown`, else the path)."""
    from netnotes.core.errors import NetnotesError

    name = shown or os.fspath(path)
    try:
        data = read_bounded(path, limit, what=what)
    except NoteUnreadable as error:
        if not os.path.lexists(path):
            return None
        raise NetnotesError(f"{name}: {error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NetnotesError(
            f"{name}: not UTF-8 text (byte {error.start + 1}); save it as UTF-8"
        ) from None
