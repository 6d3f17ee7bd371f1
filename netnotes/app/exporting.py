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
from netnotes.store.loading import load_contacts, people
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
    from netnotes.formats.vcard import write_vcards

    contacts, _ = load_contacts(vault)
    return write_vcards(sorted(contacts, key=lambda c: c.path), contact_uid)


def export_calendar(vault: Vault, today: date) -> bytes:
    return calendar_of(vault, people(vault), today)


def calendar_of(vault: Vault, contacts: list[Contact], today: date) -> bytes:
    """The feed of these contacts (meeting and daily notes merged in): a full pass of the
    rules a year ahead, which a vault without a calendar never pays. The digest's
    per-day cached rows are left alone: a year's rows would push them out."""
    from dataclasses import replace

    from netnotes.core.rules import due_items
    from netnotes.formats.calendar import calendar_feed

    config = replace(vault.config, horizon=CALENDAR_REACH)
    return calendar_feed(contacts, due_items(contacts, today, config), today)


def write_calendar_of(vault: Vault, contacts: list[Contact], today: date) -> bool:
    """The `calendar` file from contacts already read (the watcher's); True if it changed."""
    path = vault.root / str(vault.config.calendar)
    return write_output(vault, path, calendar_of(vault, contacts, today))


def write_calendar(vault: Vault, today: date) -> bool | None:
    """Write the `calendar` file of netnotes.toml if it changed (True if written); None
    when the vault has no calendar file. The feed is remembered as the digest is
    (digest_output): an unchanged vault on the same day writes it from one read."""
    if not vault.config.calendar:
        return None
    from netnotes.store import index
    from netnotes.store.source_notes import list_sources, sources_signature

    key = None
    if vault.use_cache:
        notes = index.listing_signature(index.list_notes(vault))
        sources = sources_signature(list_sources(vault))
        if notes is not None and sources is not None:
            key = index.context_key("calendar", today.toordinal(), vault.config, notes, sources)
    remembered = index.read_memo(vault, key) if key else None
    data = remembered[0] if remembered else export_calendar(vault, today)
    if key and not remembered:
        index.save_memo(vault, key, (data,))
    return write_output(vault, vault.root / vault.config.calendar, data)
