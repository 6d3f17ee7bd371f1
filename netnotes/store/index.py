"""The on-disk index: parsed notes cached in `.netnotes/index.sqlite`.

Disposable by design. Each note is stored under its vault-relative path with
the (mtime_ns, size) it had when parsed; a run lists the contacts folder,
re-parses only notes whose pair changed, and drops the ones that are gone,
in one transaction. The cache records its schema and a fingerprint of the
parser's source: any mismatch rebuilds it. A corrupt or unreadable cache is
rebuilt with a notice; a read-only vault simply runs without one.

Two runs at once (the watcher and a command) stay correct because every
entry carries the pair it was parsed from: a stale entry is never used, and
a write that loses a lock is skipped, not fatal.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from netnotes.core.identity import summary_of
from netnotes.core.model import Contact, Problem
from netnotes.core.names import fold, words
from netnotes.core.reading import DEFAULT_READING, Reading
from netnotes.store import codec
from netnotes.store.vault import CACHE_DIR, Vault, read_note_file, stat_contact_files

SCHEMA = 9
INDEX_NAME = "index.sqlite"
# A note modified this recently may be modified again within the same
# timestamp tick on coarse file systems; it is parsed but not cached yet.
RACY_SECONDS = 2.0
PARALLEL_FROM = 400  # notes to parse before a pool of processes pays for itself
# Per-note results kept, newest written first: a day's set of every command that keeps
# them (the digest, stats, share and the feed, each with and without what meeting and
# daily notes credit; list's summaries, the cards, dupes' and import's keys), so that one
# command does not push out another's; a new day's set pushes out the last one's.
KEPT_RESULTS = 12

# What a damaged cache raises: SQLite's errors, and the UnicodeDecodeError Python's
# sqlite3 raises when a changed byte makes a schema or error message invalid UTF-8.
CACHE_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)

Progress = Callable[[int, int], None]
# What a caller wants computed from each note as it is parsed: plain values back.
PerNote = Callable[[Contact | None, tuple[Problem, ...]], tuple]


class Record:
    """One note: its (mtime_ns, size) and its parse.

    A parse from the cache is kept as plain values and turned into objects
    only when asked for: a use case whose per-note results are cached never needs them.
    """

    __slots__ = (
        "_blob", "_names", "_parsed", "file", "mtime_ns", "path", "reading", "result", "size",
    )  # fmt: skip

    def __init__(
        self,
        path: str,
        file: Path | str,
        mtime_ns: int,
        size: int,
        *,
        parsed=None,
        blob: bytes | None = None,
        reading: Reading = DEFAULT_READING,
    ) -> None:
        self.path = path
        self.file = file
        self.mtime_ns = mtime_ns
        self.size = size
        self._parsed = parsed
        self._blob = blob
        self.reading = reading  # how to read the note again if its cached parse is damaged
        # What the caller's `per_note` made of this note (plain values), computed by the
        # pool worker that parsed it, so the parent need not decode the parse.
        self.result: tuple | None = None
        self._names: tuple | None = None  # from the worker that parsed it (see name_row)

    @property
    def parsed(self) -> tuple[Contact | None, tuple[Problem, ...]]:
        if self._parsed is None:
            try:
                if self._blob is None:
                    raise ValueError("no cached parse")
                self._parsed = codec.decode(self._blob)
            except Exception:  # damaged or missing: read the note
                contact, problems = read_note_file(self.path, Path(self.file), self.reading)
                self._parsed = (contact, tuple(problems))
                self._blob = None
        return self._parsed

    @property
    def contact(self) -> Contact | None:
        return self.parsed[0]

    def release(self) -> None:
        """Let go of a parse read from the cache (fetched again when next asked for)."""
        if self._blob is not None:
            self._parsed = self._blob = None

    def summary(self):
        """(Summary or None, problems): from the cached values without building the contact
        when it was not parsed in this run; a damaged record is read from the note."""
        if self._parsed is None and self._blob is not None:
            try:
                return codec.summary(codec.peek(self._blob))
            except Exception:  # damaged: fall back to a full decode or a read
                self._blob = None
        contact, problems = self.parsed
        return (summary_of(contact) if contact is not None else None), problems

    @property
    def names(self) -> tuple | None:
        """(name, aliases, words) for the names table; None for a note that is no contact."""
        if self._names is None and (self._parsed is not None or self._blob is not None):
            self._names = name_row(self.path, self.contact)
        return self._names or None

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.parsed[1]

    def blob(self) -> bytes | None:
        """The encoded parse, for the cache; None when it cannot be encoded."""
        if self._blob is None:
            try:
                self._blob = codec.encode(*self.parsed)
            except ValueError:
                return None
        return self._blob


@dataclass(slots=True)
class LoadReport:
    records: list[Record]
    parsed: int = 0  # notes parsed in this run (the rest came from the cache)
    cached: bool = False  # was the cache used at all
    stored: bool = False  # could this run write the cache (False in a read-only vault)
    notices: list[str] = field(default_factory=list)
    # With `results_key`: {path: (mtime_ns, size, result values)} cached under that key.
    results: dict[str, tuple[int, int, tuple]] = field(default_factory=dict)


def _fingerprint(reading: Reading) -> str:
    """Changes whenever the netnotes code changes (any module: see `code_signature`),
    or the vault's reading settings ([keys], [log], exclude) do."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{SCHEMA}/{codec.FORMAT}/{reading!r}/{code_signature()}".encode())
    return digest.hexdigest()


