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
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL
);
"""


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
    wanted = fold(query)
    if len(wanted) < TRIGRAM or not vault.use_cache:
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


def _search(vault: Vault, connection: sqlite3.Connection, records: list, wanted: str) -> set:
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
        phrase = '"' + wanted.replace('"', '""') + '"'
        rows = connection.execute("SELECT path FROM search WHERE search MATCH ?", (phrase,))
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


def _changes(connection: sqlite3.Connection, records: list) -> tuple[list, list[str]]:
    """The records whose (mtime_ns, size) the table has not folded, and the paths gone."""
    known = dict(
        ((path, (mtime_ns, size)) for path, mtime_ns, size in connection.execute(
            "SELECT path, mtime_ns, size FROM search_state"))
    )  # fmt: skip
    current = {record.path for record in records}
    stale = [r for r in records if known.get(r.path) != (r.mtime_ns, r.size)]
    gone = [path for path in known if path not in current]
    return stale, gone


def _apply(vault: Vault, connection: sqlite3.Connection, stale: list, gone: list[str]) -> None:
    now_ns = time.time_ns()
    rows, states = [], []
    for record in stale:
        summary, _ = record.summary()
        try:
            text = read_note_bytes(vault.root / record.path).decode("utf-8-sig")
        except (NoteUnreadable, UnicodeDecodeError):
            text = ""
        rows.append((record.path, searchable_fields(summary), searchable_text(text)))
        # A note saved too recently to trust its (mtime, size) is folded again next time.
        fresh = index.is_racy(record.mtime_ns, now_ns)
        states.append((record.path, -1 if fresh else record.mtime_ns, record.size))
    dropped = [(path,) for path in gone] + [(record.path,) for record in stale]
    connection.executemany("DELETE FROM search WHERE path = ?", dropped)
    connection.executemany("DELETE FROM search_state WHERE path = ?", dropped)
    connection.executemany("INSERT INTO search VALUES (?, ?, ?)", rows)
    connection.executemany("INSERT INTO search_state VALUES (?, ?, ?)", states)
