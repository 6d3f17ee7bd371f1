"""Reading a note's bytes from disk without trusting what the name points at.

A `*.md` name in the contacts folder may be a symlink to `/dev/zero` (which
never ends), a FIFO (whose open blocks until a writer comes), a dangling or
looping link, a folder, or simply a file far too large to be a note. Every
command reads notes through `read_note_bytes`, which opens without blocking,
checks that what it opened is a regular file, and reads at most
MAX_NOTE_BYTES: anything else is a `NoteUnreadable` whose message names the
cause, and the caller turns it into a problem or an error.
"""

from __future__ import annotations

import errno
import os
import stat

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
    try:
        return _read(path, limit)
    except NoteUnreadable as error:
        error.path = os.fspath(path)
        raise


def _read(path: str | os.PathLike[str], limit: int) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise _unreadable(path, error) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NoteUnreadable(f"{describe_mode(info.st_mode)}, not a note: skipped")
        if info.st_size > limit:
            raise NoteUnreadable(_too_large(limit))
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
            raise NoteUnreadable(_too_large(limit))
        return data
    finally:
        os.close(descriptor)


def _too_large(limit: int) -> str:
    return f"larger than {limit // 1024} KiB, too large for a note: skipped"


def _unreadable(path, error: OSError) -> NoteUnreadable:
    if error.errno == errno.ELOOP:
        return NoteUnreadable("a symbolic link that loops: skipped")
    if error.errno == errno.ENOENT and os.path.islink(path):
        return NoteUnreadable(f"a symbolic link to {os.readlink(path)}, which does not exist")
    if error.errno == errno.EISDIR:
        return NoteUnreadable("a folder, not a note: skipped")
    return NoteUnreadable(f"cannot read: {error.strerror}")
