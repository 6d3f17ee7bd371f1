"""Read-only questions asked of the whole vault: `find`, `list`."""

from __future__ import annotations

from netnotes.app.views import Hit, find_hits, summary_rows
from netnotes.core.names import fold
from netnotes.store import index, search
from netnotes.store.loading import (
    known_people,
    load_summaries,
    source_interactions,
    summaries_with_sources,
)
from netnotes.store.notefile import read_note_bytes
from netnotes.store.source_notes import list_sources
from netnotes.store.vault import Vault


def list_rows(
    vault: Vault, today, *, tag: str | None = None, company: str | None = None, due: bool = False
) -> list[dict]:
    """`netnotes list`: the contacts that pass the filters, as plain rows, each with the
    last contact `show` gives it (meeting and daily notes count). `due`: only contacts
    with an item in today's digest, taken from the digest itself (its memo when nothing
    changed: one read, no decoding)."""
    import json

    from netnotes.app.digest import digest_output

    owing = None
    listing = index.list_notes(vault) if vault.contacts_dir.is_dir() else None  # one walk
    if due:
        text, _ = digest_output(vault, today, None, "json", listing=listing)
        owing = {item["path"] for item in json.loads(text)["items"]}
    # names, companies, tags and dates: read without building any contact
    summaries, _, _ = load_summaries(vault, vault_wide=False, listing=listing)
    summaries = summaries_with_sources(vault, summaries, listing)
    return summary_rows(summaries, today, tag=tag, company=company, only=owing)


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
