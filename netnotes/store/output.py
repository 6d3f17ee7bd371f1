"""The output writer: every file netnotes writes that is not a note.

DUE.md, the calendar feed, `export -o FILE`, `stats --html FILE`: each goes
through `write_output`, which

- resolves the path (symlinks included) before it judges it: an output
  configured in netnotes.toml must land inside the vault; one the user named
  on the command line may be anywhere;
- never writes over a note, the config, or anything in the cache, git or
  template folders: a note is only ever changed by the note writer, one line
  at a time;
- never writes through a special file (a FIFO, /dev/full, /dev/zero, a
  folder): the target must be a regular file or not exist;
- compares with the bytes already there through the bounded reader, and only
  when the sizes agree (so a huge or endless file is never read whole);
- writes atomically (temporary file, fsync, rename), keeping the old file's
  mode.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from netnotes.core.config import CONFIG_NAME
from netnotes.core.errors import NetnotesError
from netnotes.store.notefile import NoteUnreadable, describe_mode, read_bounded
from netnotes.store.vault import Vault, is_contact_path, is_source_path, skipped_folder
from netnotes.store.writer import atomic_write

# The first line of every digest netnotes writes: an existing `.md` that does not
# start so is somebody's note, never ours to replace.
DIGEST_HEADING = b"# Due on "


class OutputRefused(NetnotesError):
    """The output path names something netnotes must not replace; nothing was written."""


def write_output(vault: Vault, path: Path, data: bytes, *, named_by_user: bool = False) -> bool:
    """Write `data` to the output `path` unless it already holds exactly it; True if written.

    `named_by_user`: the path was given on the command line (it may lie outside
    the vault); otherwise it comes from netnotes.toml and must stay inside.
    """
    target = checked_output_path(vault, path, named_by_user=named_by_user)
    shown = _shown(vault, path, named_by_user)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise OutputRefused(f"{shown}: cannot write: {error.strerror or error}") from None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise OutputRefused(
                f"{shown}: {describe_mode(info.st_mode)}, not a regular file: not writing to it"
            )
        if info.st_size == len(data) and _holds(target, data):
            return False
    atomic_write(target, data)
    return True


def _holds(target: Path, data: bytes) -> bool:
    try:
        return read_bounded(target, len(data), what="an output file") == data
    except NoteUnreadable:
        return False  # grew meanwhile, or unreadable: write it afresh


def checked_output_path(vault: Vault, path: Path, *, named_by_user: bool = False) -> Path:
    """The resolved path an output may be written to; OutputRefused says why not."""
    root = vault.root.resolve()
    target = Path(os.path.abspath(path)).resolve()
    shown = _shown(vault, path, named_by_user)
    inside = target.is_relative_to(root)
    if not inside and not named_by_user:
        raise OutputRefused(
            f"{shown} resolves to {target}, outside the vault: netnotes writes its "
            "outputs only inside the vault"
        )
    if not inside:
        return target
    relative = target.relative_to(root)
    if relative == Path(CONFIG_NAME):
        raise OutputRefused(f"{shown} is the vault's {CONFIG_NAME}: not writing an output over it")
    if any(skipped_folder(part) for part in relative.parts[:-1]):
        raise OutputRefused(f"{shown} is inside {relative.parts[0]}/: not an output's place")
    resolved = root / relative
    # Where notes live: the contacts folder, or a folder of meeting or daily notes (the
    # vault's top level holds the digest and README-like files, not notes). A file the
    # user named may be any Markdown file.
    in_notes = (
        is_contact_path(vault, resolved)
        or is_source_path(vault, resolved)
        or (len(relative.parts) > 1 and vault.config.sources.admits(relative.as_posix()))
    )
    if (in_notes or (named_by_user and resolved.suffix == ".md")) and _is_somebodys_note(resolved):
        raise OutputRefused(
            f"{shown} is a note ({relative.as_posix()}): an output never replaces a note; "
            "name a file of its own"
        )
    return target


def _shown(vault: Vault, path: Path, named_by_user: bool) -> str:
    """The path as the user wrote it: on the command line, or in netnotes.toml."""
    if named_by_user or not path.is_relative_to(vault.root):
        return str(path)
    return vault.relative(path)


def _is_somebodys_note(path: Path) -> bool:
    """An existing Markdown file that is not a digest netnotes wrote."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False  # missing is free; a FIFO or a device is refused by the caller
        head = read_bounded(path, len(DIGEST_HEADING) + 3, what="an output file", head=True)
    except (OSError, NoteUnreadable):
        return False
    return bool(head.strip()) and not head.removeprefix(b"\xef\xbb\xbf").startswith(DIGEST_HEADING)
