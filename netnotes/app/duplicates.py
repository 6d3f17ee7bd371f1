"""`netnotes dupes` and `netnotes merge A B`: one person in two notes, found and made one.

Likely duplicates share an e-mail, a profile URL, or a folded name or alias.
Merging B into A unites their front-matter lists, adds the keys A lacks,
keeps A's value where both have one (and says so), unites their logs with the
git merge driver's entry logic, keeps the rest of B's body under a heading,
then removes B: A is written first (atomically, under its lock), so an
interruption leaves both notes, never neither.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from netnotes.core.errors import NetnotesError
from netnotes.core.identity import Identity, identity_of, links_of, told_apart, url_key
from netnotes.core.model import Contact, Severity
from netnotes.core.names import fold
from netnotes.core.reading import KNOWN_KEYS
from netnotes.store.vault import Vault

_LIST_KEYS = {"aliases", "tags", "emails", "phones", "interests", "links"}


@dataclass(frozen=True, slots=True)
class LikelyDuplicate:
    first: str
    second: str
    reason: str


def likely_duplicates(vault: Vault) -> list[LikelyDuplicate]:
    """Pairs of notes that share an e-mail, a profile URL, a name or an alias, but for
    those a note marks as someone else (`not_same_as:`). Each note's keys are kept in the
    index with it (issue 28: `dupes` decoded every contact, 9.2 s at 100,000 notes)."""
    from netnotes.store.index import context_key
    from netnotes.store.loading import per_note_results

    key = context_key("duplicate keys", vault.config)
    results = per_note_results(vault, key, duplicate_keys, tuple)
    owners: dict[tuple[str, str], list[Identity]] = {}
    for _, (identity, keys) in results:
        if identity is None:
            continue
        for owned in keys:
            owners.setdefault(tuple(owned), []).append(Identity(*identity))
    found: dict[tuple[str, str], str] = {}
    for (what, value), holders in sorted(owners.items()):
        for index, first in enumerate(holders):
            for second in holders[index + 1 :]:
                if told_apart(first, second):
                    continue
                pair = tuple(sorted((first.path, second.path)))
                found.setdefault(pair, f"same {what}: {value}")
    return [LikelyDuplicate(a, b, reason) for (a, b), reason in sorted(found.items())]


def duplicate_keys(contact: Contact | None, problems) -> tuple:
    """A note's identity and what it may share with another note, as plain values (run in
    the parsing workers): its e-mails, profile URLs and folded names."""
    if contact is None:
        return (None, ())
    keys = {("e-mail", email.strip().lower()) for email in contact.emails}
    keys |= {("profile", url_key(link)) for link in links_of(contact)}
    keys |= {("name", fold(name)) for name in (contact.name, *contact.aliases)}
    # The identity without its duplicate-check keys: `dupes` keys are these, not those.
    return (tuple(identity_of(contact)._replace(keys=())), tuple(sorted(keys)))


@dataclass(frozen=True, slots=True)
class MergeReport:
    kept: str
    removed: str
    changes: list[str]
    conflicts: list[str]
    entries: int


def merge_contacts(vault: Vault, keep: str, remove: str, confirm=None) -> MergeReport:
    """Merge the note named `remove` into the one named `keep`, then delete it.

    `confirm(kept, removed)`, given the two notes' paths once both are found, says
    whether to go on; False changes nothing (NetnotesError).

    REMOVE is deleted only once KEEP was written, read back, and parses with every
    one of REMOVE's log entries in it; REMOVE is read as the note writer reads a note
    (until it holds still, refused when shorter than a moment ago or without the front
    matter it had), and deleted only if it still holds the bytes that were merged.
    """
    from netnotes.core.parse import parse_note
    from netnotes.store import index
    from netnotes.store.notefile import read_note_bytes
    from netnotes.store.notes import (
        find_target,
        readable_contact,
        refuse_shrunken,
        refuse_untrusted,
        write_note,
    )
    from netnotes.store.writer import note_lock, read_settled

    first = find_target(vault, keep)
    second = find_target(vault, remove)
    if first.path.resolve() == second.path.resolve():
        raise NetnotesError(f"{first.relative} is the same note twice: nothing to merge")
    if (vault.root / second.relative).is_symlink():
        raise NetnotesError(
            f"{second.relative} is a symbolic link: merge the note it points to, or remove "
            "the link yourself; nothing was changed"
        )
    readable_contact(first)
    if confirm is not None and not confirm(first.relative, second.relative):
        raise NetnotesError("not merged: nothing was changed")
    changes: list[str] = []
    conflicts: list[str] = []
    added_entries = [0]
    # REMOVE stays locked from its read to its deletion (another netnotes waits), and is
    # deleted only if it still holds the bytes that were merged (an editor takes no lock).
    with note_lock(vault.locks_dir, second.path):
        data = read_settled(second.path)
        refuse_shrunken(second, data)
        theirs, problems = parse_note(second.relative, data, reading=vault.config.reading)
        refuse_untrusted(second.relative, problems)
        if theirs is None:
            raise NetnotesError(f"{second.relative} is no contact yet: nothing to merge")
        their_text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")

        def edit(ours: Contact, text: str) -> str:
            changes.clear()
            conflicts.clear()
            merged = _merge_front(vault, ours, theirs, text, changes, conflicts)
            return _merge_body(merged, their_text, second.relative, added_entries)

        write_note(vault, first, edit)
        _refuse_unless_merged(vault, first.relative, theirs)
        if read_note_bytes(second.path) != data:
            raise NetnotesError(
                f"{second.relative} changed while it was merged into {first.relative}: "
                "its earlier text is merged, the file is kept; merge again or delete it"
            )
        before = index.folder_stamp(second.path.parent)
        os.unlink(second.path)
        index.notes_changed(vault, second.path.parent, before, removed=[second.path])
    return MergeReport(first.relative, second.relative, changes, conflicts, added_entries[0])


def _refuse_unless_merged(vault: Vault, kept: str, theirs: Contact) -> None:
    """KEEP, read back from disk, parses and holds every entry of REMOVE's log."""
    from netnotes.core.parse import parse_note
    from netnotes.store.notefile import read_note_bytes

    ours, problems = parse_note(
        kept, read_note_bytes(vault.root / kept), reading=vault.config.reading
    )
    held = set() if ours is None else {(i.on, i.direction, i.text) for i in ours.interactions}
    missing = [i for i in theirs.interactions if (i.on, i.direction, i.text) not in held]
    if ours is None or any(p.severity is Severity.ERROR for p in problems) or missing:
        raise NetnotesError(
            f"{kept} does not read back with {theirs.path}'s log in it: {theirs.path} is kept; "
            "look at both notes before you merge again"
        )


