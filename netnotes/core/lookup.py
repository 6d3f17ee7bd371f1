"""NAME → one contact: file name, name and aliases, case and accents ignored."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Protocol

from netnotes.core.errors import NetnotesError
from netnotes.core.model import Contact, Problem
from netnotes.core.names import fold, words


class NoSuchContact(NetnotesError):
    exit_code = 1


class AmbiguousName(NetnotesError):
    exit_code = 2


def _names(contact: Contact) -> list[str]:
    stem = PurePosixPath(contact.path).stem
    return [contact.name, *contact.aliases, stem, " ".join(words(stem))]


def find_contact(query: str, contacts: Sequence[Contact]) -> Contact:
    """The one contact `query` names; raise with the candidates or the closest names."""
    wanted = fold(query)
    by_path = [c for c in contacts if c.path == query or c.path.endswith("/" + query)]
    if len(by_path) == 1:
        return by_path[0]
    exact = [c for c in contacts if wanted in {fold(name) for name in _names(c)}]
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise _ambiguous(query, exact)
    query_words = wanted.split()
    prefix = [c for c in contacts if any(_starts_words(query_words, name) for name in _names(c))]
    if len(prefix) == 1:
        return prefix[0]
    if prefix:
        raise _ambiguous(query, prefix)
    known = {fold(name): c.name for c in contacts for name in (c.name, *c.aliases)}
    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(known[k]) for k in close)}?" if close else ""
    raise NoSuchContact(f"no contact matches '{query}'{hint}")


class Note(Protocol):
    """A note of the vault, whether or not it parsed into a contact (an index Record)."""

    path: str

    @property
    def contact(self) -> Contact | None: ...

    @property
    def problems(self) -> tuple[Problem, ...]: ...


def find_note(query: str, notes: Sequence[Note]) -> Note:
    """The note `query` names: a contact by name as `find_contact` does, or any note,
    a broken one included, by its vault path or file stem (so `edit` can open the
    very note `check` says to fix)."""
    wanted = query.replace("\\", "/").removeprefix("./")
    by_path = [
        note for note in notes
        if note.path in (wanted, f"{wanted}.md")
        or note.path.endswith((f"/{wanted}", f"/{wanted}.md"))
    ]  # fmt: skip
    if len(by_path) == 1:
        return by_path[0]
    by_name = {note.path: note for note in notes if note.contact is not None}
    try:
        return by_name[find_contact(query, [note.contact for note in by_name.values()]).path]
    except NoSuchContact:
        query_words = words(query)
        broken = [
            note for note in notes
            if note.contact is None and _starts_words(query_words, PurePosixPath(note.path).stem)
        ]  # fmt: skip
        if len(broken) == 1:
            return broken[0]
        raise


def _starts_words(query_words: list[str], name: str) -> bool:
    """True if the query words are prefixes of consecutive words of `name`."""
    name_words = words(name)
    for start in range(len(name_words) - len(query_words) + 1):
        if all(name_words[start + i].startswith(word) for i, word in enumerate(query_words)):
            return True
    return False


def _ambiguous(query: str, matches: Sequence[Contact]) -> AmbiguousName:
    listing = "\n".join(f"  {c.name}  ({c.path})" for c in sorted(matches, key=lambda c: c.path))
    return AmbiguousName(f"'{query}' matches {len(matches)} contacts; be more precise:\n{listing}")
