"""The digest as a domain operation: load the vault, apply the rules, render."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from datetime import date
from functools import partial

from netnotes.core.dates import Duration
from netnotes.core.identity import Identity, identity_of
from netnotes.core.live import LiveDigest, Part
from netnotes.core.model import Contact, Item, ItemKind, Problem, Severity, Status
from netnotes.core.render import Digest, render_digest_json, render_markdown
from netnotes.core.rules import Context, combine, contact_items, due_items, make_context
from netnotes.store.loading import (
    load_contacts,
    per_note_results,
    results_with_extras,
    source_interactions,
    vault_problems,
)
from netnotes.store.vault import Vault

_fromordinal = date.fromordinal


def build_digest(
    vault: Vault, today: date, horizon: Duration | None = None, *, listing=None, sources=None
) -> Digest:
    """The digest of the vault for `today`.

    Each note's part of the digest (its items, reconnect candidacy, problems
    and identity) is cached per day and settings, so a run where little
    changed decodes no contacts at all: only the notes parsed anew, or a new
    day, compute their part again. A contact that meeting or daily notes
    mention has its part computed with those interactions merged in, cached
    with them. `listing`, `sources`: the walks digest_output made for its memo.
    """
    from netnotes.store import index

    config = vault.config
    if horizon is not None:
        config = replace(config, horizon=horizon)
    if not vault.contacts_dir.is_dir():
        return digest_of([], load_contacts(vault)[1], today, config)
    context = make_context(today, config)
    key = index.context_key(today.toordinal(), config)
    results = per_note_results(
        vault,
        key,
        partial(digest_row, context=context),
        build_digest_row,
        listing=listing,  # the walk digest_output made for its memo, not made twice
    )
    people = [(row[3][0], row[3][1], row[3][2]) for _, row in results if row[3] is not None]
    external, source_problems, _ = source_interactions(vault, people, sources)
    if external:
        results = results_with_extras(
            vault,
            index.context_key("digest with sources", today.toordinal(), config),
            results,
            {path: tuple(map(tuple, found)) for path, found in external.items()},
            partial(digest_row_with_sources, context=context),
            build_digest_row,
        )
    per_contact, note_problems, identities = [], list(source_problems), []
    for _, (items, reconnect, problems, identity) in results:
        per_contact.append((items, reconnect))
        note_problems.extend(problems)
        if identity is not None:
            identities.append(Identity(*identity))
    return assemble(vault, context, per_contact, identities, note_problems)


def assemble(vault: Vault, context: Context, per_contact, identities, note_problems) -> Digest:
    """The digest from each contact's (items, reconnect candidates), plus vault-wide problems."""
    problems = vault_problems(vault, identities, note_problems)
    horizon_days = (context.horizon_end - context.today).days
    return Digest(context.today, horizon_days, combine(per_contact, context), problems)


def live_part(contact: Contact | None, problems, context: Context) -> Part:
    """One note's part of a LiveDigest (the watcher's): what `_digest_part` gives."""
    items, reconnect, own, identity = _digest_part(contact, problems, context)
    return Part(tuple(items), tuple(reconnect), tuple(own), identity)


def assemble_live(vault: Vault, context: Context, live: LiveDigest) -> Digest:
    """The digest of what a LiveDigest holds: as `assemble` gives it from the same parts."""
    limit = context.config.reconnect_per_digest
    problems = vault_problems(vault, [], live.note_problems(), live.duplicate_problems())
    horizon_days = (context.horizon_end - context.today).days
    return Digest(context.today, horizon_days, live.items(context.today, limit), problems)


def digest_row_with_sources(
    contact: Contact | None, problems, external: tuple, *, context: Context
) -> tuple:
    """`digest_row` of a contact with the interactions source notes give it merged in."""
    from netnotes.core.sources import External, with_sources

    if contact is not None:
        contact = with_sources(contact, [External(*entry) for entry in external])
    return digest_row(contact, problems, context=context)


def digest_row(contact: Contact | None, problems, *, context: Context) -> tuple:
    """A note's part of the digest as plain values: what a parsing worker sends back.

    This is the per-note computation the digest hands the index (`per_note`):
    the index runs it as it parses, and caches its values, without knowing
    what a digest is.
    """
    return digest_row_values(*_digest_part(contact, problems, context))


# -- a digest row: one note's part of the digest for one day and one set of settings -------
# A tuple of plain values (fast to marshal); all rows of a vault for one day are cached
# as one blob by the index.

_KINDS = {member.value: member for member in ItemKind}
_STATUSES = {member.value: member for member in Status}
_SEVERITIES = {member.value: member for member in Severity}


