"""Find the vault, open its settings, list its contact notes, and read one note."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from netnotes.core.config import CONFIG_NAME, Config, ConfigError, load_config
from netnotes.core.errors import NetnotesError
from netnotes.core.model import Contact, Problem, Severity
from netnotes.core.reading import DEFAULT_READING, Reading
from netnotes.store.notefile import NAME_NOT_UTF8, printable_name, read_text_file

VAULT_ENV = "NETNOTES_VAULT"
CACHE_DIR = ".netnotes"
# Folders that never hold contacts, wherever they sit under the contacts folder.
SKIPPED_DIRS = frozenset({"templates", CACHE_DIR, ".git"})  # compared case-folded


class VaultNotFound(NetnotesError):
    pass


@dataclass(frozen=True, slots=True)
class Vault:
    root: Path
    config: Config
    config_problems: tuple[Problem, ...] = ()
    use_cache: bool = True  # the index cache in .netnotes/ (see index.py)
    # Called with (done, total) while many notes are parsed; the CLI draws a bar.
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)

    @property
    def contacts_dir(self) -> Path:
        return self.root / self.config.contacts

    @property
    def digest_path(self) -> Path:
        return self.root / self.config.digest

    @property
    def locks_dir(self) -> Path:
        """Where the note writer keeps its lock files (beside the cache, not the notes)."""
        return self.root / CACHE_DIR / "locks"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def find_vault_root(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> Path:
    """`--vault DIR`, else `$NETNOTES_VAULT`, else the nearest ancestor with netnotes.toml."""
    chosen = explicit or environ.get(VAULT_ENV)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        if not (root / CONFIG_NAME).is_file():
            source = "--vault" if explicit else f"${VAULT_ENV}"
            raise VaultNotFound(
                f"{root} ({source}) is not a netnotes vault: it has no {CONFIG_NAME}.\n"
                f"Create one there with: netnotes init {chosen}"
            )
        return root
    for folder in (cwd, *cwd.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise VaultNotFound(
        f"No netnotes vault here: neither {cwd} nor any folder above it has a {CONFIG_NAME}.\n"
        "Create one with: netnotes init DIR   (or point at one with --vault DIR "
        f"or ${VAULT_ENV})"
    )


def open_vault(root: Path) -> Vault:
    config_path = root / CONFIG_NAME
    try:
        text = read_text_file(config_path, "a settings file")
    except NetnotesError as error:
        raise ConfigError(str(error)) from None
    if text is None:
        raise ConfigError(f"{config_path}: cannot read: it does not exist")
    config, problems = load_config(text)
    return Vault(root, config, tuple(problems))


def contact_files(vault: Vault) -> list[Path]:
    """Every `*.md` under the contacts folder, sorted, minus hidden, cache and template files."""
    return [Path(name) for name in contact_file_names(vault)]


def contact_file_names(vault: Vault, folders: list[tuple[str, int]] | None = None) -> list[str]:
    """`contact_files` as strings: a large vault's listing need not build Path objects.

    `folders`, when given, receives every folder the listing walked, with its mtime_ns
    from just before it was read.
    """
    return [path for path, _ in _walk_notes(vault, folders)]


def stat_contact_files(
    vault: Vault, folders: list[tuple[str, int]] | None = None
) -> list[tuple[str, int, int]]:
    """(path, mtime_ns, size) of every note `contact_file_names` lists, in its order.

    Anything that is not a regular file (a FIFO, a device, a dangling or
    looping link) gets (-1, -1), so that reading it says what it is.
    """
    found = []
    for path, entry in _walk_notes(vault, folders):
        try:
            info = entry.stat()  # follows a link, as reading the note will
        except OSError:
            found.append((path, -1, -1))
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((path, info.st_mtime_ns, info.st_size))
        else:
            found.append((path, -1, -1))
    return found


def _walk_notes(
    vault: Vault, folders: list[tuple[str, int]] | None
) -> list[tuple[str, os.DirEntry]]:
    """(path, directory entry) of every note, sorted as vault-relative '/' paths sort."""
    digest = str(vault.digest_path)
    found = [
        (entry.path, entry)
        for entry in _note_entries(str(vault.contacts_dir), folders)
        if entry.path != digest
    ]
    # The order every output uses.
    found.sort(key=lambda pair: pair[0].replace(os.sep, "/") if os.sep != "/" else pair[0])
    return found


def _note_entries(
    start: str, folders: list[tuple[str, int]] | None = None, prune: str | None = None
) -> Iterator[os.DirEntry]:
    """The directory entry of every `.md` file under `start`, minus hidden, cache and
    template folders and the folder `prune`; `folders` receives every folder walked.

    As os.walk does by default: a link to a folder is not followed (a loop
    of links must not hang the listing), a link to a file is a note.
    """
    pending = [start]
    while pending:
        folder = pending.pop()
        try:
            # The folder's mtime before it is read: a listing vouched for with it misses
            # nothing added after (index._listing).
            stamp = os.stat(folder).st_mtime_ns if folders is not None else 0
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue  # gone meanwhile, as os.walk skips it
        except OSError as error:
            if folder == start:  # read as empty, it would empty DUE.md and the feed
                raise NetnotesError(
                    f"{start}: cannot read this folder ({error.strerror or error}); "
                    "nothing was written"
                ) from None
            continue  # a sub-folder: its notes are missing, the rest still counts
        if folders is not None:
            folders.append((folder, stamp))
        subfolders, notes = _split(entries)
        pending += [entry.path for entry in subfolders if entry.path != prune]
        for entry in notes:
            yield entry if _utf8(entry.name) else _NameNotUtf8(entry)


def _split(entries) -> tuple[list[os.DirEntry], list[os.DirEntry]]:
    """One folder's entries as a listing takes them: the sub-folders it walks into (not
    hidden, cache or template folders, and not links to folders, as os.walk does not
    follow them) and the notes (a link to a file is a note)."""
    folders, notes = [], []
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            if not skipped_folder(entry.name) and not entry.is_symlink():
                folders.append(entry)
        elif _note_name(entry.name):
            notes.append(entry)
    return folders, notes


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept by Python as surrogates
        return False
    return True


class _NameNotUtf8:
    """A note whose file name is not UTF-8: listed under a printable spelling of its name
    (`caf\\xe9.md`), which the cache, the terminal and JSON can hold, and which no file
    answers to, so reading it gives a problem that says to rename it, and nothing else
    of the vault is affected."""

    def __init__(self, entry: os.DirEntry) -> None:
        self.path = printable_name(entry.path)
        self.name = os.path.basename(self.path)

    def stat(self):
        raise OSError(errno.EILSEQ, NAME_NOT_UTF8, self.path)

    def is_symlink(self) -> bool:
        return False


def stat_source_files(vault: Vault) -> list[tuple[str, str, int, int]]:
    """(vault-relative path, path, mtime_ns, size) of every source note, sorted by path.

    Sources (core/sources.py) are the Markdown notes outside the contacts folder that
    may record interactions: meeting notes, daily notes (the contacts folder's notes
    named by a day are added by store/source_notes.py). Never hidden folders,
    templates, the cache, or the digest file (which links every contact it lists);
    `[sources]` in netnotes.toml narrows the rest.
    """
    root = str(vault.root)
    contacts = str(vault.contacts_dir)
    settings = vault.config.sources
    if os.path.normpath(contacts) == os.path.normpath(root) or settings.include == ():
        return []  # the whole vault is people, or sources are turned off
    digest = str(vault.digest_path)
    skip = len(root) + 1
    found: list[tuple[str, str, int, int]] = []
    for entry in _note_entries(root, prune=contacts):
        relative = entry.path[skip:].replace(os.sep, "/")
        if entry.path == digest or not settings.admits(relative):
            continue
        try:
            info = entry.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((relative, entry.path, info.st_mtime_ns, info.st_size))
    found.sort()
    return found


def scan_folder(folder: str) -> tuple[list[str], list[str]]:
    """(sub-folders to walk, note names) of one folder of the vault, as the listings walk
    it: hidden, cache and template folders and links to folders left out."""
    try:
        folders, notes = _split(list(os.scandir(folder)))
    except OSError:
        return [], []
    return [entry.name for entry in folders], [entry.name for entry in notes]


def in_people_folder(vault: Vault, relative: str) -> bool:
    """Is the vault-relative source note `relative` one of the contacts folder's?"""
    return is_contact_path(vault, vault.root / relative)


