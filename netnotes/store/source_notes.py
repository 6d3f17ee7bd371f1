"""Meeting and daily notes: found, read and cached like contacts, in the index's `sources`.

Each source note (core/sources.py) is cached with the (mtime_ns, size) it was read
at, so a run reads only the notes that changed; a warm run reads none. The cache
is best effort, as the rest of the index: a damaged row is read from the note
again, a locked or read-only cache is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import time

from netnotes.core.config import SourceSettings
from netnotes.core.model import Problem, Severity
from netnotes.core.sources import Mention, SourceNote
from netnotes.store import codec, index
from netnotes.store.notefile import NoteUnreadable, read_note_bytes
from netnotes.store.vault import Vault, in_people_folder, scan_folder, stat_source_files

SourceListing = list[tuple[str, str, int, int]]  # (relative, path, mtime_ns, size)


def list_sources(vault: Vault) -> SourceListing:
    """Every source note: those outside the contacts folder, and the contacts folder's
    notes named by a day (interaction records, if they list people: core/records.py)."""
    found = stat_source_files(vault)
    if vault.config.sources.include == ():
        return found  # sources are turned off
    records = _named_by_a_day(vault)
    return sorted(found + records) if records else found


def _named_by_a_day(vault: Vault) -> SourceListing:
    """The contacts folder's notes whose names start with a date. Which they are is
    cached per folder with the folder's mtime (it changes when a name in it does), so a
    run stats the folders, not the 10,000 notes in them (bench.commands: walking them
    cost `show` 17 ms at 10,000 notes)."""
    from netnotes.core.records import starts_with_a_date

    start = str(vault.contacts_dir)
    if not os.path.isdir(start):
        return []
    connection = index.open_cache(vault, TABLES) if vault.use_cache else None
    known: dict[str, tuple[int, str]] = {}
    if connection is not None:
        try:
            rows = connection.execute("SELECT folder, mtime_ns, data FROM dated_names")
            known = {folder: (mtime_ns, data) for folder, mtime_ns, data in rows}
        except index.CACHE_ERRORS:
            connection.close()
            connection = None
    now_ns = time.time_ns()
    fresh: list[tuple[str, int, str]] = []
    found: SourceListing = []
    skip = len(str(vault.root)) + 1
    digest = str(vault.digest_path)
    pending = [start]
    while pending:
        folder = pending.pop()
        try:
            mtime_ns = os.stat(folder).st_mtime_ns
        except OSError:
            continue
        held = _held_names(known.get(folder), mtime_ns)
        if held is None:  # not cached, renamed into since, or damaged: look at its names
            subfolders, names = scan_folder(folder)
            held = (subfolders, [name for name in names if starts_with_a_date(name)])
            if not index.is_racy(mtime_ns, now_ns):
                fresh.append((folder, mtime_ns, json.dumps(held)))
        folders, dated = held
        pending += [os.path.join(folder, name) for name in folders]
        for name in dated:
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and path != digest:
                relative = path[skip:].replace(os.sep, "/")
                found.append((relative, path, info.st_mtime_ns, info.st_size))
    if connection is not None:
        if fresh:
            index.store_rows(
                connection, ("INSERT OR REPLACE INTO dated_names VALUES (?, ?, ?)", fresh)
            )
        connection.close()
    return found


def sources_signature(listing: SourceListing) -> str | None:
    """A hash of every source note's (path, mtime_ns, size), for the digest's memo; None
    while one is too fresh to trust (see index.RACY_SECONDS)."""
    now_ns = time.time_ns()
    digest = hashlib.blake2b(digest_size=16)
    for relative, _, mtime_ns, size in listing:
        if index.is_racy(mtime_ns, now_ns):
            return None
        digest.update(f"{relative}\0{mtime_ns}\0{size}\n".encode())
    return digest.hexdigest()


# This module's table in the index cache: each meeting or daily note's mentions and
# problems, with the (mtime_ns, size) they were read from.
TABLES = """
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS dated_names (
    folder TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, data TEXT NOT NULL
);
"""


def load_source_notes(vault: Vault, listing: SourceListing | None = None) -> list[SourceNote]:
    """Every source note's mentions and problems, reading only what the cache lacks."""
    if listing is None:
        listing = list_sources(vault)
    settings = vault.config.sources
    keys = settings.reading()
    connection = index.open_cache(vault, TABLES) if vault.use_cache else None
    known: dict[str, tuple[int, int, bytes]] = {}
    if connection is not None:
        try:
            rows = connection.execute("SELECT path, mtime_ns, size, data FROM sources")
            known = {path: (mtime, size, data) for path, mtime, size, data in rows}
        except index.CACHE_ERRORS:
            connection.close()
            connection = None
    notes: list[SourceNote] = []
    fresh: list[tuple[str, int, int, bytes]] = []
    now_ns = time.time_ns()
    for relative, path, mtime_ns, size in listing:
        cached = known.get(relative)
        if cached is not None and cached[:2] == (mtime_ns, size):
            try:
                mentions, problems = codec.decode_source(cached[2], keys)
                notes.append(SourceNote(relative, tuple(map(_mention, mentions)), problems))
                continue
            except Exception:  # damaged, or read with other settings: read it again
                pass
        note = read_source(relative, path, settings, in_people_folder(vault, relative))
        notes.append(note)
        if not index.is_racy(mtime_ns, now_ns):
            fresh.append((relative, mtime_ns, size, _encode(note, keys)))
    gone = known.keys() - {relative for relative, *_ in listing}
    if connection is not None:
        if fresh or gone:
            _store(connection, fresh, gone)
        connection.close()
    return notes


def read_source(
    relative: str, path: str, settings: SourceSettings, records_only: bool = False
) -> SourceNote:
    """One source note read from disk; a file that cannot be read is a problem.
    `records_only`: a note of the contacts folder (see core/sources.parse_source)."""
    from netnotes.core.sources import parse_source  # markdown-it loads only when needed

    try:
        data = read_note_bytes(path)
    except NoteUnreadable as error:
        return SourceNote(relative, (), (Problem(relative, None, Severity.WARNING, str(error)),))
    return parse_source(
        relative,
        data,
        people_keys=settings.people_keys,
        records_only=records_only,
        contact_words=settings.contact_words,
    )


def _mention(values: tuple) -> Mention:
    return Mention(*values)


def _encode(note: SourceNote, keys: tuple) -> bytes:
    return codec.encode_source(keys, tuple(tuple(m) for m in note.mentions), note.problems)


def _held_names(row: tuple[int, str] | None, mtime_ns: int) -> tuple[list, list] | None:
    """A folder's (sub-folders, dated names) as cached, if cached at this mtime."""
    if row is None or row[0] != mtime_ns:
        return None
    try:
        folders, dated = json.loads(row[1])
    except (ValueError, TypeError):
        return None
    return folders, dated


def _store(connection: sqlite3.Connection, fresh: list, gone) -> None:
    index.store_rows(
        connection,
        ("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)", fresh),
        ("DELETE FROM sources WHERE path = ?", [(p,) for p in gone]),
    )