def digest_row_values(items, reconnect, problems, identity) -> tuple:
    def plain(item: Item) -> tuple:
        return (item.kind.value, item.status.value, item.due.toordinal(), item.contact,
                item.path, item.line, item.text, item.rank, item.source, item.context)  # fmt: skip

    return (
        tuple(map(plain, items)),
        tuple(map(plain, reconnect)),
        tuple((p.path, p.line, p.severity.value, p.message) for p in problems),
        tuple(identity) if identity is not None else None,
    )


def build_digest_row(values: tuple):
    """(items, reconnect candidates, problems, identity tuple or None)."""
    items, reconnect, problems, identity = values

    def item(raw: tuple) -> Item:
        kind, status, due, contact, path, line, text, rank, source, about = raw
        return Item(_KINDS[kind], _STATUSES[status], _fromordinal(due), contact, path, line,
                    text, rank, source, about)  # fmt: skip

    return (
        [item(raw) for raw in items],
        [item(raw) for raw in reconnect],
        [Problem(path, line, _SEVERITIES[sev], message) for path, line, sev, message in problems],
        identity,
    )


def _digest_part(contact: Contact | None, problems, context):
    # A file left out on purpose (a template, an organization: severity info) is said
    # by `check`, never in the digest, which lists what needs fixing.
    problems = [problem for problem in problems if problem.severity is not Severity.INFO]
    if contact is None:
        return [], [], problems, None
    items, reconnect, trouble = safe_contact_items(contact, context)
    return items, reconnect, [*problems, *trouble], identity_of(contact)


def safe_contact_items(contact: Contact, context: Context):
    """`contact_items`, with any failure a problem of that contact, never of the digest."""
    try:
        items, reconnect = contact_items(contact, context)
    except Exception as error:  # one note must never stop the others
        message = f"netnotes could not compute this contact's items ({type(error).__name__}: "
        return [], [], [Problem(contact.path, None, Severity.ERROR, f"{message}{error})")]
    return items, reconnect, []


def digest_of(contacts: list[Contact], problems: list[Problem], today: date, config) -> Digest:
    items = due_items(contacts, today, config)
    horizon_days = (config.horizon.after(today) - today).days
    return Digest(today, horizon_days, items, problems)


def digest_markdown_for_file(vault: Vault, digest: Digest, memo: dict | None = None) -> str:
    """Markdown whose links work from where the digest file sits in the vault.
    `memo`: see `render_markdown`."""
    return render_markdown(digest, link_from=posixpath.dirname(vault.config.digest), memo=memo)


def write_digest(vault: Vault, digest: Digest, memo: dict | None = None) -> bool:
    """Write the configured digest file if its content changed. True if written."""
    return write_digest_text(vault, digest_markdown_for_file(vault, digest, memo))


def write_digest_text(vault: Vault, text: str) -> bool:
    from netnotes.store.output import write_output

    return write_output(vault, vault.digest_path, text.encode("utf-8"))


def digest_output(
    vault: Vault, today: date, horizon: Duration | None, output_format: str, *, listing=None
) -> tuple[str, str]:
    """(the digest as Markdown or JSON, its summary line), from the memo when it can be.

    The memo is keyed on everything the output depends on: the day, the
    settings, the format, and the (path, mtime, size) of every note; it lives in
    the cache, which a new version of netnotes rebuilds (its fingerprint). A vault
    where nothing changed answers from one row, after the stat walk; a note saved in
    the last two seconds (whose change a coarse clock could hide) makes the run
    compute the digest afresh. `listing`: the walk of the contacts folder, when the
    caller made it.
    """
    from netnotes.store import index
    from netnotes.store.source_notes import list_sources, sources_signature

    config = vault.config if horizon is None else replace(vault.config, horizon=horizon)
    if listing is None and vault.use_cache:
        listing = index.list_notes(vault)
    sources = list_sources(vault)  # meeting and daily notes: their changes count too
    signature = index.listing_signature(listing) if listing is not None else None
    from_sources = sources_signature(sources)
    key = None
    if signature is not None and from_sources is not None:
        key = index.context_key("digest", output_format, today.toordinal(), config,
                                vault.config_problems, signature,
                                from_sources)  # fmt: skip
        remembered = index.read_memo(vault, key)
        if remembered is not None:
            return remembered
    result = build_digest(vault, today, horizon, listing=listing, sources=sources)
    if output_format == "json":
        text = render_digest_json(result)
    else:
        text = digest_markdown_for_file(vault, result)
    if key is not None:
        index.save_memo(vault, key, (text, result.summary()))
    return text, result.summary()
