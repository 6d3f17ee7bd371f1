"""The vault's memory files: sets of lines, kept in git and merged by its `union` driver.

`netnotes-captured.txt` (what `capture` wrote a line for) and `netnotes-dismissed.txt`
(the to-dos deleted on the phone) are both a header of `#` comments and one entry a
line. They are read through the bounded reader and grow only by appending, in one
atomic write of the whole file through the output writer, under the file's lock: what
was there stays in its order, so git's union merge of two clones keeps both sides.
"""

from __future__ import annotations

from pathlib import Path

from netnotes.store.notefile import read_text_file
from netnotes.store.vault import Vault

MAX_MEMORY_BYTES = 64 * 1024 * 1024


def read_memory(path: Path, what: str) -> tuple[str | None, set[str]]:
    """The file's text (None when there is none yet) and its entries."""
    text = read_text_file(path, what, limit=MAX_MEMORY_BYTES)
    lines = (line.strip() for line in (text or "").splitlines())
    return text, {line for line in lines if line and not line.startswith("#")}


def append_memory(vault: Vault, path: Path, text: str | None, header: str, new) -> None:
    """The file as read under its lock (`text`, or `header` for a new one) with the `new`
    entries appended; call it holding the lock (writer.note_lock) that the read held."""
    from netnotes.store.output import write_output

    text = text if text else header
    if not text.endswith("\n"):
        text += "\n"
    write_output(vault, path, (text + "".join(f"{line}\n" for line in new)).encode())
