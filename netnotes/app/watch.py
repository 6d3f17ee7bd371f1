"""`netnotes watch`: keep the digest file current as notes change and days pass.

Events from watchdog only say *which* paths to look at; the truth is always
what is on disk when the quiet period ends. That makes every editor's way of
saving the same to us:

- vim renames the note to a backup, writes a new file, deletes the backup,
  and probes the folder with a file named `4913`;
- JetBrains writes `name___jb_tmp___` and renames it over the note;
- VS Code truncates the note and writes it in place, so a reader can see an
  empty file: such a read is marked suspect and read again after the quiet
  period;
- Emacs makes `.#name` lock links and `#name#` autosaves.

Changes are debounced: a regeneration runs after `quiet` seconds without
events, but never later than `max_delay` after the first event of a burst,
so a `git pull` of hundreds of notes gives a handful of regenerations.
The digest is written atomically and only when its bytes change, so the
watcher never wakes itself and a committed digest changes only with the index.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from netnotes.app.digest import assemble_live, live_part, write_digest
from netnotes.core.config import CONFIG_NAME
from netnotes.core.errors import NetnotesError
from netnotes.core.live import LiveDigest, Part
from netnotes.core.model import Contact
from netnotes.core.rules import Context, make_context
from netnotes.core.sources import Directory, credit, with_sources
from netnotes.store.state import SourceState, VaultState
from netnotes.store.vault import Vault, open_vault, skipped_folder

# Names editors and tools use for scratch files, never notes.
_NOISE = re.compile(
    r"""^(?:
        \..*            # hidden: .#lock links, .name.swp, our own .DUE.md.tmp
      | \#.*\#          # emacs autosave
      | .*~             # backups
      | .*\.sw[a-z]     # vim swap files (.swp, .swx, ...)
      | \d+             # vim's write probe, 4913
      | .*___jb_(?:tmp|old)___  # JetBrains safe write
    )$""",
    re.VERBOSE,
)


def is_noise(name: str) -> bool:
    return bool(_NOISE.match(name))


@dataclass(frozen=True, slots=True)
class Regeneration:
    """What one regeneration did, for the log line."""

    at: datetime
    items: int
    problems: int
    milliseconds: float
    written: bool

    def log_line(self) -> str:
        state = "written" if self.written else "unchanged"
        return (
            f"{self.at:%H:%M:%S} digest {state}: {self.items} items, "
            f"{self.problems} problems, {self.milliseconds:.0f} ms"
        )


class Watcher:
    """Holds the parsed vault and regenerates the digest; the observer feeds it paths.

    `now` is injectable so tests can move the clock past midnight;
    `clock_interval` is how often the date is checked while idle (it also
    catches a wake from sleep).
    """

    def __init__(
        self,
        root: Path,
        *,
        now: Callable[[], datetime] = datetime.now,
        quiet: float = 0.25,
        max_delay: float = 1.0,
        clock_interval: float = 30.0,
        log: Callable[[str], None] = print,
    ) -> None:
        self.root = root
        self.vault: Vault = open_vault(root)
        self.state = VaultState(self.vault)
        self.sources = SourceState(self.vault)  # meeting and daily notes
        self._external: dict[str, tuple] = {}  # what they credit each contact with
        self.now = now
        self.quiet = quiet
        self.max_delay = max_delay
        self.clock_interval = clock_interval
        self.log = log
        self.today: date | None = None
        self.regenerations = 0
        self.clock_checks = 0
        self._pending: set[Path] = set()
        self._reread: set[Path] = set()  # suspects already given their second read
        self.on_reload: Callable[[], None] | None = None  # e.g. re-point the observer
        self._config_changed = False
        self._rescan_needed = False
        self._reattach = False  # the contacts folder itself came or went: re-point the observer
        self.contacts_watched = True  # set by start_observer: False while the folder is missing
        self.write_failed: set[str] = set()  # output files whose last write failed: retry soon
        self.retry_interval = 2.0
        self._first_event: float | None = None
        self._last_event = 0.0
        self._wakeup = threading.Condition()
        self._stopping = False
        self._live = LiveDigest()
        self._live_context: Context | None = None  # what `_live` was computed for
        self._rendered: dict = {}  # item -> its Markdown line (see render_markdown)
        self._rendered_for: tuple | None = None
        self.phone = None  # a PhoneKeeper when [caldav] is set (app/phone_keeper.py)
        self._feed_parts: dict[str, bytes] = {}  # each contact's events in the feed
        self._feed_context: Context | None = None  # what the parts were made for

    # -- fed by the observer's thread ---------------------------------------------

    def notify(self, path: Path, *, folder: bool = False) -> None:
        """A path changed (created, written, deleted, or one end of a move)."""
        if path == self.root / CONFIG_NAME:
            change = "config"
        elif folder:
            change = "folder"
        elif is_noise(path.name) or path.suffix != ".md":
            return
        else:
            change = "note"
        with self._wakeup:
            if change == "config":
                self._config_changed = True
            elif change == "folder":
                self._rescan_needed = True
                if path == self.vault.contacts_dir or path.parent == self.root:
                    self._reattach = True  # a folder to watch (again): see start_observer
            else:
                self._pending.add(path)
                self._reread.discard(path)
            now = time.monotonic()
            self._first_event = self._first_event or now
            self._last_event = now
            self._wakeup.notify()

    def stop(self) -> None:
        with self._wakeup:
            self._stopping = True
            self._wakeup.notify()

    # -- the loop -----------------------------------------------------------------

    def start(self) -> Regeneration:
        """Read the whole vault and write the digest once."""
        self.state.rescan()
        self.sources.rescan()
        result = self.regenerate(sources_changed=set(self.sources.notes))
        _spare_the_collector()
        return result

    def run(self) -> None:
        """Wait for changes and the date; return after `stop()`."""
        while True:
            with self._wakeup:
                if self._stopping:
                    return
                self._wakeup.wait(self._timeout())
                if self._stopping:
                    return
                batch = self._take_batch_if_due()
            try:
                if batch is None and self._folder_came_back():
                    batch = (set(), False, True, True)
                if batch is not None:
                    self._apply(*batch)
                self.clock_checks += 1
                if self.now().date() != self.today or self.write_failed:
                    self.regenerate()
            except Exception as error:  # report, keep watching
                self.log(f"error: {type(error).__name__}: {error}; still watching")

    def _folder_came_back(self) -> bool:
        """The contacts folder was missing when the observer started and exists now: a
        creation the root watch may have missed (it can happen between two polls)."""
        return not self.contacts_watched and self.vault.contacts_dir.is_dir()

    def _timeout(self) -> float:
        if self._first_event is None:
            idle = self._seconds_to_midnight()
            return min(idle, self.retry_interval) if self.write_failed else idle
        now = time.monotonic()
        due = min(self._last_event + self.quiet, self._first_event + self.max_delay)
        return max(0.0, due - now)

    def _seconds_to_midnight(self) -> float:
        now = self.now()
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
        until = (midnight - now.replace(tzinfo=None)).total_seconds() + 0.5
        return max(0.05, min(self.clock_interval, until))

    def _take_batch_if_due(self):
        if self._first_event is None:
            return None
        now = time.monotonic()
        quiet_enough = now - self._last_event >= self.quiet
        waited_enough = now - self._first_event >= self.max_delay
        if not (quiet_enough or waited_enough):
            return None
        batch = (set(self._pending), self._config_changed, self._rescan_needed, self._reattach)
        self._pending.clear()
        self._config_changed = self._rescan_needed = self._reattach = False
        self._first_event = None
        return batch

    def _apply(
        self, paths: set[Path], config_changed: bool, rescan: bool, reattach: bool = False
    ) -> None:
        if reattach and self.on_reload:
            self.on_reload()  # a re-created folder is a new inode: the old watch is blind
        if config_changed:
            try:
                self.vault = open_vault(self.root)
            except NetnotesError as error:
                self.log(f"{CONFIG_NAME} not reloaded, keeping the previous settings: {error}")
            else:
                moved = self.state.vault.contacts_dir != self.vault.contacts_dir
                if moved:
                    self.state = VaultState(self.vault)
                    if self.on_reload:
                        self.on_reload()
                else:
                    self.state.vault = self.vault  # parses do not depend on the settings
                self.sources = SourceState(self.vault)  # [sources] may have changed
                rescan = True
        changed = self.state.rescan() if rescan else self.state.refresh(paths)
        sources_changed = self.sources.rescan() if rescan else self.sources.refresh(paths)
        if rescan:
            _spare_the_collector()
        with self._wakeup:
            # Caught mid-save? Read each suspect once more after the quiet period.
            suspects = self.state.suspects(paths) - self._reread
            if suspects:
                self._pending |= suspects
                self._reread |= suspects
                self._first_event = self._first_event or time.monotonic()
                self._last_event = time.monotonic()
        if changed or config_changed or sources_changed:
            self.regenerate(changed, sources_changed)

    def regenerate(
        self, changed: set[str] = frozenset(), sources_changed: set[str] = frozenset()
    ) -> Regeneration:
        """Write the digest; `changed`: the notes (vault-relative) re-read since last time;
        `sources_changed`: the meeting and daily notes re-read.

        The digest is kept current note by note (core/live.py): a save costs
        what that note costs, plus, in a vault with meeting or daily notes, crediting
        their mentions again (a dictionary lookup each). A new day or new settings
        compute it afresh.
        """
        started = time.perf_counter()
        self.today = self.now().date()
        context = make_context(self.today, self.vault.config)
        changed = set(changed)
        if context != self._live_context:
            self._live, self._live_context = LiveDigest(), context
            changed = set(self.state.entries.keys())
            sources_changed = set(self.sources.notes) | set(sources_changed)
        if self.sources.notes or self._external:
            changed |= self._credit_sources()
        for path in changed:
            entry = self.state.entries.get(path)
            part = live_part(self._person(path), entry.problems, context) if entry else None
            self._live.put(path, part)
        for path in sources_changed:  # a meeting note's own problems
            known = self.sources.notes.get(path)
            problems = known[2].problems if known else ()
            self._live.put(path, Part((), (), problems, None) if problems else None)
        digest = assemble_live(self.vault, context, self._live)
        render_key = (self.today, self.vault.config.digest)
        if render_key != self._rendered_for:  # a rendered line names the day and the links
            self._rendered, self._rendered_for = {}, render_key
        elif len(self._rendered) > 4 * len(digest.items) + 1000:
            self._rendered = {}  # lines of items long gone: start afresh
        written = self._write_output(
            self.vault.config.digest,
            lambda: write_digest(self.vault, digest, memo=self._rendered),
        )
        if self.vault.config.calendar:
            self._write_output(self.vault.config.calendar, lambda: self._write_calendar(changed))
        if self.phone is not None:
            self.phone.items_are(digest.items)  # in its own thread: never holds this up
        self.regenerations += 1
        result = Regeneration(
            self.now(),
            len(digest.items),
            len(digest.problems),
            (time.perf_counter() - started) * 1000,
            written,
        )
        self.log(result.log_line())
        return result

    def _write_output(self, name: str, write) -> bool:
        """Run `write` for the output file `name`; a failure is logged once, naming that
        file, and the watcher goes on (it tries again on the next change)."""
        try:
            written = write()
        except (OSError, NetnotesError) as error:
            if name not in self.write_failed:
                why = error.strerror if isinstance(error, OSError) and error.strerror else error
                why = str(why).removeprefix(f"{name}: ")  # the output writer names it too
                self.log(f"cannot write {name}: {why}; still watching, will try again")
            self.write_failed.add(name)
            return False
        if name in self.write_failed:
            self.log(f"{name} can be written again")
            self.write_failed.discard(name)
        return bool(written)

    def _write_calendar(self, changed: set[str]) -> bool:
        """The feed from each contact's part, kept here: only the changed notes' parts are
        made again (a year of items for every contact took 14.5 s a save at 50,000)."""
        from netnotes.app.exporting import feed_context, feed_part, write_calendar_parts

        context = feed_context(self.vault, self.today)
        if context != self._feed_context:
            self._feed_parts, self._feed_context = {}, context
            changed = set(self.state.entries)
        for path in changed:
            contact = self._person(path)
            if contact is None:
                self._feed_parts.pop(path, None)
            else:
                self._feed_parts[path] = feed_part(contact, context)
        return write_calendar_parts(
            self.vault, (self._feed_parts[path] for path in sorted(self._feed_parts))
        )

    def _person(self, path: str) -> Contact | None:
        """The contact of the note `path` as every command sees it: what meeting and
        daily notes credit it with merged in (None for a note that is no contact)."""
        entry = self.state.entries.get(path)
        if entry is None or entry.contact is None:
            return None
        if path in self._external:
            return with_sources(entry.contact, self._external[path])
        return entry.contact

    def _credit_sources(self) -> set[str]:
        """Credit the source notes' mentions again; the contacts whose credit changed."""
        people = [
            (path, entry.contact.name, entry.contact.aliases)
            for path, entry in self.state.entries.items()
            if entry.contact is not None
        ]
        notes = [note for _, _, note in self.sources.notes.values()]
        external, _ = credit(notes, Directory(people))
        previous, self._external = self._external, external
        return {path for path in previous.keys() | external.keys()
                if previous.get(path) != external.get(path)}  # fmt: skip