def package_root() -> Path:
    return Path(__file__).resolve().parent.parent


@functools.cache
def code_signature() -> str:
    """A hash of every module of the netnotes package as installed, found at run time:
    part of every cache key, so that no version of netnotes ever serves what another
    computed. A list kept by hand missed modules (identity.py, digest.py) and an upgrade
    served the old answers. Reads the sources without importing them (about 3 ms)."""
    root = package_root()
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def index_path(vault: Vault) -> Path:
    return vault.root / CACHE_DIR / INDEX_NAME


def _stat_notes(
    vault: Vault, folders: list[tuple[str, int]] | None = None
) -> dict[str, tuple[str, int, int]]:
    """{relative path: (file name, mtime_ns, size)} of every note, sorted by path.

    A name that is not a regular file (a FIFO, a device, a dangling or looping
    link) gets (-1, -1): it is never cached, and reading it gives the problem
    that says what it is, on every run, until it is fixed.
    """
    skip = len(str(vault.root)) + 1
    return {
        path[skip:].replace(os.sep, "/"): (path, mtime_ns, size)
        for path, mtime_ns, size in stat_contact_files(vault, folders)
    }


def _stat_pair(path: str | Path) -> tuple[int, int]:
    """(mtime_ns, size) of a regular file; (-1, -1) for anything else (never cached)."""
    try:
        info = os.stat(path)
    except OSError:
        return -1, -1
    return (info.st_mtime_ns, info.st_size) if stat.S_ISREG(info.st_mode) else (-1, -1)


@dataclass(frozen=True, slots=True)
class Listing:
    """One walk of the contacts folder: each note's (file, mtime_ns, size), the folders
    walked with each one's mtime_ns from just before it was read, and when the walk began."""

    notes: dict[str, tuple[str, int, int]]
    folders: list[tuple[str, int]]
    walked_ns: int = 0


def list_notes(vault: Vault) -> Listing:
    folders: list[tuple[str, int]] = []
    walked_ns = time.time_ns()
    return Listing(_stat_notes(vault, folders), folders, walked_ns)


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector paused while a vault is read (usable as a decorator).

    Reading 10,000 notes builds millions of tuples and strings that live until
    the command ends; the collector would walk them again and again and free
    nothing, since a parse makes no cycles: 5% of a cold digest. Afterwards what
    was built is moved out of its sight (`gc.freeze`), or its first pass would walk
    it all once more; reference counting still frees it when it is dropped, and
    the collector runs again, so the watcher, which lives for days, still collects.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@collector_paused()
