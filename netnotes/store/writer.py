"""Putting bytes on disk safely: locked, verified, atomic, owner and mode kept.

A reader (an editor, the watcher, git) sees either the old file or the new
one, never a truncated mix: we write a temporary file in the same folder,
flush and fsync it, give it the old file's mode and owner, then `os.replace`
it over the target. A failure at any step removes the temporary file and
raises an OSError that names the note.

Editing a note is one critical section per note (`update_file`):

1. take an advisory lock on a lock file for that note (two netnotes
   commands never interleave their read → edit → replace);
2. read the note until it holds still: a note that reads empty, shorter than
   `stat` said a moment before, with a front matter that opens and never
   closes, or different on a second read, is caught mid-save by an editor
   (VS Code truncates and writes in place) and is read again, then refused;
3. let the caller refuse a note it cannot trust (`check`);
4. apply the pure edit, and just before replacing, compare the bytes on disk
   with those read: an editor that saved meanwhile (by rename or in place)
   makes us start again from its text, so its save is never lost;
5. replace, then read back: a command only reports success when its change
   is on disk.

Editors do not take our lock, so a save that lands in the microseconds
between step 4 and the replace can still lose that save; docs/safety.md
says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from netnotes.core.errors import NetnotesError
from netnotes.store.notefile import read_note_bytes

LOCK_TIMEOUT = 30.0  # seconds to wait for another netnotes that is writing the same note
# An editor that saves in place truncates, writes, and may pause between writes (a slow
# disk, a sync client): a note changed less than this long ago is read again once it
# has been still for this long, and must read the same.
QUIET_SECONDS = 1.0
READ_DEADLINE = 5.0  # how long a note may look mid-save before we give up


class StaleNote(NetnotesError):
    """The note kept changing on disk while we edited it; nothing was written."""


class NoteBusy(NetnotesError):
    """Another netnotes held the note's lock for too long."""


def _fail(error: OSError, path: Path) -> OSError:
    """The same OSError, naming the note rather than a temporary file."""
    failure = OSError(error.errno, error.strerror or str(error), str(path))
    return failure


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; the file keeps its mode and owner."""
    try:
        old = path.stat()
    except FileNotFoundError:
        old = None
    except OSError as error:
        raise _fail(error, path) from None
    temporary = _write_temporary(path, data, old)
    try:
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _fail(error, path) from None
    _sync_folder(path.parent)


def create_new(
    path: Path, data: bytes, *, lock_dir: Path | None = None, sync_folder: bool = True
) -> None:
    """Write a new file at `path` atomically; FileExistsError if anything is there.

    The data goes to a temporary file first and is then hard-linked into
    place, which fails rather than overwrite: a full disk leaves no empty
    note behind, and a file that appeared meanwhile is never clobbered.
    With `lock_dir` (a note), under the note's lock, and remembered as netnotes'
    own write: the next command that edits it need not wait for it to settle.
    `sync_folder=False`: the caller makes many notes in the folder and syncs it once
    after the last (`sync_folders`); the note's bytes are on disk before it appears, so a
    crash before that may lose a whole new note, never leave part of one.
    """
    if lock_dir is not None:
        with note_lock(lock_dir, path) as lock:
            create_new(path, data, sync_folder=sync_folder)
            _remember_own_write(lock, path)
        return
    temporary = _write_temporary(path, data, None)
    try:
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError as error:
            if not _links_unsupported(error):
                raise _fail(error, path) from None
            # A file system without hard links: an exclusive create is the best we can do.
            with open(path, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    if sync_folder:
        _sync_folder(path.parent)


def sync_folders(folders) -> None:
    """Make the notes created in these folders with `sync_folder=False` durable."""
    for folder in folders:
        _sync_folder(folder)


def _links_unsupported(error: OSError) -> bool:
    import errno

    return error.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def _write_temporary(path: Path, data: bytes, old: os.stat_result | None) -> str:
    if old is not None:
        mode = stat.S_IMODE(old.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    _remove_stale_temporaries(path)
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=_temporary_prefix(path), suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise _fail(error, path) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if old is not None and hasattr(os, "chown"):
            # Root editing someone's note must not make it root's; others cannot chown.
            with contextlib.suppress(OSError):
                os.chown(temporary, old.st_uid, old.st_gid)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _fail(error, path) from None
        raise
    return temporary


STALE_TEMPORARY_SECONDS = 3600  # a temporary file this old was left by a killed netnotes


def _temporary_prefix(path: Path) -> str:
    """`.NAME.`: hidden, so no listing takes it for a note; NAME cut to 100 bytes so a
    note whose name is near the system's 255-byte limit can still be written."""
    name = path.name.encode("utf-8", "surrogateescape")[:100].decode("utf-8", "ignore")
    return f".{name}."


