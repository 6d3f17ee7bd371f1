"""Front-matter values as the words a person reads: wikilinks shown as their text. Pure.

Light on purpose: the rules (which the warm digest imports) use it without
importing the parser.
"""

from __future__ import annotations

import re

from netnotes.core.model import Contact
from netnotes.core.reading import DEFAULT_READING, KNOWN_KEYS, Reading

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
