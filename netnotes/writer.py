"""Putting bytes on disk safely: atomic replace, mode kept, nothing half-written.

A reader (an editor, the watcher, git) sees either the old file or the new
one, never a truncated mix: we write a temporary file in the same folder,
flush and fsync it, copy the old file's mode, then `os.replace` it over the
target.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; the file keeps its mode."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write `data` unless the file already holds exactly it. True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True


class StaleNote(Exception):
    """The note kept changing on disk while we edited it."""


def update_file(path: Path, edit, *, on_read=None) -> tuple[str, str]:
    """Apply the pure `edit(text) -> text` to a note and write it back atomically.

    If the note changed on disk after we read it (an editor saved meanwhile),
    the edit is applied once more to the new text, so that save is not lost;
    if the note changes yet again, or the edit no longer applies, the note is
    left as it is and the error propagates. `on_read` is a test seam called
    after each read. Returns (old text, new text).
    """
    for _attempt in range(2):
        original = path.read_bytes()
        if on_read:
            on_read()
        old_text = original.decode("utf-8")
        new_text = edit(old_text)
        if path.read_bytes() != original:
            continue  # someone saved while we worked: start again from their text
        if new_text != old_text:
            atomic_write(path, new_text.encode("utf-8"))
        return old_text, new_text
    raise StaleNote(f"{path} keeps changing on disk; nothing was written, try again")