def _merge_front(vault, ours: Contact, theirs: Contact, text: str, changes, conflicts) -> str:
    from netnotes.core.reading import fold_key, spelling_of
    from netnotes.store.edit import add_to_list, set_key

    reading = vault.config.reading
    if fold(theirs.name) not in {fold(name) for name in (ours.name, *ours.aliases)}:
        text = add_to_list(text, spelling_of(ours.fields, "aliases", reading), [theirs.name])
        changes.append(f"+ aliases: {theirs.name}")
    for key, value in theirs.fields.items():
        canonical = reading.canonical(str(key), KNOWN_KEYS)
        if canonical == "name" or value in (None, "", []):
            continue
        if isinstance(value, dict):
            conflicts.append(f"not merged: {key} (a nested value): copy it by hand")
            continue
        if canonical is None:  # a key netnotes does not know (`hobby:`, `count: 3`)
            spelled = next((k for k in ours.fields if fold_key(str(k)) == fold_key(str(key))), key)
        else:
            spelled = spelling_of(ours.fields, canonical, reading)
        held = next((v for k, v in ours.fields.items() if k == spelled), None)
        if canonical in _LIST_KEYS or isinstance(value, list):
            values = [str(v) for v in (value if isinstance(value, list) else [value])]
            have = {fold(str(v)) for v in (held if isinstance(held, list) else [held]) if v}
            new = [v for v in values if fold(v) not in have]
            if new:
                text = add_to_list(text, spelled, new)
                changes.append(f"+ {spelled}: {', '.join(new)}")
        elif held in (None, "", []):
            text = set_key(text, str(spelled), _yaml_value(value))
            changes.append(f"{spelled}: {value}")
        elif fold(str(held)) != fold(str(value)):
            conflicts.append(f"kept {spelled}: {held} ({theirs.path} says {value})")
    return text


