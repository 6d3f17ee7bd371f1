"""The note a command names, and writing it: NAME → the note (through the index when it
can vouch, else a full read), the refusals before a write (a note that does not parse,
caught mid-save, shrunken or without its front matter), and the guarded write itself.

Every use case that edits a contact (`log`, `done`, `snooze`, `merge`, `import`) goes
through `find_target` and `write_note`: one path for the lookup and one for the write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from netnotes.core.errors import NetnotesError
from netnotes.core.lookup import find_contact, find_note
from netnotes.core.model import Contact, Problem, Severity
from netnotes.store import writer
from netnotes.store.edit import EditRefused
from netnotes.store.loading import load_notes
from netnotes.store.state import looks_mid_save
from netnotes.store.vault import Vault
from netnotes.store.writer import StaleNote, update_file


@dataclass(frozen=True, slots=True)
class Target:
    """The note a command names, as found: its path and what the last read made of it."""

    relative: str
    path: Path
    contact: Contact | None
    problems: tuple[Problem, ...]
    # What that read saw: a note shorter than this, or without the front matter it had,
    # is caught mid-save by an editor and never written (None: not known).
    size: int | None = None
    front_matter: bool = False


def find_target(vault: Vault, name: str) -> Target:
    """NAME → a note: a contact's name or alias, or any note's path or file stem.

    A note caught mid-save by an editor (read empty, or with its front matter
    cut short) holds no name for that moment: while any note looks like that,
    a lookup that finds nothing is tried again for a little while.
    """
    query = _vault_relative(vault, name)
    found = _find_by_path(vault, query) or _find_through_index(vault, query)
    if found is not None:
        return found
    give_up = time.monotonic() + writer.READ_DEADLINE
    while True:
        notes = load_notes(vault)
        try:
            note = find_note(query, notes)
            break
        except NetnotesError:
            caught = any(looks_mid_save(note.size, note.problems) for note in notes)
            if not caught or time.monotonic() > give_up:
                raise
            time.sleep(0.05)
    path = (vault.root / note.path).resolve()
    if not path.is_relative_to(vault.root.resolve()):
        raise NetnotesError(f"{note.path} links outside the vault; not writing through it")
    return Target(
        note.path, path, note.contact, tuple(note.problems), note.size, _keyed(note.contact)
    )


def _find_by_path(vault: Vault, query: str) -> Target | None:
    """A NAME that is the path of a contact note (`contacts/dana.md`, as `capture` and
    `merge` name notes): that note read alone; None for anything else (the full listing
    answers, as before). The same answer as the listing's: the path is one it lists."""
    from netnotes.store.vault import is_contact_path

    if not query.endswith(".md") or "/" not in query:
        return None
    path = vault.root / query
    if not is_contact_path(vault, path) or not path.is_file():
        return None
    return _read_target(vault, query, path)


def _read_target(vault: Vault, relative: str, path: Path) -> Target | None:
    """The note at `path` read and parsed now, as a Target; None when it cannot be read
    or lies outside the vault (then the full listing says why)."""
    from netnotes.core.parse import parse_note
    from netnotes.store.notefile import NoteUnreadable, read_note_bytes

    try:
        data = read_note_bytes(path)
    except NoteUnreadable:
        return None
    contact, problems = parse_note(relative, data, reading=vault.config.reading)
    resolved = path.resolve()
    if not resolved.is_relative_to(vault.root.resolve()):
        return None
    return Target(relative, resolved, contact, tuple(problems), len(data), _keyed(contact))


def _find_through_index(vault: Vault, query: str) -> Target | None:
    """NAME resolved from the index's names, reading only the note it names; None
    whenever the index cannot be sure (then the whole vault is read, as before).

    Same answer as the full read: the candidates are every contact whose words
    NAME could start, `find_contact` chooses among them as it would among all,
    and the chosen note is read now and must still hold the name it was found by.
    """
    from netnotes.store import index

    if "/" in query or query.endswith(".md"):
        return None  # a path: `_find_by_path`, else the full listing, says which note
    candidates = index.name_candidates(vault, query)
    if not candidates:
        return None
    try:
        chosen = find_contact(query, candidates)
    except NetnotesError:
        return None  # ambiguous or unknown: the full read gives the fresh answer
    found = _read_target(vault, chosen.path, vault.root / chosen.path)
    if found is None or found.contact is None:
        return None
    if (found.contact.name, found.contact.aliases) != (chosen.name, chosen.aliases):
        return None  # edited since the index saw it
    return found