# folder -> (when it was scanned, the stale temporaries found there): a command that
# writes 2,000 notes of one folder scans it once, not 2,000 times (bench.capture). A
# temporary is stale only after an hour, so a scan an hour old is still the whole truth
# about the ones that are stale now but the newest: a long `watch` scans again.
_stale_temporaries: dict[Path, tuple[float, list[str]]] = {}


def _remove_stale_temporaries(path: Path) -> None:
    """The temporary files a netnotes killed mid-write (kill -9) left beside this note."""
    prefix = _temporary_prefix(path)
    for name in _stale_in(path.parent):
        if name.startswith(prefix):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)


def _stale_in(folder: Path) -> list[str]:
    scanned, names = _stale_temporaries.get(folder, (0.0, []))
    now = time.time()
    if now - scanned > STALE_TEMPORARY_SECONDS:
        names = []
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        age = now - entry.stat(follow_symlinks=False).st_mtime
                        if age > STALE_TEMPORARY_SECONDS:
                            names.append(entry.name)
        _stale_temporaries[folder] = (now, names)
    return names


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can fsync a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# -- the lock ---------------------------------------------------------------------------


@contextlib.contextmanager
def note_lock(lock_dir: Path, path: Path, timeout: float | None = None) -> Iterator[int]:
    """Hold the advisory lock of `path` (a lock file in `lock_dir`, named by the note's path).

    The lock lives beside the cache, not beside the note, so the contacts
    folder gains no files; it is released when the process ends, however it ends.
    Yields the lock file's descriptor: `update_file` keeps in it the stamp of the
    note as netnotes last wrote it (see `_own_write`).
    """
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        key = hashlib.blake2b(os.fsencode(path.resolve()), digest_size=10).hexdigest()
        lock_file = lock_dir / f"{key}.lock"
        descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)
        _give_to_vault_owner(lock_dir, lock_file)
    except OSError as error:
        raise OSError(error.errno, f"cannot lock the note: {error.strerror}", str(path)) from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(descriptor):
            if time.monotonic() > deadline:
                raise NoteBusy(
                    f"{path.name}: another netnotes has been writing it for {timeout:.0f} s; "
                    "nothing was written, try again"
                )
            time.sleep(0.005)
        yield descriptor
    finally:
        os.close(descriptor)  # closing releases the lock