def load(
    vault: Vault,
    *,
    use_cache: bool = True,
    progress: Progress | None = None,
    results_key: str | None = None,
    per_note: PerNote | None = None,
    listing: Listing | None = None,
) -> LoadReport:
    """Every note of the vault as a Record, parsing only what the cache cannot vouch for.

    With `results_key`, also the per-note results cached under that key (see
    `save_results`). With `per_note`, a function of (contact, problems) to plain
    values, each note parsed in a pool of processes comes back with its result, so the parent
    need not decode them. `listing`: a walk the caller already made (not made again).
    """
    listing = listing or list_notes(vault)
    on_disk = listing.notes
    report = LoadReport([])
    connection = _open(vault, report) if use_cache else None
    known: dict[str, tuple[int, int, bytes | None]] = {}
    listed: dict[str, int] = {}
    if connection is not None:
        try:
            listed = dict(connection.execute("SELECT path, mtime_ns FROM folders"))
            if results_key is not None:
                report.results = _read_results(connection, results_key)
            if results_key is None:
                rows = connection.execute("SELECT path, mtime_ns, size, data FROM notes")
            else:
                # A note whose result is current needs no parse, and none is read; of the
                # others (a note just written, say) only the cache's pairs are asked for.
                results = report.results
                rows, stale = [], []
                for relative, (_, mtime_ns, size) in on_disk.items():
                    if results.get(relative, (None,))[:2] == (mtime_ns, size):
                        rows.append((relative, mtime_ns, size, None))
                    else:
                        stale.append(relative)
                rows += _pairs_of(connection, stale)
                # A note with a result that is no longer on disk is gone from the cache too.
                rows += _pairs_of(connection, [p for p in results if p not in on_disk])
            known = {path: (mtime, size, data) for path, mtime, size, data in rows}
            report.cached = True
        except CACHE_ERRORS as error:
            connection.close()
            # Busy (another run holds it): this run goes without; damaged: rebuilt.
            if is_damage(error):
                connection = _rebuild(vault, report, error)
            else:
                mark_busy(vault)
                connection = None
    records: dict[str, Record] = {}
    # (relative, path, (mtime_ns, size) as listed): the pair the parse is cached under,
    # taken before the read, so that a save after it shows as a change next time.
    to_parse: list[tuple[str, Path, tuple[int, int]]] = []
    for relative, (path, mtime_ns, size) in on_disk.items():
        entry = known.get(relative)
        if entry is not None and entry[:2] == (mtime_ns, size):
            # Decoded only if asked for; a damaged record is then read from the note.
            records[relative] = Record(
                relative, path, mtime_ns, size, blob=entry[2], reading=vault.config.reading
            )
        else:
            to_parse.append((relative, path, (mtime_ns, size)))
    cache_usable = connection is not None
    if connection is not None:
        connection.close()  # not held open across the fork of a parsing pool
    fresh = _parse_all(vault, to_parse, progress, per_note)
    for record in fresh:
        records[record.path] = record
    report.parsed = len(fresh)
    report.records = [records[relative] for relative in sorted(records)]
    gone = [path for path in known if path not in on_disk]
    report.stored = cache_usable
    vouched = _listing(vault, listing)
    if cache_usable and (fresh or gone or vouched != listed):
        connection = _open(vault, LoadReport([]))
        if connection is not None:
            _store(connection, fresh, gone, vouched, first_fill=not known,
                   folders_changed=vouched != listed)  # fmt: skip
            connection.close()
    return report


