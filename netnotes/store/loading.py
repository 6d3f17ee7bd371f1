"""Every note of a vault, through the index cache: contacts, problems, and the vault-wide checks.

Above `vault` (which finds and reads notes) and `index` (which caches their
parses), so that neither needs the other's caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from netnotes.core.config import CONFIG_NAME
from netnotes.core.identity import (
    Identity,
    Summary,
    duplicate_problems,
    identity_of,
    summary_of,
)
from netnotes.core.model import Contact, Problem, Severity
from netnotes.store import codec, index
from netnotes.store.vault import Vault


def load_notes(vault: Vault) -> list:
    """Every note of the vault as an index Record (path, contact or None, problems)."""
    if not vault.contacts_dir.is_dir():
        return []
    return index.load(vault, use_cache=vault.use_cache, progress=vault.progress).records


def load_contacts(vault: Vault) -> tuple[list[Contact], list[Problem]]:
    """All contacts of the vault and every problem found reading them."""
    contacts, problems, _ = read_vault(vault)
    return contacts, problems


def read_vault(vault: Vault) -> tuple[list[Contact], list[Problem], int]:
    """`load_contacts` and the number of notes read (broken ones included)."""
    contacts: list[Contact] = []
    problems: list[Problem] = []
    if not vault.contacts_dir.is_dir():
        problems.append(
            Problem(
                CONFIG_NAME,
                None,
                Severity.ERROR,
                f"the contacts folder '{vault.config.contacts}' does not exist",
            )
        )
        return contacts, vault_problems(vault, [], problems), 0
    records = index.load(vault, use_cache=vault.use_cache, progress=vault.progress).records
    for record in records:
        problems.extend(record.problems)
        if record.contact is not None:
            contacts.append(record.contact)
    identities = [identity_of(contact) for contact in contacts]
    return contacts, vault_problems(vault, identities, problems), len(records)


_DECODED_AT_ONCE = 1000


@index.collector_paused()
def per_note_results(
    vault: Vault,
    key: str,
    compute: index.PerNote,
    decode: Callable[[tuple], Any],
    *,
    listing: index.Listing | None = None,
) -> list[tuple[index.Record, Any]]:
    """Every note with `decode(compute(contact, problems))`, the values cached per note.

    `compute` turns one note's parse into plain values; the index keeps every
    note's values under `key` as one blob, so a run where little changed
    decodes no parse at all: only notes parsed anew (whose values the parsing
    worker computed) or whose values are missing compute them again. `decode`
    makes the caller's objects from the values; a value it cannot decode
    (damage) is computed afresh. `key` must name everything `compute` depends
    on besides the note (a day, settings).
    """
    report = index.load(
        vault,
        use_cache=vault.use_cache,
        progress=vault.progress,
        results_key=key,
        per_note=compute,
        listing=listing,
    )
    cached_rows = report.results
    now_ns = time.time_ns()
    racy = index.is_racy
    results: list[tuple[index.Record, Any]] = []
    rows: dict[str, tuple[int, int, tuple]] = {}  # what the cache will hold
    stale: list[int] = []  # positions in `results` still to compute
    computed = 0  # rows worth saving that the cache did not have
    for record in report.records:
        values = record.result  # computed by the pool worker that parsed the note
        fresh = values is not None
        if values is None:
            cached = cached_rows.get(record.path)
            if cached is not None and cached[0] == record.mtime_ns and cached[1] == record.size:
                values = cached[2]
        if values is not None:
            try:
                results.append((record, decode(values)))
            except Exception:  # a damaged row is computed afresh
                pass
            else:
                # A note saved too recently to trust its stat is not cached (RACY_SECONDS).
                if not racy(record.mtime_ns, now_ns):
                    rows[record.path] = (record.mtime_ns, record.size, values)
                    computed += fresh
                continue
        stale.append(len(results))
        results.append((record, None))
    # A thousand notes at a time, each one's decoded parse let go once its values are
    # made: the first run of a day's stats at 100,000 notes held every contact (1.1 GB).
    for start in range(0, len(stale), _DECODED_AT_ONCE):
        chunk = stale[start : start + _DECODED_AT_ONCE]
        records = [results[position][0] for position in chunk]
        index.fetch_parses(vault, records)
        for position, record in zip(chunk, records, strict=True):
            values = compute(record.contact, record.problems)
            results[position] = (record, decode(values))
            record.release()
            if not racy(record.mtime_ns, now_ns):
                rows[record.path] = (record.mtime_ns, record.size, values)
                computed += 1
    vanished = cached_rows.keys() - {record.path for record in report.records}
    if vault.use_cache and _worth_saving(computed + len(vanished), len(cached_rows)):
        index.save_results(vault, key, rows)
    return results


def _worth_saving(changed: int, cached: int) -> bool:
    """Save a vault's results again? They are one blob: rewriting 10,000 rows for the one
    note just logged costs 25 ms, recomputing that note's row 0.05 ms. So a few changed
    rows are recomputed by each run until enough gather (or there was no blob at all)."""
    if not changed:
        return False
    return not cached or changed >= max(RESAVE_AFTER, cached // 100)


RESAVE_AFTER = 32  # changed rows that make rewriting a vault's results worth it


def source_interactions(
    vault: Vault, people: Iterable[tuple[str, str, tuple[str, ...]]], listing=None
) -> tuple[dict[str, tuple], list[Problem], list]:
    """What the vault's meeting and daily notes credit each contact with (core/sources.py):
    ({contact path: its External interactions}, the notes' problems, the links that named
    nobody). `people`: (path, name, aliases) of every contact; `listing`: the source notes'
    walk when the caller made it."""
    from netnotes.core.sources import Directory, credit
    from netnotes.store.source_notes import load_source_notes

    notes = load_source_notes(vault, listing)
    problems = [problem for note in notes for problem in note.problems]
    if not any(note.mentions for note in notes):
        return {}, problems, []
    external, unmatched = credit(notes, Directory(people))
    return external, problems, unmatched


def known_people(vault: Vault) -> list[tuple[str, str, tuple[str, ...]]]:
    """(path, name, aliases) of every contact, who meeting notes may name: from the index's
    names when it can vouch for them, else from every note's summary."""
    people = index.all_names(vault)
    if people is None:
        summaries, _, _ = load_summaries(vault, vault_wide=False)
        people = [(summary.path, summary.name, summary.aliases) for summary in summaries]
    return people


