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

from netnotes.core.identity import Summary
from netnotes.core.names import fold
from netnotes.store import index
from netnotes.store.notefile import NoteUnreadable, read_note_bytes
from netnotes.store.vault import Vault

TRIGRAM = 3


def searchable_fields(summary: Summary | None) -> str:
    """The fields `find` matches, folded, one a line (see Summary.searchable)."""
    if summary is None:
        return ""
    return "\n".join(fold(value) for value in summary.searchable())


def searchable_text(text: str) -> str:
    return "\n".join(fold(line) for line in text.splitlines())


def matching_paths(vault: Vault, records: list, query: str) -> set[str] | None:
    """The paths of the notes whose fields or text hold the folded query; None to scan."""
    wanted = fold(query)
    if len(wanted) < TRIGRAM or not vault.use_cache:
        return None
    connection = index.open_cache(vault)
    if connection is None:
        return None
    try:
        _bring_up_to_date(vault, connection, records)
        phrase = '"' + wanted.replace('"', '""') + '"'
        rows = connection.execute("SELECT path FROM search WHERE search MATCH ?", (phrase,))
        return {path for (path,) in rows}
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()


def _bring_up_to_date(vault: Vault, connection: sqlite3.Connection, records: list) -> None:
    known = dict(
        ((path, (mtime_ns, size)) for path, mtime_ns, size in connection.execute(
            "SELECT path, mtime_ns, size FROM search_state"))
    )  # fmt: skip
    current = {record.path for record in records}
    stale = [r for r in records if known.get(r.path) != (r.mtime_ns, r.size)]
    gone = [path for path in known if path not in current]
    if not stale and not gone:
        return
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
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.executemany("DELETE FROM search WHERE path = ?", dropped)
        connection.executemany("DELETE FROM search_state WHERE path = ?", dropped)
        connection.executemany("INSERT INTO search VALUES (?, ?, ?)", rows)
        connection.executemany("INSERT INTO search_state VALUES (?, ?, ?)", states)
        connection.execute("COMMIT")
    except sqlite3.DatabaseError:
        connection.execute("ROLLBACK")
        raise