def _give_to_vault_owner(lock_dir: Path, lock_file: Path) -> None:
    """Root (`sudo netnotes log`) makes the locks its vault's owner's, not root's: a lock
    folder or file the owner cannot open would refuse every later write of theirs."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    with contextlib.suppress(OSError):
        owner = os.stat(lock_dir.parent.parent)  # the vault: .netnotes/locks is two below
        for made in (lock_dir.parent, lock_dir, lock_file):
            info = os.stat(made)
            if (info.st_uid, info.st_gid) != (owner.st_uid, owner.st_gid):
                os.chown(made, owner.st_uid, owner.st_gid)


def _try_lock(descriptor: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


# -- reading a note that an editor may be saving ------------------------------------------


def read_settled(path: Path, deadline: float | None = None, *, lock: int | None = None) -> bytes:
    """The note's bytes once they hold still; refuse a note that keeps looking mid-save.

    `lock`: the note's lock descriptor, held; a note still exactly as netnotes last
    wrote it under that lock is not waited for. The settings are read at each call
    (not bound as defaults), so a test that shortens them shortens every read.
    """
    give_up = time.monotonic() + (READ_DEADLINE if deadline is None else deadline)
    while True:
        try:
            size_before = os.stat(path).st_size
        except OSError as error:
            raise _fail(error, path) from None
        data = read_note_bytes(path)
        why = _mid_save(data, size_before)
        if why is None and not (lock is not None and _own_write(lock, path)):
            quiet_for = _seconds_since_change(path)
            if quiet_for < QUIET_SECONDS:
                time.sleep(QUIET_SECONDS - quiet_for)
                if read_note_bytes(path) != data:
                    why = "keeps changing"
        if why is None:
            return data
        if time.monotonic() > give_up:
            raise StaleNote(
                f"{path.name} {why}: an editor may be saving it. Nothing was written; "
                "save it in your editor, then try again"
            )
        time.sleep(0.05)


def _stamp(path: Path) -> bytes:
    info = os.stat(path)
    return f"{info.st_ino} {info.st_mtime_ns} {info.st_size}".encode()


def _own_write(lock: int, path: Path) -> bool:
    """Is the note still the file netnotes itself last wrote (same inode, time, size)?
    An editor's save changes at least one of them: then the note may be mid-save."""
    try:
        return os.pread(lock, 100, 0) == _stamp(path)
    except OSError:
        return False


def _remember_own_write(lock: int, path: Path) -> None:
    with contextlib.suppress(OSError):
        stamp = _stamp(path)
        os.ftruncate(lock, 0)
        os.pwrite(lock, stamp, 0)


def _seconds_since_change(path: Path) -> float:
    try:
        return max(0.0, time.time() - os.stat(path).st_mtime)
    except OSError:
        return 0.0


def _mid_save(data: bytes, size_before: int) -> str | None:
    """Why these bytes look like a note caught in the middle of a save, or None."""
    from netnotes.core.frontmatter import FrontMatterError, split_front_matter

    if not data.strip():
        return "is empty"
    if len(data) < size_before:
        return "is shorter than it was a moment ago"
    try:
        text = data.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        split_front_matter(text)
    except UnicodeDecodeError:
        return None  # not cut short, just not UTF-8: the caller says so
    except FrontMatterError:
        return "has a front matter that opens with '---' and never closes"
    return None


def update_file(
    path: Path,
    edit: Callable[[str], str],
    *,
    lock_dir: Path,
    check: Callable[[bytes], None] | None = None,
    on_read: Callable[[], None] | None = None,
) -> tuple[str, str]:
    """Apply the pure `edit(text) -> text` to a note, under its lock; see the module doc.

    `check(bytes)` may raise to refuse the note as read. `on_read` is a test
    seam called after each read. Returns (old text, new text).
    """
    with note_lock(lock_dir, path) as lock:
        for _attempt in range(3):
            original = read_settled(path, lock=lock)
            if on_read:
                on_read()
            if check:
                check(original)
            old_text = original.decode("utf-8")
            new_text = edit(old_text)
            if new_text == old_text:
                return old_text, new_text
            if read_note_bytes(path) != original:
                continue  # an editor saved while we worked: start again from its text
            data = new_text.encode("utf-8")
            atomic_write(path, data)
            _remember_own_write(lock, path)
            if read_note_bytes(path) != data:
                raise StaleNote(
                    f"{path.name} was replaced by another program as netnotes wrote it; "
                    "look at the note: the change may be missing"
                )
            return old_text, new_text
    raise StaleNote(f"{path.name} keeps changing on disk; nothing was written, try again")