def contact_with_sources(vault: Vault, contact: Contact) -> Contact:
    """One contact with what the vault's meeting and daily notes credit it with merged in
    (`show`, `prep`, `draft`)."""
    from netnotes.core.sources import with_sources
    from netnotes.store.source_notes import list_sources

    listing = list_sources(vault)
    if not listing:
        return contact
    external, _, _ = source_interactions(vault, known_people(vault), listing)
    return with_sources(contact, external.get(contact.path, ()))


def contacts_with_sources(vault: Vault, contacts: list[Contact]) -> list[Contact]:
    """Every contact with what meeting and daily notes credit it with, decoded: the plain
    reading the kept per-note sets (`credited_results`) are held to in the tests."""
    from netnotes.core.sources import with_sources
    from netnotes.store.source_notes import list_sources

    listing = list_sources(vault)
    if not listing:
        return contacts
    people = [(contact.path, contact.name, contact.aliases) for contact in contacts]
    external, _, _ = source_interactions(vault, people, listing)
    return [with_sources(contact, external.get(contact.path, ())) for contact in contacts]


def summaries_with_sources(vault: Vault, summaries: list, listing=None) -> list:
    """Every contact's Summary with the days meeting and daily notes credit it with (`list`).
    `listing`: the contacts' walk the summaries came from; with it, what the source notes
    credit is remembered (a memo keyed on both walks) while neither changes."""
    from netnotes.core.sources import summary_with_days
    from netnotes.store.source_notes import list_sources, sources_signature

    sources = list_sources(vault)
    if not sources:
        return summaries
    key = None
    notes_signature = index.listing_signature(listing) if listing is not None else None
    sources_signed = sources_signature(sources)
    if vault.use_cache and notes_signature and sources_signed:
        key = index.context_key("credits", vault.config, notes_signature, sources_signed)
    remembered = index.read_memo(vault, key) if key else None
    if remembered is not None:
        days = dict(remembered[0])
    else:
        people = [(summary.path, summary.name, summary.aliases) for summary in summaries]
        external, _, _ = source_interactions(vault, people, sources)
        days = {path: tuple(entry.on for entry in entries) for path, entries in external.items()}
        if key:
            index.save_memo(vault, key, (tuple(days.items()),))
    return [summary_with_days(s, days[s.path]) if s.path in days else s for s in summaries]


