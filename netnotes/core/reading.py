"""How notes are read: key spellings, log headings, files that are not people. Pure.

People who keep contacts in Obsidian or similar tools spell keys their own
way (`Birthday`, `dob`, `E-mail`), title their logs their own way
(`## 📝 Interaction Log`) and keep other notes beside their people. The
built-in vocabulary here covers the spellings seen in real vaults; a vault's
netnotes.toml adds its own (`[keys]`, `[log] headings`, `exclude`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

# The keys netnotes reads (docs/format.md), as the parser names them.
KNOWN_KEYS = (
    "name",
    "aliases",
    "tags",
    "emails",
    "phones",
    "interests",
    "company",
    "role",
    "location",
    "met_at",
    "introduced_by",
    "links",
    "cadence",
    "last_contact",
    "met",
    "connected",
    "follow_up",
    "birthday",
    "snooze",
    "archived",
)

# Canonical key ← the other spellings read as it. `title` is left out on purpose:
# many vaults use it for the page's title, not a job title.
BUILT_IN_SYNONYMS: dict[str, tuple[str, ...]] = {
    # `FN` as vCard names it (the VCF Contacts plugin writes vCard's keys).
    "name": ("fn", "full_name"),
    "birthday": ("bday", "birthdate", "date_of_birth", "dob"),
    # `EMAIL[HOME]`, `EMAIL[WORK]` are `email` qualified (see `canonical`): one list.
    "emails": ("email", "e-mail", "mail"),
    "tags": ("crm_tags", "categories"),
    "follow_up": ("next_contact_due", "next_contact", "follow_up_on"),
    "phones": ("phone", "tel", "mobile"),
    "company": ("organization", "org", "employer"),
    "role": ("position", "job_title"),
    # `slug: alex-barnes`: the name a CRM's interaction notes use for the person.
    "aliases": ("alias", "slug"),
    "met": ("met_date", "first_met"),
    "connected": ("connected_on", "linkedin_connected"),
    "last_contact": (
        "last_contacted",
        "lastcontact",
        "last_contact_date",
        "last_chatted",
        "last_touch",
    ),
    "cadence": ("frequency", "contact_frequency", "contact_cadence", "keep_in_touch", "interval"),
}

# A heading is a log heading when its words include one of these (or a phrase of them).
BUILT_IN_LOG_WORDS = (
    "log",
    "interactions",
    "history",
    "timeline",
    "meetings",
    "conversations",
    "contact log",
)

# `type:` / `kind:` values that say a note in the people folder is not a person.
# vCard's KIND (RFC 6350: individual, group, org, location), as the VCF Contacts plugin
# writes it, says so too.
NOT_PEOPLE_TYPES = frozenset(
    {"organization", "organisation", "company", "template", "place", "org", "group", "location"}
)


_WORDS = re.compile(r"[^\W_]+")
_QUALIFIER = re.compile(r"(?:\[[^\]]*\]|;.*)$")


def fold_key(key: str) -> str:
    """Keys compare without regard to case, and `-`, ` ` and `_` alike."""
    return re.sub(r"[\s\-_]+", "_", key.strip().casefold())


@dataclass(frozen=True, slots=True)
class Reading:
    """The reading settings of a vault (hashable: the index keys its cache on them)."""

    # (folded spelling, canonical key), the built-in ones first.
    spellings: tuple[tuple[str, str], ...] = ()
    log_words: tuple[str, ...] = BUILT_IN_LOG_WORDS
    exclude: tuple[str, ...] = ()  # globs, vault-relative paths within the contacts folder
    _canonical: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)
    # Answers already given: a vault repeats its few keys and headings in every note.
    _seen_keys: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _seen_headings: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        table = dict(self.spellings)
        object.__setattr__(self, "_canonical", table)

    def canonical(self, key: str, known: tuple[str, ...]) -> str | None:
        """The key `key` stands for among `known`, or None."""
        remembered = (key, known)
        if remembered in self._seen_keys:
            return self._seen_keys[remembered]
        # A qualified key (`EMAIL[WORK]`, `TEL;TYPE=cell`) is the key it qualifies.
        folded = _QUALIFIER.sub("", fold_key(key)) or fold_key(key)
        answer = folded if folded in known else self._canonical.get(folded)
        if len(self._seen_keys) < 10_000:  # bounded: keys are few, but a vault is not trusted
            self._seen_keys[remembered] = answer
        return answer

    def is_log_heading(self, text: str) -> bool:
        if text in self._seen_headings:
            return self._seen_headings[text]
        words = " " + " ".join(_WORDS.findall(text.casefold())) + " "
        answer = any(f" {word} " in words for word in self.log_words)
        if len(self._seen_headings) < 10_000:
            self._seen_headings[text] = answer
        return answer

    def excluded(self, relative: str) -> bool:
        """Does an `exclude` glob match this path (relative to the contacts folder)?"""
        return any(fnmatchcase(relative, pattern) for pattern in self.exclude)


def reading(
    extra_spellings: dict[str, tuple[str, ...]] | None = None,
    log_words: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
) -> Reading:
    """The built-in vocabulary plus a vault's own."""
    pairs = [
        (fold_key(spelling), canonical)
        for table in (BUILT_IN_SYNONYMS, extra_spellings or {})
        for canonical, spellings in table.items()
        for spelling in spellings
    ]
    words = tuple(dict.fromkeys([*BUILT_IN_LOG_WORDS, *(w.casefold() for w in log_words)]))
    return Reading(tuple(pairs), words, tuple(exclude))


DEFAULT_READING = reading()


def spelling_of(fields: dict, canonical: str, reading: Reading) -> str:
    """The key as a note spells it (`Follow_Up`, `snooze`), so that a write changes the
    key the note has instead of adding a second one; the canonical name for a new key."""
    for key in fields:
        if reading.canonical(key, KNOWN_KEYS) == canonical:
            return key
    return canonical