def _keyed(contact: Contact | None) -> bool:
    """Whether the note as read has front matter with keys (`Target.front_matter`)."""
    return contact is not None and bool(contact.fields)


def _vault_relative(vault: Vault, name: str) -> str:
    """A NAME given as a path to a file in the vault (`contacts/x.md`, `/home/me/v/...`)."""
    candidate = Path(name).expanduser()
    if candidate.suffix != ".md" or not candidate.exists():
        return name
    try:
        return candidate.resolve().relative_to(vault.root.resolve()).as_posix()
    except ValueError:
        return name


def readable_contact(target: Target) -> Contact:
    """The contact a reading command shows; a note that did not parse says why, and how."""
    if target.contact is None:
        stem = PurePosixPath(target.relative).stem
        listing = "\n".join(problem.format() for problem in target.problems)
        raise NetnotesError(
            f"{listing}\nthis note is not readable as a contact: netnotes edit {stem}"
        )
    return target.contact


def refuse_untrusted(relative: str, problems) -> None:
    """A note `check` reports an error for is never written to: say where, and how to fix it."""
    errors = [problem for problem in problems if problem.severity is Severity.ERROR]
    if errors:
        stem = PurePosixPath(relative).stem
        listing = "\n".join(problem.format() for problem in errors)
        raise EditRefused(
            f"{listing}\nnetnotes writes only to notes without errors; fix this one first "
            f"(netnotes edit {stem})"
        )


def _fresh_contact(vault: Vault, target: Target, data: bytes) -> Contact:
    """The note as it is on disk now, under its lock; refused if it cannot be trusted."""
    from netnotes.core.parse import parse_note

    contact, problems = parse_note(target.relative, data, reading=vault.config.reading)
    refuse_untrusted(target.relative, problems)
    if contact is None:  # an empty note, say: only warnings, but nothing to write into
        listing = "\n".join(problem.format() for problem in problems)
        raise EditRefused(f"{listing}\nnot a contact yet; nothing was written")
    return contact


def has_front_matter(data: bytes) -> bool:
    return data.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def refuse_shrunken(target: Target, data: bytes) -> None:
    """A note shorter than when this command read it, or that lost its front matter, is
    an editor's save caught half-way: never written into, never merged."""
    why = None
    if target.size is not None and len(data) < target.size:
        why = f"is shorter than when netnotes read it a moment ago ({target.size} bytes)"
    elif target.front_matter and not has_front_matter(data):
        why = "has lost its front matter since netnotes read it a moment ago"
    if why:
        raise StaleNote(
            f"{target.relative} {why}: an editor may be saving it. Nothing was written; "
            "save it in your editor, then try again"
        )


def write_note(vault: Vault, target: Target, edit) -> tuple[str, str]:
    """Apply `edit(contact, text) -> text` to the note under its lock, from what is on disk."""
    refuse_untrusted(target.relative, target.problems)
    fresh: list[Contact] = []

    def check(data: bytes) -> None:
        refuse_shrunken(target, data)
        fresh[:] = [_fresh_contact(vault, target, data)]

    try:
        written = update_file(
            target.path,
            lambda text: edit(fresh[0], text),
            lock_dir=vault.locks_dir,
            check=check,
        )
    except UnicodeDecodeError:
        raise EditRefused(f"{target.relative} is not UTF-8 text; not editing it") from None
    from netnotes.store import index
    from netnotes.store.edit import front_matter_text

    old, new = written
    # A new name or alias (`merge` adds one) is known to the name index at once; a log
    # line leaves the front matter, and so the names, as they were: no parse for it.
    renamed = front_matter_text(old) != front_matter_text(new)
    index.note_written(vault, target.path, new if renamed else None)
    return written


def person_named(vault: Vault, name: str) -> Contact:
    """NAME → the contact as every command shows it (`show`, `prep`, `draft`): its note
    read and parsed, with what meeting and daily notes credit it with."""
    from netnotes.store.loading import contact_with_sources

    return contact_with_sources(vault, readable_contact(find_target(vault, name)))