def is_source_path(vault: Vault, path: Path) -> bool:
    """Would `stat_source_files` list this path (whether or not it exists now)?"""
    if path.is_relative_to(vault.contacts_dir):
        # Contacts (and templates), and the interaction records named by their day.
        return vault.config.sources.include != () and (
            is_contact_path(vault, path) and _starts_with_a_date(path.name)
        )
    if not path.is_relative_to(vault.root):
        return False
    parts = path.relative_to(vault.root).parts
    if not parts or not _note_name(parts[-1]) or path == vault.digest_path:
        return False
    if any(skipped_folder(part) for part in parts[:-1]):
        return False
    return vault.config.sources.admits("/".join(parts))


def is_contact_path(vault: Vault, path: Path) -> bool:
    """Would `contact_files` list this path (whether or not it exists now)?"""
    try:
        parts = path.relative_to(vault.contacts_dir).parts
    except ValueError:
        return False
    return (
        bool(parts)
        and _note_name(parts[-1])
        and not any(skipped_folder(part) for part in parts[:-1])
        and path != vault.digest_path
    )


def _starts_with_a_date(name: str) -> bool:
    from netnotes.core.records import starts_with_a_date  # the module loads only when asked

    return starts_with_a_date(name)


def _note_name(name: str) -> bool:
    return name.endswith(".md") and not name.startswith(".")


def skipped_folder(name: str) -> bool:
    return name.startswith(".") or name.casefold() in SKIPPED_DIRS


def read_note(vault: Vault, path: Path) -> tuple[Contact | None, list[Problem]]:
    return read_note_file(vault.relative(path), path, vault.config.reading)


def read_note_file(
    relative: str, path: Path | str, reading: Reading = DEFAULT_READING
) -> tuple[Contact | None, list[Problem]]:
    """Read and parse one note; a file that cannot be read is a problem, not an exception."""
    from netnotes.core.parse import parse_note  # the parser and YAML load only when a note needs it
    from netnotes.store.notefile import NoteUnreadable, read_note_bytes

    try:
        data = read_note_bytes(path)
    except NoteUnreadable as error:
        return None, [Problem(relative, None, Severity.ERROR, str(error))]
    return parse_note(relative, data, reading=reading)
