"""`watch` with `[caldav]`: the phone's to-dos kept current beside the digest.

A thread of its own runs `netnotes caldav` (app/phone.py) when the digest's items change
and every few minutes (what the phone did reaches netnotes only by asking), so a slow
or unreachable server never holds up the digest file. Its lines go to the watcher's log,
each failure once until it clears.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from netnotes.core.errors import NetnotesError

INTERVAL = 300.0  # seconds between looks at the phone when nothing changed in the notes


class PhoneKeeper:
    def __init__(
        self,
        root: Path,
        today: Callable[[], date],
        log: Callable[[str], None],
        interval: float = INTERVAL,
    ) -> None:
        self.root = root
        self.today = today
        self.log = log
        self.interval = interval
        self.runs = 0
        self._kick = threading.Event()
        self._stopping = threading.Event()
        self._failing: str | None = None
        self._items: object = None
        self._thread = threading.Thread(target=self._run, name="netnotes caldav", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def items_are(self, items) -> None:
        """The digest was written with these items: the phone's to-dos follow when they
        changed (called by the watcher after each regeneration)."""
        signature = tuple((i.kind, i.path, i.due, i.text) for i in items)
        if signature != self._items:
            self._items = signature
            self._kick.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._kick.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._kick.wait(self.interval)
            self._kick.clear()
            if self._stopping.is_set():
                return
            self._sync()
            self.runs += 1

    def _sync(self) -> None:
        from netnotes.app.phone import sync_phone
        from netnotes.store.vault import open_vault

        try:
            report = sync_phone(open_vault(self.root), self.today())
        except NetnotesError as error:
            if str(error) != self._failing:
                self.log(f"caldav: {error}; will try again")
            self._failing = str(error)
            return
        except Exception as error:  # report, keep watching
            self.log(f"caldav: error: {type(error).__name__}: {error}; will try again")
            return
        if self._failing is not None:
            self.log("caldav: the server answers again")
            self._failing = None
        for line in report.lines():
            self.log(f"caldav: {line}")