def _spare_the_collector() -> None:
    """Move what the watcher holds (every parsed note: millions of objects in a large
    vault) out of the cyclic garbage collector's reach. Otherwise each full collection
    walks all of it: at 50,000 notes that was most of a save's regeneration. Objects
    still go away when nothing refers to them; only the cycle scan skips them."""
    import gc

    gc.collect()
    gc.freeze()


# -- the observer --------------------------------------------------------------------


def start_observer(watcher: Watcher, *, poll: bool, warn: Callable[[str], None]):
    """Schedule watchdog on the contacts folder and the vault root; returns the observer."""
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
        FileSystemEventHandler,
    )
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    content_events = [
        FileCreatedEvent,
        FileModifiedEvent,
        FileDeletedEvent,
        FileMovedEvent,
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
    ]

    class Handler(FileSystemEventHandler):
        """Events of one watched folder, named by its path in the vault. The folder is
        watched where it really is: inotify does not follow a symlinked folder (a
        `contacts` that links to a synced drive) and would report nothing."""

        def __init__(self, folder: Path) -> None:
            self.folder = folder
            self.real = Path(os.path.realpath(folder))

        def on_any_event(self, event) -> None:
            folder = event.is_directory
            if event.event_type == "modified" and folder:
                return  # a folder's mtime moves with every note written in it
            watcher.notify(self.in_vault(event.src_path), folder=folder)
            if event.event_type == "moved":
                watcher.notify(self.in_vault(event.dest_path), folder=folder)

        def in_vault(self, path: str | bytes) -> Path:
            path = Path(_text(path))
            if self.real == self.folder or not path.is_relative_to(self.real):
                return path
            return self.folder / path.relative_to(self.real)

    def watch(observer, folder: Path, *, recursive: bool) -> None:
        handler = Handler(folder)
        observer.schedule(
            handler, str(handler.real), recursive=recursive, event_filter=content_events
        )

    def schedule(observer) -> None:
        contacts = watcher.vault.contacts_dir
        watch(observer, watcher.root, recursive=False)
        # A missing contacts folder is watched for from the root; when it appears,
        # the watcher asks for a new observer (see Watcher._reattach).
        watcher.contacts_watched = contacts == watcher.root or contacts.is_dir()
        if contacts != watcher.root and watcher.contacts_watched:
            watch(observer, contacts, recursive=True)
        for folder in source_folders(watcher.vault):  # meeting and daily notes
            watch(observer, folder, recursive=True)

    observer = PollingObserver(timeout=0.5) if poll else Observer()
    try:
        schedule(observer)
        observer.start()
    except OSError as error:
        if poll:
            raise
        warn(
            f"native file watching failed ({error}); polling instead. On Linux, raise the "
            "inotify limits: sudo sysctl fs.inotify.max_user_watches=524288 "
            "fs.inotify.max_user_instances=1024"
        )
        observer = PollingObserver(timeout=0.5)
        schedule(observer)
        observer.start()
    return observer


