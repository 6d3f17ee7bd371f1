"""IMAP folders → envelopes, for those whose mail has no copy on disk (imapclient).

Read-only: each folder is selected read-only and only `BODY.PEEK[HEADER.FIELDS (...)]`
is fetched, so nothing is marked read and no body crosses the network. Incremental: a
message is known by the folder's UIDVALIDITY and its UID, and its envelope is cached in
the index (the table of store/mailboxes.py); a run fetches only the UIDs it has not seen.
The password comes from store/secrets.py: `password_cmd` or the keyring, never a file.
"""

from __future__ import annotations

from netnotes.core.errors import NetnotesError
from netnotes.store.mailboxes import Message, MessageCache, message_from_head
from netnotes.store.secrets import password

# The headers capture reads (core/mail.py): nothing else is fetched.
FIELDS = "FROM TO CC DATE SUBJECT MESSAGE-ID LIST-ID LIST-UNSUBSCRIBE PRECEDENCE AUTO-SUBMITTED"
_BATCH = 500


def read_imap(settings: dict, cache: MessageCache) -> list[Message]:
    """Every message of the configured folders (default INBOX), new ones fetched."""
    import imapclient
    from imapclient.exceptions import IMAPClientError

    host = settings["host"]
    port = int(settings.get("port", 993 if settings.get("ssl", True) else 143))
    folders = settings.get("folders", ["INBOX"])
    where = f"imap://{settings.get('user', '')}@{host}:{port}"
    try:
        client = imapclient.IMAPClient(host, port=port, ssl=bool(settings.get("ssl", True)),
                                       timeout=60)  # fmt: skip
    except (OSError, IMAPClientError) as error:
        raise NetnotesError(f"{where}: cannot connect: {error}") from None
    found: list[Message] = []
    try:
        try:
            client.login(str(settings.get("user", "")), password(settings, "mail.imap"))
        except IMAPClientError as error:
            raise NetnotesError(f"{where}: the server refused the login: {error}") from None
        for folder in folders:
            found += _folder(client, where, folder, cache)
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone: nothing to give back
            client.shutdown()
    return found


def _folder(client, where: str, folder: str, cache: MessageCache) -> list[Message]:
    from imapclient.exceptions import IMAPClientError

    try:
        state = client.select_folder(folder, readonly=True)
    except IMAPClientError as error:
        raise NetnotesError(f"{where}: no folder {folder} ({error})") from None
    validity = state.get(b"UIDVALIDITY", 0)
    prefix = f"{where}/{folder}/{validity}/"
    cache.read_from.append(prefix)
    uids = sorted(client.search("ALL"))
    found: dict[int, Message] = {}
    missing = []
    for uid in uids:
        cached = cache.get(f"{prefix}{uid}", "1")
        if cached is None:
            missing.append(uid)
        else:
            found[uid] = Message(f"{where}/{folder} UID {uid}", *cached[0])
    part = f"BODY[HEADER.FIELDS ({FIELDS})]".encode()
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        fetched = client.fetch(batch, [f"BODY.PEEK[HEADER.FIELDS ({FIELDS})]"])
        for uid in batch:
            data = fetched.get(uid, {}).get(part, b"") or b""
            message = message_from_head(f"{where}/{folder} UID {uid}", lambda data=data: data)
            cache.put(f"{prefix}{uid}", "1", [(message.envelope, message.skipped)])
            found[uid] = message
    return [found[uid] for uid in uids]
