"""Full-text search: an SQLite FTS5 table of every note's folded fields and text.

`find` matches a folded query as a substring of a folded field or line. A
trigram FTS5 table does exactly that (a phrase of three characters or more
matches wherever it occurs), so the table holds each note's fields and body
already folded (`names.fold`, line by line, lines joined by a newline that a
folded query can never cross), and its answer is the set of notes a full
scan would find, without reading them. The table lives in the index cache
and is brought up to date by the command that searches: notes whose
(mtime_ns, size) changed are folded again, notes that are gone are dropped.
A query of fewer than three characters, or a vault without a usable cache,
gets None: the caller scans.
"""

from __future__ import annotations

import sqlite3
import time
import zlib

from netnotes.core.identity import Summary
from netnotes.core.names import fold
from netnotes.store import index
from netnotes.store.notefile import NoteUnreadable, read_note_bytes
from netnotes.store.vault import Vault

TRIGRAM = 3
# This module's tables in the index cache: each note's folded fields and text, and the
# (mtime_ns, size) each was folded from.
TABLES = """
CREATE VIRTUAL TABLE IF NOT EXISTS search
    USING fts5(path UNINDEXED, fields, body, tokenize='trigram');
CREATE TABLE IF NOT EXISTS search_state (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,
    mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL
);
"""
# Each note's row in `search` has the rowid of its `search_state` row: a changed note's
# old row is deleted by rowid. Deleting by `path` (an unindexed FTS column) scanned the
# whole table once a note: quadratic after a pull (26 s for 10,000 notes, issue 28).


def searchable_fields(summary: Summary | None) -> str:
    """The fields `find` matches, folded, one a line (see Summary.searchable)."""
    if summary is None:
        return ""
    return "\n".join(fold(value) for value in summary.searchable())


def searchable_text(text: str) -> str:
    return "\n".join(fold(line) for line in text.splitlines())


class SealBroken(Exception):
    """The search table's bytes are not the ones netnotes last wrote."""


def matching_paths(vault: Vault, records: list, query: str) -> set[str] | None:
    """The paths of the notes whose fields or text hold the folded query; None to scan."""
    return matching_any(vault, records, [query])


def matching_any(vault: Vault, records: list, queries: list[str]) -> set[str] | None:
    """The paths of the notes whose fields or text hold any of the folded queries (one
    search, one seal check); None to scan, as when any query is too short to search."""
    wanted = [fold(query) for query in queries]
    if not wanted or any(len(query) < TRIGRAM for query in wanted) or not vault.use_cache:
        return None
    connection = index.open_cache(vault, TABLES)
    if connection is None:
        return None
    try:
        return _search(vault, connection, records, wanted)
    except (*index.CACHE_ERRORS, SealBroken) as error:
        connection.close()
        if isinstance(error, SealBroken) or index.is_damage(error):
            index.discard_damaged(vault, error)
        else:
            index.mark_busy(vault)
        return None  # the caller scans: a damaged or busy table never hides a match
    finally:
        connection.close()


def _search(vault: Vault, connection: sqlite3.Connection, records: list, wanted: list[str]) -> set:
    """Bring the table up to date and ask it, in one transaction that first checks the
    seal: SQLite notices a damaged page structure, not a changed byte inside a record,
    and one changed byte in a term's list would make `find` miss a note silently."""
    stale, gone = _changes(connection, records)
    changing = bool(stale or gone)
    connection.execute("BEGIN IMMEDIATE" if changing else "BEGIN")
    try:
        seal = _seal(connection)
        if seal != _recorded_seal(connection):
            raise SealBroken("the search table does not match its seal")
        if changing:
            _apply(vault, connection, stale, gone)
            # FTS5 keeps new rows in memory until a savepoint or the commit: open one so
            # the seal is taken of the blocks the commit will hold.
            connection.execute("SAVEPOINT sealing")
            connection.execute(
                "INSERT OR REPLACE INTO meta VALUES ('search_seal', ?)", (_seal(connection),)
            )
            connection.execute("RELEASE sealing")
        phrases = " OR ".join('"' + query.replace('"', '""') + '"' for query in wanted)
        rows = connection.execute("SELECT path FROM search WHERE search MATCH ?", (phrases,))
        found = {path for (path,) in rows}
        connection.execute("COMMIT")
        return found
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _seal(connection: sqlite3.Connection) -> str:
    """A checksum of every row a search reads: the FTS5 index's blocks, its term
    index and the path of each row. About 0.07 s at 10,000 notes (docs/performance.md)."""
    checksum = 0
    for (block,) in connection.execute("SELECT block FROM search_data ORDER BY id"):
        checksum = zlib.crc32(block or b"", checksum)
    for row in connection.execute("SELECT segid, term, pgno FROM search_idx ORDER BY segid, term"):
        checksum = zlib.crc32(repr(row).encode(), checksum)
    for row_id, path in connection.execute("SELECT id, c0 FROM search_content ORDER BY id"):
        checksum = zlib.crc32(f"{row_id}\0{path}\0".encode(), checksum)
    return f"{checksum:08x}"


def _recorded_seal(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = 'search_seal'").fetchone()
    if row is None and connection.execute("SELECT 1 FROM search_state").fetchone() is None:
        return _seal(connection)  # a new cache: nothing was searched yet, nothing to check
    return row[0] if row else None


def _changes(connection: sqlite3.Connection, records: list) -> tuple[list, dict[str, int]]:
    """The records whose (mtime_ns, size) the table has not folded, each with its row id
    (None for a note new to it), and the row ids of the paths gone."""
    known = {
        path: (row_id, mtime_ns, size)
        for row_id, path, mtime_ns, size in connection.execute(
            "SELECT id, path, mtime_ns, size FROM search_state"
        )
    }
    current = {record.path for record in records}
    stale = [
        (record, known[record.path][0] if record.path in known else None)
        for record in records
        if known.get(record.path, (None, None, None))[1:] != (record.mtime_ns, record.size)
    ]
    gone = {path: row[0] for path, row in known.items() if path not in current}
    return stale, gone


def _apply(vault: Vault, connection: sqlite3.Connection, stale: list, gone: dict) -> None:
    now_ns = time.time_ns()
    rows, states, replaced = [], [], []
    (highest,) = connection.execute("SELECT coalesce(max(id), 0) FROM search_state").fetchone()
    for record, row_id in stale:
        if row_id is None:
            highest += 1
            row_id = highest
        else:
            replaced.append((row_id,))
        summary, _ = record.summary()
        try:
            text = read_note_bytes(vault.root / record.path).decode("utf-8-sig")
        except (NoteUnreadable, UnicodeDecodeError):
            text = ""
        rows.append((row_id, record.path, searchable_fields(summary), searchable_text(text)))
        # A note saved too recently to trust its (mtime, size) is folded again next time.
        fresh = index.is_racy(record.mtime_ns, now_ns)
        states.append((row_id, record.path, -1 if fresh else record.mtime_ns, record.size))
    dropped = [(row_id,) for row_id in gone.values()]
    connection.executemany("DELETE FROM search WHERE rowid = ?", dropped + replaced)
    connection.executemany("DELETE FROM search_state WHERE id = ?", dropped)
    insert = "INSERT INTO search (rowid, path, fields, body) VALUES (?, ?, ?, ?)"
    connection.executemany(insert, rows)
    connection.executemany("INSERT OR REPLACE INTO search_state VALUES (?, ?, ?, ?)", states)
