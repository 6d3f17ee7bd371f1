"""Read-only questions asked of the whole vault: `find`."""

from __future__ import annotations

from netnotes.store import index, search
from netnotes.store.notefile import read_note_bytes
from netnotes.store.vault import Vault
from netnotes.views import Hit, find_hits


def find(vault: Vault, query: str, *, use_search: bool = True) -> list[Hit]:
    """Contacts whose fields or note text hold `query`, case and accents ignored.

    The full-text table (store/search.py) names the notes that match, and only
    those are read; without it (a short query, no cache, `use_search=False`)
    every note is scanned. Both give the same hits, in path order.
    """
    records = index.load(vault, use_cache=vault.use_cache, progress=vault.progress).records
    matching = search.matching_paths(vault, records, query) if use_search else None
    if matching is not None:
        records = [record for record in records if record.path in matching]
    people = [summary for summary, _ in map(index.Record.summary, records) if summary]
    texts = {}
    for person in people:
        try:
            texts[person.path] = read_note_bytes(vault.root / person.path).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
    return find_hits(query, people, texts)
