"""The CalDAV collection netnotes keeps its to-dos in (`[caldav]`), with the caldav library.

Every write is conditional: a new to-do goes with `If-None-Match: *` (two clones that
send the same item at once make one to-do: the second is told it exists), a change or a
deletion with `If-Match` and the ETag read in the same run (a phone's edit in between is
never overwritten: the server answers 412, and the to-do waits for the next run). The
collection is created when missing (a calendar of to-dos). Each failure is one line.
The password comes from `password_cmd` or the keyring, as for IMAP.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import urlsplit

from netnotes.core.errors import NetnotesError
from netnotes.store.caldav import held_state, keep_state
from netnotes.store.secrets import password
from netnotes.store.vault import Vault

TABLES = """
CREATE TABLE IF NOT EXISTS todos (url TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


class Conflict(NetnotesError):
    """The to-do changed on the server since this run read it (412), or is gone."""


class TodoServer:
    """One run's connection to the collection: `with TodoServer(settings) as server:`."""

    def __init__(self, settings: dict) -> None:
        self.url = str(settings["url"]).rstrip("/") + "/"
        self.settings = settings
        self.client = None
        self.calendar = None

    def __enter__(self) -> TodoServer:
        import caldav

        secret = password(self.settings, "caldav") if self.settings.get("user") else None
        self.client = caldav.DAVClient(
            url=self.url, username=self.settings.get("user"), password=secret
        )
        try:
            with self._said("cannot open the collection"):
                self.calendar = self._collection(caldav)
        except BaseException:
            self.client.close()  # __exit__ is not called when __enter__ fails: its threads
            raise  # would outlive the run (and pile up in a watcher that tries again)
        return self

    def __exit__(self, *_) -> None:
        if self.client is not None:
            self.client.close()  # and its HTTP session's threads

    def todos(self) -> list[tuple[str, str, str]]:
        """(href, ETag, iCalendar text) of every to-do in the collection."""
        with self._said("cannot list the to-dos"):
            found = self.calendar.search(todo=True, include_completed=True)
        return [(str(todo.url), str(todo.etag or ""), _text(todo.data)) for todo in found]

    def create(self, uid: str, data: bytes) -> None:
        """A new to-do, named by its UID; Conflict when one of that name exists."""
        from caldav.lib.error import ConsistencyError, ETagMismatchError

        todo = self._todo(self.url + _file_name(uid))
        try:
            with self._said(f"cannot send the to-do {uid}"):
                todo.save(raw_data=data, no_overwrite=True, increase_seqno=False)
        except NetnotesError as error:
            if isinstance(error.__cause__, ConsistencyError | ETagMismatchError):
                raise Conflict(f"{uid}: another clone sent it first") from None
            raise

    def replace(self, href: str, etag: str, data: bytes) -> None:
        """The to-do as `data`, only if it is still the version `etag` names."""
        self._conditional("change", href, etag, lambda todo: todo.save(
            raw_data=data, increase_seqno=False, precondition="etag"))  # fmt: skip

    def delete(self, href: str, etag: str) -> None:
        self._conditional("delete", href, etag, lambda todo: todo.delete(if_match=etag))

    # -- what this clone saw ---------------------------------------------------------

    def seen(self, vault: Vault) -> set[str]:
        """The UIDs this clone saw in the collection at the end of its last run."""
        return set(held_state(vault, TABLES, "todos", self.url).get("seen", []))

    def keep_seen(self, vault: Vault, uids: set[str]) -> None:
        keep_state(vault, TABLES, "todos", self.url, {"seen": sorted(uids)})

    # -- the library -------------------------------------------------------------------

    def _collection(self, caldav):
        """The collection, made when it does not exist yet (a calendar of to-dos)."""
        from caldav.lib.error import NotFoundError

        calendar = self.client.calendar(url=self.url)
        try:
            calendar.get_display_name()
            return calendar
        except NotFoundError:
            pass
        path = urlsplit(self.url).path.rstrip("/")
        parent, _, name = path.rpartition("/")
        home = caldav.CalendarSet(client=self.client, url=self.url.replace(path, parent, 1))
        home.make_calendar(name="netnotes", cal_id=name, supported_calendar_component_set=["VTODO"])
        return self.client.calendar(url=self.url)

    def _todo(self, href: str):
        import caldav

        return caldav.Todo(client=self.client, url=href, parent=self.calendar)

    def _conditional(self, what: str, href: str, etag: str, action) -> None:
        from caldav.elements import dav
        from caldav.lib.error import ETagMismatchError, NotFoundError

        todo = self._todo(href)
        todo.props[dav.GetEtag.tag] = etag
        try:
            with self._said(f"cannot {what} {href}"):
                action(todo)
        except NetnotesError as error:
            if isinstance(error.__cause__, ETagMismatchError | NotFoundError):
                raise Conflict(f"{href}: changed on the server meanwhile; left as it is") from None
            raise

    @contextlib.contextmanager
    def _said(self, what: str) -> Iterator[None]:
        """The library's and the network's errors as one line that says what to do."""
        from caldav.lib.error import AuthorizationError, DAVError

        try:
            yield
        except AuthorizationError:
            raise NetnotesError(
                f"{self.url}: the server refused the user and password (check [caldav] user "
                "and password_cmd)"
            ) from None
        except DAVError as error:
            raise NetnotesError(f"{self.url}: {what}: {_first_line(error)}") from error
        except OSError as error:  # refused, unreachable, TLS (requests' errors are OSErrors)
            raise NetnotesError(f"{self.url}: {what}: {_network(error)}") from None


def _file_name(uid: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.@" else "_" for c in uid) + ".ics"


def _text(data) -> str:
    return data if isinstance(data, str) else bytes(data).decode("utf-8", "replace")


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def _network(error: OSError) -> str:
    text = str(error)
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return "the TLS connection failed (the server's certificate?): " + text[:160]
    if "refused" in text.lower():
        return "the server refused the connection (is it running?)"
    return "cannot reach the server: " + text[:160]