def credited_results(
    vault: Vault,
    key_parts: tuple,
    compute: index.PerNote,
    decode: Callable[[tuple], Any],
    *,
    listing: index.Listing | None = None,
    sources=None,
) -> list[tuple[index.Record, Any]]:
    """`per_note_results` of every contact as every command sees it: a contact that meeting
    or daily notes credit is computed with those interactions merged in, each note's
    values kept under `key_parts` (with or without its credits) while the note and what
    credits it are unchanged (`export`, `stats`, `share`). `listing`, `sources`: the walks
    of the contacts and of the source notes when the caller made them (not made twice)."""
    from functools import partial

    from netnotes.store.source_notes import list_sources

    key = index.context_key(*key_parts)
    results = per_note_results(vault, key, compute, decode, listing=listing)
    sources = list_sources(vault) if sources is None else sources
    if not sources:
        return results
    external, _, _ = source_interactions(vault, known_people(vault), sources)
    return results_with_extras(
        vault,
        index.context_key("with sources", *key_parts),
        results,
        {path: tuple(map(tuple, found)) for path, found in external.items()},
        partial(_with_credits, compute),
        decode,
    )


def _with_credits(compute: index.PerNote, contact: Contact | None, problems, external: tuple):
    from netnotes.core.sources import External, with_sources

    if contact is not None:
        contact = with_sources(contact, [External(*entry) for entry in external])
    return compute(contact, problems)


@index.collector_paused()
def results_with_extras(
    vault: Vault,
    key: str,
    results: list[tuple[index.Record, Any]],
    extras: dict[str, tuple],
    compute: Callable[[Contact | None, tuple, tuple], tuple],
    decode: Callable[[tuple], Any],
) -> list[tuple[index.Record, Any]]:
    """`results` with the value of each note in `extras` computed from its parse and its
    extra input (`compute(contact, problems, extra)`), cached under `key` with that input:
    a note whose file and extra input are unchanged is not decoded again."""
    if not extras:
        return results
    cached = index.read_results(vault, key)
    now_ns = time.time_ns()
    rows: dict[str, tuple[int, int, tuple]] = {}
    stale: list[int] = []
    updated = list(results)
    for position, (record, _) in enumerate(results):
        extra = extras.get(record.path)
        if extra is None:
            continue
        row = cached.get(record.path)
        if row is not None and row[:2] == (record.mtime_ns, record.size) and row[2][0] == extra:
            try:
                updated[position] = (record, decode(row[2][1]))
                rows[record.path] = row
                continue
            except Exception:  # a damaged row is computed afresh
                pass
        stale.append(position)
    if stale:
        records = [results[position][0] for position in stale]
        index.fetch_parses(vault, records)
        for position, record in zip(stale, records, strict=True):
            extra = extras[record.path]
            values = compute(record.contact, record.problems, extra)
            updated[position] = (record, decode(values))
            record.release()  # as per_note_results does: no decoded contact is kept
            if not index.is_racy(record.mtime_ns, now_ns):
                rows[record.path] = (record.mtime_ns, record.size, (extra, values))
    if vault.use_cache and (stale or rows.keys() != cached.keys()):
        index.save_results(vault, key, rows)
    return updated


def summary_values(contact: Contact | None, problems) -> tuple:
    """A note's summary and problems as plain values (what `list` and `check` cache)."""
    return (
        tuple(summary_of(contact)) if contact is not None else None,
        codec.plain_problems(problems),
    )


def _summary_from(values: tuple) -> tuple[Summary | None, tuple[Problem, ...]]:
    summary, problems = values
    found = Summary(*summary) if summary is not None else None
    return found, (codec.problems_of(problems) if problems else ())


def load_summaries(
    vault: Vault, *, vault_wide: bool = True, listing: index.Listing | None = None
) -> tuple[list[Summary], list[Problem], int]:
    """`read_vault` for `list` and `check`: summaries instead of contacts, each note's
    cached as plain values apart from its parse, so an unchanged vault builds no contact
    and decodes no parse. `vault_wide=False` skips the duplicate check (for `list`, which
    shows no problems). `listing`: a walk the caller already made."""
    if not vault.contacts_dir.is_dir():
        _, problems, notes = read_vault(vault)
        return [], problems, notes
    summaries: list[Summary] = []
    problems: list[Problem] = []
    key = index.context_key("summaries", vault.config)
    results = per_note_results(vault, key, summary_values, _summary_from, listing=listing)
    for _, (summary, own) in results:
        problems.extend(own)
        if summary is not None:
            summaries.append(summary)
    identities = [summary.identity() for summary in summaries] if vault_wide else []
    return summaries, vault_problems(vault, identities, problems), len(results)


def vault_problems(
    vault: Vault,
    identities: list[Identity],
    note_problems: list[Problem],
    duplicates: list[Problem] | None = None,
):
    """The notes' own problems plus the config's and the vault-wide ones, sorted.
    `duplicates`: the duplicate check's problems when the caller keeps them (the
    watcher); else they are found from `identities`."""
    if duplicates is None:
        duplicates = duplicate_problems(identities)
    problems = [*vault.config_problems, *note_problems, *duplicates]
    return sorted(problems, key=Problem.sort_key)