def _pairs_of(connection: sqlite3.Connection, paths: list[str]) -> list[tuple]:
    """(path, mtime_ns, size, None) of these notes as the cache holds them."""
    found: list[tuple] = []
    for start in range(0, len(paths), 500):
        chunk = paths[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found += connection.execute(
            f"SELECT path, mtime_ns, size, NULL FROM notes WHERE path IN ({marks})", chunk
        ).fetchall()
    return found


def _listing(vault: Vault, listing: Listing) -> dict[str, int]:
    """{vault-relative folder: mtime_ns} of the listing the index now vouches for: each
    folder's mtime from just before the walk read it, when any later change to the folder
    is sure to give it another mtime (`_settled`); empty (vouching for nothing) otherwise.

    The notes parsed now have their names stored even while too fresh to cache, so a note
    saved a moment ago no longer stops the index vouching (issue 28: a second `add`
    within 2 s of a write made the next NAME lookup read the whole vault)."""
    vouched = {}
    skip = len(str(vault.root)) + 1
    for folder, mtime_ns in listing.folders:
        if not _settled(mtime_ns, listing.walked_ns):
            return {}
        vouched[folder[skip:].replace(os.sep, "/")] = mtime_ns
    return vouched


# A file system whose times have digits below the millisecond keeps them to the kernel's
# tick (a few ms); one that keeps whole seconds (FAT, HFS+, some network shares) may give
# a change made in the same second the same mtime, as RACY_SECONDS allows for.
_FINE_TICK_NS = 50_000_000


def _settled(mtime_ns: int, seen_ns: int) -> bool:
    """Whether a folder whose mtime was `mtime_ns` at `seen_ns` would show any later change
    as another mtime: it was last changed longer ago than its clock's tick."""
    tick = _FINE_TICK_NS if mtime_ns % 1_000_000 else RACY_SECONDS * 1e9
    return 0 <= mtime_ns < seen_ns - tick


# -- names: NAME resolved without reading the vault ----------------------------------------


def name_row(path: str, contact: Contact | None) -> tuple:
    """(name, aliases, words) of a contact for the names table; () for a note that is none.

    `words` holds, space-separated, every token NAME may start with: each name's,
    alias's and the file stem's words (split as `names.words` splits them) and its
    folded whitespace-separated parts, so exact and prefix matches are all found.
    """
    if contact is None:
        return ()
    tokens: set[str] = set()
    stem = path.rpartition("/")[2].removesuffix(".md")  # no PurePosixPath: one a note, cold
    for text in (contact.name, *contact.aliases, stem):
        tokens.update(words(text))
        tokens.update(fold(text).split())
    return contact.name, "\x1f".join(contact.aliases), " " + " ".join(sorted(tokens)) + " "


def name_candidates(vault: Vault, query: str) -> list[Contact] | None:
    """The contacts NAME could mean, as the index knows them (name, aliases, path only).

    None when the index cannot vouch for its names: no cache, another parser,
    or a folder of the listing changed since (a note added, removed or renamed).
    A note edited in place since the last full read is not seen: the caller
    reads the note it picks and checks it still holds that name.
    """
    first = fold(query).split()[:1]
    if not first:
        return None
    rows = _vouched_names(
        vault, "SELECT path, name, aliases FROM names WHERE instr(words, ?) > 0", (" " + first[0],)
    )
    if rows is None:
        return None
    return [Contact(path=path, name=name, aliases=aliases) for path, name, aliases in rows]


def all_names(vault: Vault) -> list[tuple[str, str, tuple[str, ...]]] | None:
    """(path, name, aliases) of every contact as the index knows them; None when it cannot
    vouch for them (see `name_candidates`, whose limits these share)."""
    return _vouched_names(vault, "SELECT path, name, aliases FROM names", ())


def _vouched_names(vault: Vault, query: str, parameters: tuple) -> list | None:
    connection = _existing(vault)
    if connection is None:
        return None
    try:
        listing = dict(connection.execute("SELECT path, mtime_ns FROM folders"))
        if not listing:
            return None
        for folder, mtime_ns in listing.items():
            if os.stat(vault.root / folder).st_mtime_ns != mtime_ns:
                return None
        rows = connection.execute(query, parameters).fetchall()
    except (*CACHE_ERRORS, OSError):
        return None
    finally:
        connection.close()
    return [
        (path, name, tuple(filter(None, aliases.split("\x1f")))) for path, name, aliases in rows
    ]


def note_written(vault: Vault, path: Path, text: str | None = None) -> None:
    """netnotes replaced `path` itself: its folder's new mtime adds no note to the listing.
    `text`: what it wrote, when its front matter changed: its names row is made again."""
    connection = _existing(vault)
    if connection is None:
        return
    relative = path.parent.relative_to(vault.root).as_posix()
    try:
        connection.execute(
            "UPDATE folders SET mtime_ns = ? WHERE path = ?",
            (os.stat(path.parent).st_mtime_ns, relative),
        )
        if text is not None:
            _rename(vault, connection, path, text.encode("utf-8"))
    except (*CACHE_ERRORS, OSError):
        pass  # the next lookup reads the listing again
    finally:
        connection.close()


def _rename(vault: Vault, connection: sqlite3.Connection, path: Path, data: bytes) -> None:
    """The names row of the note `path` now holds `data`: replaced, or dropped."""
    from netnotes.core.parse import parse_note

    note = vault.relative(path)
    contact, _ = parse_note(note, data, reading=vault.config.reading)
    row = name_row(note, contact)
    if row:
        connection.execute("INSERT OR REPLACE INTO names VALUES (?, ?, ?, ?)", (note, *row))
    else:
        connection.execute("DELETE FROM names WHERE path = ?", (note,))


def store_rows(connection: sqlite3.Connection, *writes: tuple[str, list]) -> None:
    """Run each (statement, rows) with executemany, all in one transaction, best effort:
    a cache locked by another run, or damaged, keeps what it had and the next run reads
    again what was not stored (the tables of store/source_notes.py, calendars.py,
    caldav.py and mailboxes.py)."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        for statement, rows in writes:
            connection.executemany(statement, rows)
        connection.execute("COMMIT")
    except CACHE_ERRORS:
        with contextlib.suppress(*CACHE_ERRORS):
            if connection.in_transaction:
                connection.execute("ROLLBACK")


def folder_stamp(folder: Path) -> int | None:
    """A folder's mtime before netnotes adds or removes notes in it (for `notes_changed`)."""
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def notes_changed(
    vault: Vault, folder: Path, before_ns: int | None, created=(), removed=()
) -> None:
    """netnotes itself created the notes `created` ((path, bytes) each) and removed the
    paths `removed` in `folder`, whose mtime was `before_ns` just before: their names
    join or leave the names table, and the folder's new mtime vouches for the listing
    again, so the next NAME lookup needs no read of the vault (issue 28: `log` right after
    an `add` read 100,000 notes). Only when the index vouched for the folder as it was
    just before: a change by anyone else since the last full read stays unvouched."""
    connection = _existing(vault)
    if connection is None or before_ns is None:
        return
    relative = folder.relative_to(vault.root).as_posix()
    try:
        row = connection.execute("SELECT mtime_ns FROM folders WHERE path = ?", (relative,))
        recorded = row.fetchone()
        if recorded is None or recorded[0] != before_ns:
            return
        connection.execute("BEGIN IMMEDIATE")
        for path, data in created:
            _rename(vault, connection, path, data)
        connection.executemany(
            "DELETE FROM names WHERE path = ?", [(vault.relative(path),) for path in removed]
        )
        connection.execute(
            "UPDATE folders SET mtime_ns = ? WHERE path = ?",
            (os.stat(folder).st_mtime_ns, relative),
        )
        connection.execute("COMMIT")
    except (*CACHE_ERRORS, OSError):
        with contextlib.suppress(*CACHE_ERRORS):
            if connection.in_transaction:
                connection.execute("ROLLBACK")  # the next lookup reads the listing again
    finally:
        connection.close()


# -- a memo: one use case's whole answer for an unchanged vault ----------------------------


def listing_signature(listing: Listing) -> str | None:
    """A hash of every note's (path, mtime_ns, size); None while any note is too fresh
    to trust its pair, or is not a regular file (see RACY_SECONDS)."""
    now_ns = time.time_ns()
    digest = hashlib.blake2b(digest_size=16)
    for relative, (_, mtime_ns, size) in listing.notes.items():
        if _racy(mtime_ns, now_ns):
            return None
        digest.update(f"{relative}\0{mtime_ns}\0{size}\n".encode())
    return digest.hexdigest()


def read_memo(vault: Vault, key: str) -> tuple | None:
    connection = _existing(vault)
    if connection is None:
        return None
    try:
        row = connection.execute("SELECT data FROM memo WHERE key = ?", (key,)).fetchone()
        return codec.decode_memo(row[0]) if row else None
    except Exception:  # a damaged memo is computed afresh
        return None
    finally:
        connection.close()


def save_memo(vault: Vault, key: str, value: tuple) -> None:
    """Remember `value` (plain values) under `key`; the few newest memos are kept."""
    try:
        data = codec.encode_memo(value)
    except ValueError:
        return
    _save_keyed(vault, "memo", key, data)


def fetch_parses(vault: Vault, records: list[Record]) -> None:
    """Fill in the cached parse of records loaded without it (one query per 500 notes)."""
    wanted = {r.path: r for r in records if r._parsed is None and r._blob is None}
    if not wanted:
        return
    connection = _open(vault, LoadReport([]))
    if connection is None:
        return  # each record will read its note instead
    try:
        paths = list(wanted)
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT path, mtime_ns, size, data FROM notes WHERE path IN ({marks})"
            for path, mtime_ns, size, data in connection.execute(query, chunk):
                record = wanted[path]
                if (record.mtime_ns, record.size) == (mtime_ns, size):  # not changed meanwhile
                    record._blob = data
    except CACHE_ERRORS:
        pass  # each record left without its parse reads its note
    finally:
        connection.close()


def context_key(*parts: object) -> str:
    """A short key naming a per-note computation and its inputs (a day, settings)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def _read_results(connection: sqlite3.Connection, key: str) -> dict:
    row = connection.execute("SELECT data FROM results WHERE key = ?", (key,)).fetchone()
    if row is None:
        return {}
    try:
        return codec.decode_results(row[0])
    except Exception:  # a damaged set is recomputed
        return {}


def cacheable(record: Record) -> bool:
    """Old enough for its (mtime_ns, size) to be trusted (see RACY_SECONDS)."""
    return not _racy(record.mtime_ns, time.time_ns())


def save_results(vault: Vault, key: str, rows: dict[str, tuple[int, int, tuple]]) -> None:
    """Cache every note's result of one per-note computation under `key`, as one blob;
    best effort. Only the few most recent keys are kept (a new day replaces an old one)."""
    try:
        data = codec.encode_results(rows)
    except ValueError:
        return
    _save_keyed(vault, "results", key, data)


def _save_keyed(vault: Vault, table: str, key: str, data: bytes) -> None:
    """Store one blob under `key` in `table` (results or memo), keeping the newest few."""
    connection = _open(vault, LoadReport([]))
    if connection is None:
        return
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)", (key, time.time_ns(), data)
        )
        connection.execute(
            f"DELETE FROM {table} WHERE key NOT IN "
            f"(SELECT key FROM {table} ORDER BY written DESC LIMIT ?)",
            (KEPT_RESULTS,),
        )
        connection.execute("COMMIT")
    except CACHE_ERRORS:  # locked by another run, or damaged: the cache just waits
        with contextlib.suppress(*CACHE_ERRORS):
            if connection.in_transaction:
                connection.execute("ROLLBACK")
    finally:
        connection.close()


def read_results(vault: Vault, key: str) -> dict:
    """The per-note results cached under `key` ({} when none are)."""
    connection = _existing(vault)
    if connection is None:
        return {}
    try:
        return _read_results(connection, key)
    except CACHE_ERRORS:
        return {}
    finally:
        connection.close()


def open_cache(vault: Vault, tables: str) -> sqlite3.Connection | None:
    """A connection to the index cache for a store module's own tables, or None. `tables`:
    the module's `CREATE ... IF NOT EXISTS` statements, run on each open (a no-op once
    they exist): each module owns its tables' schema, and the cache's fingerprint (which
    covers every module) throws them away when it changes."""
    connection = _open(vault, LoadReport([]))
    if connection is None:
        return None
    try:
        connection.executescript(tables)
    except CACHE_ERRORS as error:
        connection.close()
        if is_damage(error):
            discard_damaged(vault, error)
        return None
    return connection


# A cache found busy (another run holds it, each wait costing the 2 s timeout) is left
# alone by this process for a while: a command goes without it rather than wait at every
# table; the watcher tries again later.
BUSY_SECONDS = 30.0
_busy_until: dict[str, float] = {}


def mark_busy(vault: Vault) -> None:
    _busy_until[str(index_path(vault))] = time.monotonic() + BUSY_SECONDS


def _still_busy(path: Path) -> bool:
    return _busy_until.get(str(path), 0.0) > time.monotonic()


def discard_damaged(vault: Vault, error: Exception) -> None:
    """A table of the cache was found damaged after it opened: throw the cache away
    (the next run builds it again) with the one notice every damaged cache gets."""
    _rebuild(vault, LoadReport([]), error)


# SQLite's primary result codes for a cache that is busy or cannot be written now, not
# damaged: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_INTERRUPT, SQLITE_FULL.
_TRANSIENT_CODES = frozenset({5, 6, 8, 9, 13})


def is_damage(error: Exception) -> bool:
    """Whether an error says the cache's bytes are wrong, rather than that it is busy."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is None or code & 0xFF not in _TRANSIENT_CODES