def source_folders(vault: Vault) -> list[Path]:
    """The vault's top-level folders that may hold meeting or daily notes (not the contacts
    folder, which holds it, hidden folders, templates or the cache); a folder made later
    is seen from the root's watch, which starts the observer again."""
    contacts = vault.contacts_dir
    if contacts == vault.root or vault.config.sources.include == ():
        return []
    try:
        entries = sorted(vault.root.iterdir())
    except OSError:
        return []
    return [
        entry
        for entry in entries
        if entry.is_dir()
        and not entry.is_symlink()
        and not skipped_folder(entry.name)
        and entry != contacts  # one that holds the contacts folder is watched twice: harmless
    ]


class Observing:
    """A watcher's observer, started anew whenever the watcher asks (`on_reload`): after
    the contacts folder moved in netnotes.toml, or was deleted and made again (a new
    folder is a new inode, which the old watch never sees)."""

    def __init__(self, watcher: Watcher, *, poll: bool, warn: Callable[[str], None]) -> None:
        self.watcher = watcher
        self.poll = poll
        self.warn = warn
        self.observer = start_observer(watcher, poll=poll, warn=warn)
        watcher.on_reload = self.restart

    def restart(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)
        self.observer = start_observer(self.watcher, poll=self.poll, warn=self.warn)

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path
