"""Read-only questions asked of the whole vault: `find`."""

from __future__ import annotations

from netnotes.core.names import fold
from netnotes.store import index, search
from netnotes.store.loading import known_people, source_interactions
from netnotes.store.notefile import read_note_bytes
from netnotes.store.source_notes import list_sources
from netnotes.store.vault import Vault
from netnotes.views import Hit, find_hits


def find(vault: Vault, query: str, *, use_search: bool = True) -> list[Hit]:
    """Contacts whose fields or note text hold `query`, case and accents ignored.

    The full-text table (store/search.py) names the notes that match, and only
    those are read; without it (a short query, no cache, `use_search=False`)
    every note is scanned. Both give the same hits, in path order.
    """
    every = index.load(vault, use_cache=vault.use_cache, progress=vault.progress).records
    records = every
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
    hits = find_hits(query, people, texts)
    sources = list_sources(vault)
    if sources:
        hits = _with_source_hits(vault, query, hits, every, sources)
    return hits


def _with_source_hits(vault: Vault, query: str, hits: list[Hit], records, sources) -> list[Hit]:
    """The hits plus the contacts a meeting or daily note credits with an interaction
    whose words hold the query (the line in that note), in path order."""
    by_path = {record.path: record for record in records}
    external, _, _ = source_interactions(vault, known_people(vault), sources)
    wanted = fold(query)
    found = {hit.contact.path for hit in hits}
    extra = []
    for path, entries in external.items():
        entry = next((e for e in entries if wanted in fold(e.text)), None)
        if entry is None or path in found or path not in by_path:
            continue
        summary, _ = by_path[path].summary()
        if summary is not None:
            extra.append(Hit(summary, entry.line, entry.text, entry.source))
    return sorted([*hits, *extra], key=lambda hit: hit.contact.path)
