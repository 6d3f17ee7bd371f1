"""The parsed notes of a vault, kept in memory and re-read only when a file changes.

A file is known by its (mtime_ns, size): the same pair means the same parse.
The watcher keeps one VaultState for its whole life and refreshes only the
paths that events name; a full `rescan` diffs the folder against it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from netnotes.core.model import Contact, Problem
from netnotes.core.sources import SourceNote
from netnotes.store.vault import (
    Vault,
    contact_files,
    in_people_folder,
    is_contact_path,
    is_source_path,
    read_note,
)


@dataclass(frozen=True, slots=True)
class Entry:
    mtime_ns: int
    size: int
    contact: Contact | None
    problems: tuple[Problem, ...]
    suspect: bool  # read empty or cut short: maybe caught mid-save, worth a second read


class VaultState:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.entries: dict[str, Entry] = {}

    def rescan(self) -> set[str]:
        """Diff the contacts folder against what we hold; re-read what changed."""
        if not self.entries:
            return self._load_through_index()
        on_disk = {self.vault.relative(path): path for path in contact_files(self.vault)}
        changed = {relative for relative in self.entries if relative not in on_disk}
        for relative in changed:
            del self.entries[relative]
        for relative, path in on_disk.items():
            if self._update(relative, path):
                changed.add(relative)
        return changed

    def refresh(self, paths: Iterable[Path]) -> set[str]:
        """Re-read the given files (those that are notes); forget those that are gone."""
        changed: set[str] = set()
        for path in paths:
            if not is_contact_path(self.vault, path):
                continue
            relative = self.vault.relative(path)
            if not path.is_file():
                if self.entries.pop(relative, None) is not None:
                    changed.add(relative)
            elif self._update(relative, path, force=self.entries.get(relative) is None):
                changed.add(relative)
        return changed

    def suspects(self, among: Iterable[Path]) -> set[Path]:
        """Those of `among` read empty or cut short (see `looks_mid_save`)."""
        found = set()
        for path in among:
            try:
                entry = self.entries.get(self.vault.relative(path))
            except ValueError:  # not under the vault
                continue
            if entry is not None and entry.suspect:
                found.add(path)
        return found

    def _load_through_index(self) -> set[str]:
        """The first full read goes through the index cache: a warm start is fast."""
        from netnotes.store import index

        report = index.load(self.vault, use_cache=self.vault.use_cache)
        for record in report.records:
            self.entries[record.path] = Entry(
                record.mtime_ns,
                record.size,
                record.contact,
                record.problems,
                looks_mid_save(record.size, record.problems),
            )
        return set(self.entries)

    def _update(self, relative: str, path: Path, force: bool = False) -> bool:
        try:
            info = os.stat(path)
        except OSError:
            return self.entries.pop(relative, None) is not None
        known = self.entries.get(relative)
        if (
            not force
            and known is not None
            and not known.suspect
            and (known.mtime_ns, known.size) == (info.st_mtime_ns, info.st_size)
        ):
            return False
        contact, problems = read_note(self.vault, path)
        self.entries[relative] = Entry(
            info.st_mtime_ns,
            info.st_size,
            contact,
            tuple(problems),
            looks_mid_save(info.st_size, problems),
        )
        return True


class SourceState:
    """The vault's meeting and daily notes (core/sources.py), kept like the contacts are:
    each known by its (mtime_ns, size) and read again only when that changes."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.notes: dict[str, tuple[int, int, SourceNote]] = {}

    def rescan(self) -> set[str]:
        """Diff the vault's source notes against what we hold; the paths that changed."""
        from netnotes.store.source_notes import list_sources, load_source_notes

        listing = list_sources(self.vault)
        if not self.notes:  # the first read goes through the index cache
            notes = load_source_notes(self.vault, listing)
            self.notes = {
                relative: (mtime_ns, size, note)
                for (relative, _, mtime_ns, size), note in zip(listing, notes, strict=True)
            }
            return set(self.notes)
        on_disk = {relative: (path, mtime_ns, size) for relative, path, mtime_ns, size in listing}
        changed = {relative for relative in self.notes if relative not in on_disk}
        for relative in changed:
            del self.notes[relative]
        for relative, (path, mtime_ns, size) in on_disk.items():
            known = self.notes.get(relative)
            if known is None or known[:2] != (mtime_ns, size):
                self._read(relative, path, mtime_ns, size)
                changed.add(relative)
        return changed

    def refresh(self, paths: Iterable[Path]) -> set[str]:
        """Re-read the given files that are source notes; forget those that are gone."""
        changed: set[str] = set()
        for path in paths:
            if not is_source_path(self.vault, path):
                continue
            relative = self.vault.relative(path)
            try:
                info = os.stat(path)
            except OSError:
                if self.notes.pop(relative, None) is not None:
                    changed.add(relative)
                continue
            known = self.notes.get(relative)
            if known is not None and known[:2] == (info.st_mtime_ns, info.st_size):
                continue  # an event for a note that did not change (an editor's touch)
            self._read(relative, str(path), info.st_mtime_ns, info.st_size)
            changed.add(relative)
        return changed

    def _read(self, relative: str, path: str, mtime_ns: int, size: int) -> None:
        from netnotes.store.source_notes import read_source

        settings = self.vault.config.sources
        note = read_source(relative, path, settings, in_people_folder(self.vault, relative))
        self.notes[relative] = (mtime_ns, size, note)


def looks_mid_save(size: int, problems) -> bool:
    """Empty, or front matter cut short: maybe read in the middle of an editor's save."""
    return size == 0 or any("never closed" in problem.message for problem in problems)
