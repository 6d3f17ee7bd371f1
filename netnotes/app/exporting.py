"""`netnotes export vcard|ics`, and the calendar file `digest --write` keeps current.

The vCard file is every contact, one vCard 4.0 each; the calendar feed is what
the digest knows a year ahead (formats/calendar.py). Both are deterministic:
the same vault (and day) gives the same bytes.
"""

from __future__ import annotations

import uuid
from datetime import date

from netnotes.core.dates import Duration
from netnotes.core.model import Contact
from netnotes.store.output import write_output
from netnotes.store.vault import Vault

CALENDAR_REACH = Duration(days=366)  # how far ahead the feed holds the digest's items


def contact_uid(contact: Contact) -> str:
    """The note's own `uid:` (an imported card's), else one derived from its path: the same
    for the same note on every export."""
    for key, value in contact.fields.items():
        if str(key).casefold() == "uid" and value:
            return str(value).strip()
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"netnotes:{contact.path}"))


def export_vcard(vault: Vault) -> str:
    """Every contact's card in path order. Each note's card is kept in the index with the
    note (issue 28: at 100,000 notes, decoding every contact to serialize it again took
    33 s and 1.8 GB), so an export makes cards only for the notes changed since."""
    from netnotes.store import index
    from netnotes.store.loading import per_note_results

    key = index.context_key("vcard", vault.config)
    results = per_note_results(vault, key, card_values, tuple)
    return "".join(values[0] for record, values in sorted(results, key=lambda r: r[0].path)
                   if values[0] is not None)  # fmt: skip


def card_values(contact: Contact | None, problems) -> tuple[str | None]:
    """One note's vCard as the index keeps it (run in the parsing workers)."""
    from netnotes.formats.vcard import write_vcards

    return (write_vcards([contact], contact_uid) if contact is not None else None,)


def export_calendar(vault: Vault, today: date, *, listing=None, sources=None) -> bytes:
    """The feed of every contact (meeting and daily notes merged in), in path order: a full
    pass of the rules a year ahead, which a vault without a calendar never pays. Each
    note's events are kept in the index for the day, as the digest's rows are (issue 28:
    at 100,000 notes, making every event again took 42 s and 1.8 GB). `listing`,
    `sources`: the walks `write_calendar` made for its memo."""
    from functools import partial

    from netnotes.formats.calendar import assemble_feed
    from netnotes.store.loading import credited_results

    context = feed_context(vault, today)
    key = ("feed", today.toordinal(), context.config)
    results = credited_results(vault, key, partial(feed_values, context=context), tuple,
                               listing=listing, sources=sources)  # fmt: skip
    ordered = sorted(results, key=lambda result: result[0].path)
    return assemble_feed(values[0] for _, values in ordered if values[0] is not None)


def feed_values(contact: Contact | None, problems, *, context) -> tuple[bytes | None]:
    """One note's events as the index keeps them (run in the parsing workers)."""
    return (feed_part(contact, context) if contact is not None else None,)


def feed_context(vault: Vault, today: date):
    """The rules' context of the feed: the vault's settings, a year ahead."""
    from dataclasses import replace

    from netnotes.core.rules import make_context

    return make_context(today, replace(vault.config, horizon=CALENDAR_REACH))


def feed_part(contact: Contact, context) -> bytes:
    """One contact's events in the feed (formats/calendar.contact_events), from its items
    a year ahead in digest order: what the watcher makes again for a changed note."""
    from netnotes.core.model import Item
    from netnotes.core.rules import contact_items
    from netnotes.formats.calendar import contact_events

    items, _ = contact_items(contact, context)
    return contact_events(contact, sorted(items, key=Item.sort_key), context.today)


def write_calendar_parts(vault: Vault, parts) -> bool:
    """The `calendar` file from the contacts' feed parts, in path order (the watcher's,
    kept per contact); True if it changed."""
    from netnotes.formats.calendar import assemble_feed

    path = vault.root / str(vault.config.calendar)
    return write_output(vault, path, assemble_feed(parts))


def write_calendar(vault: Vault, today: date) -> bool | None:
    """Write the `calendar` file of netnotes.toml if it changed (True if written); None
    when the vault has no calendar file. The feed is remembered as the digest is
    (digest_output): an unchanged vault on the same day writes it from one read."""
    if not vault.config.calendar:
        return None
    from netnotes.store import index
    from netnotes.store.source_notes import list_sources, sources_signature

    key = listing = sources = None
    if vault.use_cache:
        listing, sources = index.list_notes(vault), list_sources(vault)
        notes, signed = index.listing_signature(listing), sources_signature(sources)
        if notes is not None and signed is not None:
            key = index.context_key("calendar", today.toordinal(), vault.config, notes, signed)
    remembered = index.read_memo(vault, key) if key else None
    data = (
        remembered[0]
        if remembered
        else export_calendar(vault, today, listing=listing, sources=sources)
    )
    if key and not remembered:
        index.save_memo(vault, key, (data,))
    return write_output(vault, vault.root / vault.config.calendar, data)