def _yaml_value(value) -> str:
    """A front-matter value as REMOVE had it: a flag or a whole number stays one."""
    from netnotes.core.yamltext import yaml_scalar

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return yaml_scalar(str(value))


def _merge_body(text: str, their_text: str, their_path: str, added: list[int]) -> str:
    """Our note with their log entries, and what else their body says (notes, tasks):
    a section of theirs under a heading ours has too (`## Next`) joins the end of ours,
    one ours lacks is added at the end, and their text before any heading goes under
    `## Merged from PATH`. A line our section already holds is not added again (a merge
    interrupted before it removed the note, run again). Their empty headings go."""
    from netnotes.sync.gitmerge import add_log_entries

    crlf = "\r\n" in text
    merged, rest, added[0] = add_log_entries(text.replace("\r\n", "\n"), their_text)
    lines = merged.rstrip("\n").split("\n")
    preamble, sections = _sections(_without_empty_headings(rest.split("\n")))
    if preamble:
        sections.insert(0, (f"## Merged from {their_path}", preamble))
    for heading, content in sections:
        lines = _into_section(lines, heading, content)
    merged = "\n".join(lines) + "\n"
    return merged.replace("\n", "\r\n") if crlf else merged


def _sections(lines: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(the lines before the first heading, [(heading, the lines under it)]), each without
    its blank lines at either end."""
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in lines:
        if _HEADING.match(line):
            sections.append((line.rstrip(), []))
        else:
            (sections[-1][1] if sections else preamble).append(line)
    return _trimmed(preamble), [(heading, _trimmed(content)) for heading, content in sections]


_HEADING = re.compile(r"#{1,6}\s")


def _trimmed(lines: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = next((i for i in range(len(lines), 0, -1) if lines[i - 1].strip()), start)
    return lines[start:end]


def _into_section(lines: list[str], heading: str, content: list[str]) -> list[str]:
    """`lines` with `content` at the end of the section under `heading` (the same level
    and words, any case), or as a new section at the end."""
    key = fold(heading)
    level = len(heading) - len(heading.lstrip("#"))
    start = next((i for i, line in enumerate(lines) if fold(line.rstrip()) == key), None)
    if start is None:
        return [*lines, "", heading, *(["", *content] if content else [])]
    end = next(
        (i for i in range(start + 1, len(lines))
         if _HEADING.match(lines[i]) and len(lines[i]) - len(lines[i].lstrip("#")) <= level),
        len(lines),
    )  # fmt: skip
    held = {line.strip() for line in lines[start + 1 : end] if line.strip()}
    new = [line for line in content if line.strip() not in held or not line.strip()]
    if not any(line.strip() for line in new):
        return lines
    last = next((i for i in range(end, start, -1) if lines[i - 1].strip()), start + 1)
    gap = [""] if last == start + 1 else []
    return [*lines[:last], *gap, *new, *lines[last:end], *lines[end:]]


def _without_empty_headings(lines: list[str]) -> list[str]:
    """The lines without their title and the headings nothing follows (their emptied Log)."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        if line.startswith("# "):
            continue  # their title: the note now has ours
        if line.startswith("#"):
            following = next((later for later in lines[index + 1 :] if later.strip()), "")
            if not following or following.startswith("#"):
                continue
        kept.append(line)
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept
