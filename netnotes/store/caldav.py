"""A CalDAV calendar → event occurrences, read-only and incremental (the caldav library).

The collection's objects are fetched with a sync-collection report (RFC 6578): the first
run gets every object, later runs only those added, changed or deleted since the sync
token the last run kept (servers without sync tokens get everything, as the library
falls back). The objects' iCalendar text and the token are cached in the index, and
expanded as a calendar file is (store/calendars.py). Nothing is ever written to the
server. The password comes from `password_cmd` or the keyring, as for IMAP.
"""

from __future__ import annotations

import json
from datetime import date

from netnotes.core.errors import NetnotesError
from netnotes.store import index
from netnotes.store.calendars import CalendarRead, calendar_occurrences
from netnotes.store.secrets import password
from netnotes.store.vault import Vault

TABLES = """
CREATE TABLE IF NOT EXISTS caldav (url TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


def read_caldav(
    vault: Vault, settings: dict, start: date, end: date, me: tuple[str, ...]
) -> CalendarRead:
    import caldav
    from caldav.lib.error import DAVError

    url = settings["url"]
    held = _held(vault, url)
    secret = password(settings, "calendars.caldav") if settings.get("user") else None
    client = caldav.DAVClient(url=url, username=settings.get("user"), password=secret)
    try:
        calendar = client.calendar(url=url)
        changes = calendar.get_objects_by_sync_token(
            sync_token=held.get("token"), load_objects=True
        )
    except (DAVError, OSError) as error:
        raise NetnotesError(f"{url}: cannot read the calendar: {error}") from None
    finally:
        client.close()  # its HTTP session's threads end with it
    objects: dict[str, str] = held.get("objects", {}) if held.get("token") else {}
    for item in changes:
        data = getattr(item, "data", None)
        if data:
            objects[str(item.url)] = data if isinstance(data, str) else data.decode()
        else:
            objects.pop(str(item.url), None)  # deleted on the server
    _keep(vault, url, {"token": str(changes.sync_token or ""), "objects": objects})
    occurrences, problems = [], []
    for href, text in sorted(objects.items()):
        try:
            occurrences += calendar_occurrences(text.encode("utf-8"), start, end, me)
        except Exception as error:  # one broken object never stops the others
            problems.append((href, f"not readable as iCalendar ({type(error).__name__})"))
    return CalendarRead(occurrences, problems, 0)


def _held(vault: Vault, url: str) -> dict:
    """What the last run kept of the collection: its sync token and objects ({} if none)."""
    return held_state(vault, TABLES, "caldav", url)


def _keep(vault: Vault, url: str, state: dict) -> None:
    keep_state(vault, TABLES, "caldav", url, state)


def held_state(vault: Vault, tables: str, table: str, url: str) -> dict:
    """The JSON state a CalDAV client of netnotes kept for `url` in the index's `table`
    ({} when none: the cache is best effort, and a lost state only costs a full fetch)."""
    connection = index.open_cache(vault, tables) if vault.use_cache else None
    if connection is None:
        return {}
    try:
        row = connection.execute(f"SELECT data FROM {table} WHERE url = ?", (url,)).fetchone()
        return json.loads(row[0]) if row else {}
    except (*index.CACHE_ERRORS, ValueError):
        return {}
    finally:
        connection.close()


def keep_state(vault: Vault, tables: str, table: str, url: str, state: dict) -> None:
    connection = index.open_cache(vault, tables) if vault.use_cache else None
    if connection is None:
        return
    # Best effort: a state not kept makes the next run start from the server again.
    statement = f"INSERT OR REPLACE INTO {table} (url, data) VALUES (?, ?)"
    index.store_rows(connection, (statement, [(url, json.dumps(state))]))
    connection.close()