def is_racy(mtime_ns: int, now_ns: int) -> bool:
    return _racy(mtime_ns, now_ns)


def _racy(mtime_ns: int, now_ns: int) -> bool:
    return mtime_ns < 0 or now_ns - mtime_ns < RACY_SECONDS * 1e9


def _parse_all(vault: Vault, notes: list[tuple], progress: Progress | None,
               per_note: PerNote | None = None):  # fmt: skip
    """Parse notes, in a pool of processes when there are many and cores to share them."""
    import threading

    total = len(notes)
    workers = min(os.cpu_count() or 1, 8)
    if total >= PARALLEL_FROM and workers > 1 and threading.active_count() == 1:
        try:
            return _parse_in_pool(vault, notes, workers, progress, per_note)
        except (OSError, ImportError, RuntimeError):
            pass  # no process pool here (some sandboxes): parse in this process
    records: list[Record] = []
    for done, (relative, path, pair) in enumerate(notes, start=1):
        records.append(_parse_one(vault, relative, path, pair))
        if progress and done % 100 == 0:
            progress(done, total)
    if progress:
        progress(total, total)
    return records


def _parse_one(
    vault: Vault, relative: str, path: Path | str, pair: tuple[int, int] | None = None
) -> Record:
    """Read and parse one note; `pair`: its (mtime_ns, size) as the listing saw it just
    before (else it is stat-ed now)."""
    mtime_ns, size = pair if pair is not None else _stat_pair(path)
    contact, problems = read_note_file(relative, path, vault.config.reading)
    return Record(
        relative, path, mtime_ns, size, parsed=(contact, tuple(problems)),
        reading=vault.config.reading,
    )  # fmt: skip


def _parse_chunk(root: str, config, chunk: list[tuple], per_note: PerNote | None):
    """In a worker process: parse a chunk, return encoded records (cheap to send back)."""
    vault = Vault(Path(root), config)
    out = []
    for relative, path, pair in chunk:
        record = _parse_one(vault, relative, path, pair)
        row = per_note(record.contact, record.problems) if per_note else None
        names = name_row(relative, record.contact)
        out.append((relative, record.mtime_ns, record.size, record.blob(), row, names))
    return out


def _die_with_parent(parent: int) -> None:
    """In a worker: exit when the parent is gone (killed mid-digest), rather than linger."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _parse_in_pool(vault: Vault, notes, workers: int, progress: Progress | None, per_note):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    size = max(50, len(notes) // (workers * 8))
    chunks = [
        [(relative, str(path), pair) for relative, path, pair in notes[start : start + size]]
        for start in range(0, len(notes), size)
    ]
    context = multiprocessing.get_context("fork")
    records: list[Record] = []
    root = str(vault.root)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:  # fmt: skip
        futures = [
            pool.submit(_parse_chunk, str(vault.root), vault.config, chunk, per_note)
            for chunk in chunks
        ]
        for future in as_completed(futures):
            for relative, mtime_ns, size_, data, row, names in future.result():
                path = os.path.join(root, relative)  # a str: 10,000 Path objects cost 0.3 s
                if data is None:  # not encodable: parse it here
                    records.append(_parse_one(vault, relative, path))
                    continue
                record = Record(
                    relative, path, mtime_ns, size_, blob=data, reading=vault.config.reading
                )
                record.result = row
                record._names = names
                records.append(record)
            if progress:
                progress(len(records), len(notes))
    return records


# -- the SQLite file -------------------------------------------------------------------


def _open(vault: Vault, report: LoadReport) -> sqlite3.Connection | None:
    path = index_path(vault)
    if _still_busy(path):
        return None
    try:
        path.parent.mkdir(exist_ok=True)
    except OSError:
        return None  # a read-only vault works without a cache
    if not os.access(path.parent, os.W_OK):
        return None
    connection = None
    try:
        connection = _connect(path)
        rows = dict(connection.execute("SELECT key, value FROM meta"))
    except CACHE_ERRORS as error:
        if connection is not None:
            connection.close()
        if not is_damage(error):
            mark_busy(vault)
            return None  # busy: another run holds it; this one goes without, nothing lost
        if "no such table" in str(error):
            return _create(path, vault.config.reading)
        return _rebuild(vault, report, error)
    if rows.get("fingerprint") != _fingerprint(vault.config.reading):
        connection.close()
        return _rebuild(vault, report, None)
    return connection


def _existing(vault: Vault) -> sqlite3.Connection | None:
    """A connection to the cache only if it exists and was made by this code with these
    settings (the one invalidation rule: `_fingerprint`); readers that cannot vouch for
    anything without it never create, rebuild or migrate it (that is `_open`'s job)."""
    path = index_path(vault)
    if not vault.use_cache or not path.exists() or _still_busy(path):
        return None
    connection = None
    try:
        connection = _lend(path)
        row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if row is not None and row[0] == _fingerprint(vault.config.reading):
            return connection
    except CACHE_ERRORS:
        pass
    if connection is not None:
        connection.close()
    return None


# -- one connection per command ----------------------------------------------------------
#
# A command used to open the cache three to seven times (about 0.5 ms each). Now each
# process and thread opens it once and lends that connection to every reader and writer;
# their `close()` gives it back (rolling back a transaction left open). It is really
# closed before a fork (the parse pool's workers never inherit it), when the cache is
# rebuilt, and when the file on disk is no longer the one it opened (another run rebuilt
# it: a long-running watcher then follows the new file).


class _Lent:
    """The shared connection, as lent: everything a connection does, but `close()`."""

    __slots__ = ("_connection",)

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def close(self) -> None:
        # Already really closed (the cache was rebuilt meanwhile): nothing to give back.
        with contextlib.suppress(*CACHE_ERRORS, sqlite3.ProgrammingError):
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")

    def __getattr__(self, name: str):
        return getattr(self._connection, name)


_shared: dict[tuple[str, int, int], tuple[sqlite3.Connection, int]] = {}


def _shared_key(path: Path) -> tuple[str, int, int]:
    return (str(path), os.getpid(), threading.get_ident())


def _lend(path: Path):
    """The process's connection to the cache at `path` (opened now if need be)."""
    key = _shared_key(path)
    held = _shared.get(key)
    try:
        inode = os.stat(path).st_ino
    except OSError:
        inode = None
    if held is not None and held[1] == inode:
        return _Lent(held[0])
    if held is not None:
        _forget(path)
    connection = _connect_anew(path)
    try:
        inode = os.stat(path).st_ino
    except OSError:
        inode = -1
    _shared[key] = (connection, inode)
    return _Lent(connection)


def _forget(path: Path) -> None:
    """Really close this process's connections to the cache at `path`."""
    for key in [key for key in _shared if key[0] == str(path)]:
        connection, _ = _shared.pop(key)
        with contextlib.suppress(*CACHE_ERRORS, sqlite3.ProgrammingError):
            connection.close()


def _forget_all() -> None:
    for path in {key[0] for key in _shared}:
        _forget(Path(path))


def end_of_command() -> None:
    """Close the command's connections: the last close checkpoints the write-ahead log
    into the file, as each command's own connections used to."""
    _forget_all()


os.register_at_fork(before=_forget_all)


def _connect(path: Path):
    return _lend(path)


def _connect_anew(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=2.0, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        # The cache is disposable and every record sealed: it never waits for the disk
        # (fsync). An application crash cannot damage it; a power cut may, and the next
        # run then rebuilds it. A checkpoint's fsync cost 5-25 ms per command.
        connection.execute("PRAGMA synchronous=OFF")
    except CACHE_ERRORS:
        connection.close()
        raise
    return connection


def _create(path: Path, reading: Reading) -> sqlite3.Connection | None:
    connection = None
    try:
        connection = _connect(path)
        connection.executescript(
            """
            BEGIN;
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS notes (
                path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL,
                size INTEGER NOT NULL, data BLOB NOT NULL
            );
            -- every note's result of one per-note computation (a key names it and its inputs)
            -- each contact's name and aliases, and the folded words NAME is matched on
            CREATE TABLE IF NOT EXISTS names (
                path TEXT PRIMARY KEY, name TEXT NOT NULL, aliases TEXT NOT NULL,
                words TEXT NOT NULL
            );
            -- the folders of the listing the names vouch for, with their mtimes
            CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
            -- a use case's whole answer for an unchanged vault (the digest's output)
            CREATE TABLE IF NOT EXISTS memo (
                key TEXT PRIMARY KEY, written INTEGER NOT NULL, data BLOB NOT NULL
            );
            -- find's full-text table and the meeting and daily notes' table belong to
            -- store/search.py and store/source_notes.py, which make them (open_cache)
            CREATE TABLE IF NOT EXISTS results (
                key TEXT PRIMARY KEY, written INTEGER NOT NULL, data BLOB NOT NULL
            );
            COMMIT;
            """
        )
        connection.execute(
            "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (_fingerprint(reading),)
        )
        return connection
    except CACHE_ERRORS:
        if connection is not None:
            connection.close()
        return None


def _rebuild(vault: Vault, report: LoadReport, error: Exception | None):
    """Throw the cache away and start a new one."""
    path = index_path(vault)
    if error is not None:
        notice = f"the index cache {path} was unreadable ({error}); rebuilt it"
        report.notices.append(notice)
        logging.getLogger("netnotes").warning(notice)
    _forget(path)
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass
        except OSError:
            return None
    report.cached = False
    return _create(path, vault.config.reading)


def _store(
    connection: sqlite3.Connection,
    fresh: list[Record],
    gone: list[str],
    listing: dict[str, int],
    *,
    first_fill: bool = False,
    folders_changed: bool = True,
) -> None:
    """Write the notes parsed anew (and forget those gone) in one transaction.

    `first_fill`: the cache held no note. Its pages are then written through a
    rollback journal, which writes each new page once, where WAL writes it to the
    log and again at the checkpoint (0.03 s of a 10,000-note vault's first run).
    Every later, small write goes through WAL, so readers never wait for it. If
    another netnotes has the file open, the switch is refused and WAL stays.
    """
    if first_fill:
        with contextlib.suppress(*CACHE_ERRORS):
            connection.execute("PRAGMA journal_mode=DELETE")
    now_ns = time.time_ns()
    rows, names = [], []
    for record in fresh:
        data = None if _racy(record.mtime_ns, now_ns) else record.blob()
        if data is not None:
            rows.append((record.path, record.mtime_ns, record.size, data))
        # A note too fresh to cache still has its names stored: the listing is vouched
        # for with it in, and it is parsed again (and its names with it) until cached.
        if record.names is not None:
            names.append((record.path, *record.names))
    dropped = [(path,) for path in gone]
    if not first_fill:  # a note that was a contact may be one no longer
        dropped += [(record.path,) for record in fresh]
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?)", rows)
        connection.executemany("DELETE FROM notes WHERE path = ?", [(path,) for path in gone])
        connection.executemany("DELETE FROM names WHERE path = ?", dropped)
        if folders_changed:  # a note removed changes its folder: the names of notes never
            # cached (too fresh when read or made) that are gone now go too (4 ms a 10,000)
            connection.execute("DELETE FROM names WHERE path NOT IN (SELECT path FROM notes)")
        connection.executemany("INSERT OR REPLACE INTO names VALUES (?, ?, ?, ?)", names)
        connection.execute("DELETE FROM folders")
        connection.executemany("INSERT INTO folders VALUES (?, ?)", listing.items())
        connection.execute("COMMIT")
        if first_fill:
            connection.execute("PRAGMA journal_mode=WAL")
    except CACHE_ERRORS:
        # Another netnotes holds the lock (or the file is damaged, and the next run
        # rebuilds it): our parse is still right, the cache just waits.
        with contextlib.suppress(*CACHE_ERRORS):
            if connection.in_transaction:
                connection.execute("ROLLBACK")


def rebuild(vault: Vault, progress: Progress | None = None) -> LoadReport:
    """`netnotes index --rebuild`: drop the cache and parse everything."""
    report = LoadReport([])
    connection = _open(vault, report)
    if connection is not None:
        connection.close()
        _rebuild(vault, report, None)
    return load(vault, progress=progress)


def stats(vault: Vault) -> dict:
    """`netnotes index --stats`: what the cache holds against what is on disk."""
    path = index_path(vault)
    on_disk = _stat_notes(vault)
    result = {"index": str(path), "exists": path.exists(), "notes_on_disk": len(on_disk)}
    if not path.exists():
        return result
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
        rows = {
            p: (m, s) for p, m, s in connection.execute("SELECT path, mtime_ns, size FROM notes")
        }
        meta = dict(connection.execute("SELECT key, value FROM meta"))
        connection.close()
    except CACHE_ERRORS as error:
        result["error"] = str(error)
        return result
    current = sum(1 for rel, (_, m, s) in on_disk.items() if rows.get(rel) == (m, s))
    result.update(
        {
            "notes_cached": len(rows),
            "up_to_date": current,
            "stale_or_missing": len(on_disk) - current,
            "fingerprint_matches": meta.get("fingerprint") == _fingerprint(vault.config.reading),
            "size_bytes": sum(
                os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}")
            ),
        }
    )
    return result
