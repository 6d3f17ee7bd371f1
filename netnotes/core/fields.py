"""Front-matter values as the words a person reads: wikilinks shown as their text. Pure.

Light on purpose: the rules (which the warm digest imports) use it without
importing the parser.
"""

from __future__ import annotations

import re

from netnotes.core.identity import links_of  # the profile URLs dupes and import match on
from netnotes.core.model import Contact
from netnotes.core.reading import DEFAULT_READING, KNOWN_KEYS, Reading, fold_key

_WIKILINKS = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")


def link_text(text: str) -> str:
    """Wikilinks as the words they show: `[[Flywheel]]` → Flywheel, `[[Acme|ACME]]` → ACME;
    a value made of several links lists them: `[[Flywheel]] [[Adbase]]` → Flywheel, Adbase."""
    if "[[" not in text:
        return text
    shown = [(alias or target).strip() for target, alias in _WIKILINKS.findall(text)]
    if not _WIKILINKS.sub("", text).strip(" ,;"):
        return ", ".join(shown)
    return _WIKILINKS.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)


def field_text(contact: Contact, key: str) -> str | None:
    """A front-matter key netnotes keeps as written and does not otherwise read (`uid`,
    `anniversary`), however its case and separators are spelled, as stripped text; None
    when it is missing or empty."""
    for name, value in contact.fields.items():
        if fold_key(str(name)) == key and value not in (None, "", []):
            return str(value).strip()
    return None


def contact_field(
    contact: Contact, canonical: str, reading: Reading = DEFAULT_READING
) -> str | None:
    """A front-matter value netnotes keeps only as written (`location`, `met_at`,
    `introduced_by`), found under any spelling the vault reads, as words (links shown)."""
    for key, value in contact.fields.items():
        if reading.canonical(str(key), KNOWN_KEYS) == canonical and value:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            return link_text(shown).strip() or None
    return None


# What every command says of a person, in this order, whatever the note's spelling.
PROFILE_KEYS = (
    "company", "role", "emails", "phones", "tags", "aliases", "interests", "location",
    "met_at", "introduced_by", "links", "birthday", "met", "connected",
)  # fmt: skip


def profile(contact: Contact, reading: Reading = DEFAULT_READING) -> dict[str, object]:
    """The person's fields as every command shows them (`show`, `list`, `prep`): each key
    by its meaning, however the note spells it (`Company:`, `ORG:`, `met_date:`), dates
    in ISO form (a birthday without a year as `--MM-DD`), links as their words. Texts
    are str or None, lists are lists of str."""

    def words(values) -> list[str]:
        return [link_text(str(value)).strip() for value in values if str(value).strip()]

    def shown(text: str | None) -> str | None:
        return (link_text(text).strip() or None) if text else None

    birthday = contact.birthday
    return {
        "company": shown(contact.company),
        "role": shown(contact.role),
        "emails": list(contact.emails),
        "phones": list(contact.phones),
        "tags": list(contact.tags),
        "aliases": words(contact.aliases),
        "interests": words(contact.interests),
        "location": contact_field(contact, "location", reading),
        "met_at": contact_field(contact, "met_at", reading),
        "introduced_by": contact_field(contact, "introduced_by", reading),
        "links": words(links_of(contact)),
        "birthday": None if birthday is None else (
            f"{birthday.year:04}-{birthday.month:02}-{birthday.day:02}" if birthday.year
            else f"--{birthday.month:02}-{birthday.day:02}"),
        # A `met` that is not a date (a problem of its own) is still shown as written.
        "met": contact.met.isoformat() if contact.met else contact_field(contact, "met", reading),
        # When the tie began on a network (an import's `Connected On`): shown, never a
        # conversation, so it moves no reminder.
        "connected": contact_field(contact, "connected", reading),
    }  # fmt: skip
