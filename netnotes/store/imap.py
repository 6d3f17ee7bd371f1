"""IMAP folders → envelopes, for those whose mail has no copy on disk (imapclient).

Read-only: each folder is selected read-only and only `BODY.PEEK[HEADER.FIELDS (...)]`
is fetched, so nothing is marked read and no body crosses the network. Incremental: a
message is known by the folder's UIDVALIDITY and its UID, and its envelope is cached in
the index (the table of store/mailboxes.py); a run fetches only the UIDs it has not seen.
The password comes from `password_cmd` (a command that prints it, as mbsync's PassCmd)
or from the system keyring (service `netnotes`, the user as the name); never from a file.
"""

from __future__ import annotations

import subprocess

from netnotes.core.errors import NetnotesError
from netnotes.store.mailboxes import Message, MessageCache, message_from_head

# The headers capture reads (core/mail.py): nothing else is fetched.
FIELDS = "FROM TO CC DATE SUBJECT MESSAGE-ID LIST-ID LIST-UNSUBSCRIBE PRECEDENCE AUTO-SUBMITTED"
_BATCH = 500


def password(settings: dict) -> str:
    command = settings.get("password_cmd")
    user = str(settings.get("user", ""))
    if command:
        try:
            done = subprocess.run(
                command, shell=True, capture_output=True, text=True, timeout=120, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NetnotesError(f"mail.imap.password_cmd could not run: {error}") from None
        if done.returncode != 0:
            raise NetnotesError(
                f"mail.imap.password_cmd failed (exit {done.returncode}): "
                f"{done.stderr.strip()[:200] or 'no message'}"
            )
        return done.stdout.split("\n", 1)[0]  # its first line, as mbsync reads PassCmd
    try:
        import keyring
    except ImportError:
        raise NetnotesError(
            "mail.imap: no password_cmd, and the keyring module is not installed: give "
            'password_cmd = "pass show mail" (any command that prints the password), or '
            "pip install keyring and store it with: keyring set netnotes " + (user or "USER")
        ) from None
    secret = keyring.get_password("netnotes", user)
    if secret is None:
        raise NetnotesError(
            f"mail.imap: the keyring holds no password for {user or 'the user'} under "
            f"'netnotes': keyring set netnotes {user or 'USER'}"
        )
    return secret


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
            client.login(str(settings.get("user", "")), password(settings))
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
