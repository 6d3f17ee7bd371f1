"""`netnotes capture` from IMAP, against a real Dovecot started on loopback (issue 23).

Dovecot comes from Debian's packages (`apt-get install dovecot-imapd`, which .ci/run
does where it can); the test skips, saying why, where it is absent. The server runs in
the foreground with a configuration of its own: one throw-away user, a Maildir it
serves, plain login on 127.0.0.1 only. Its log says what each session fetched, which
is how the test sees that no body was read and that a second run fetched nothing.
"""

from __future__ import annotations

import mailbox
import os
import pwd
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import served
from .test_capture import THE_LINES, make_vault, run, the_mail

DEADLINE = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dovecot():
    """(port, the served Maildir, the log file) of a Dovecot that lives for one test."""
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )
    if binary is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("dovenull")
            owner = pwd.getpwnam("dovecot")
        except KeyError:
            pytest.skip("Dovecot's system users (dovecot, dovenull) are missing")
        login_user, internal_user = "dovenull", "dovecot"
    else:  # Dovecot started by a user runs every process as that user
        owner = pwd.getpwuid(os.getuid())
        login_user = internal_user = owner.pw_name
    base = Path(tempfile.mkdtemp(prefix="netnotes-dovecot-", dir="/tmp"))
    base.chmod(0o755)  # the login processes (dovenull) reach their sockets through it
    home = base / "home"
    home.mkdir()
    os.chown(home, owner.pw_uid, owner.pw_gid)
    (base / "passwd").write_text("me:{PLAIN}secret::::::\n")
    port = free_port()
    (base / "dovecot.conf").write_text(
        f"""\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={home}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    )
    command = [binary, "-F", "-c", str(base / "dovecot.conf")]
    with served(command, port, lambda said: pytest.skip(f"Dovecot did not start here: {said}")):
        yield port, home / "Maildir", base / "dovecot.log", owner
        shutil.rmtree(base, ignore_errors=True)


def serve(maildir: Path, owner, folders: dict) -> None:
    """The messages into the served Maildir: INBOX at its root, others as `.Name`."""
    inbox = mailbox.Maildir(maildir, create=True)
    for name, messages in folders.items():
        box = inbox if name == "INBOX" else inbox.add_folder(name)
        for mail in messages:
            box.add(mailbox.MaildirMessage(mail))
    for path in [maildir, *maildir.rglob("*")]:
        os.chown(path, owner.pw_uid, owner.pw_gid)


def sessions(log: Path, count: int) -> list[str]:
    """The log's end-of-session lines of the user (`Disconnected: Logged out ...
    hdr_count=N body_bytes=N`), once there are `count` of them (the server writes
    them as the session ends, a moment after the client has gone)."""
    end = time.monotonic() + DEADLINE
    while True:
        found = [line for line in log.read_text().splitlines()
                 if "imap(me)" in line and "Disconnected" in line]  # fmt: skip
        if len(found) >= count or time.monotonic() > end:
            return found
        time.sleep(0.05)  # polling the log, with a deadline


def test_capture_from_imap_reads_headers_only_and_only_what_is_new(tmp_path, dovecot):
    port, maildir, log, owner = dovecot
    mail = the_mail()
    serve(maildir, owner, {"INBOX": mail["INBOX"], "Sent": mail["Sent"]})
    vault = make_vault(tmp_path / "vault")
    config = vault / "netnotes.toml"
    config.write_text(
        config.read_text() + '[mail]\nimap = { host = "127.0.0.1", port = '
        f'{port}, ssl = false, user = "me", password_cmd = "echo secret", '
        'folders = ["INBOX", "Sent"] }\n'
    )
    result = run(vault, "capture")
    assert result.exit_code == 0, result.output
    assert result.stdout == THE_LINES
    assert result.stderr == "7 messages read, 4 lines added to 3 notes\n"
    (first,) = sessions(log, 1)
    assert "body_count=0 body_bytes=0" in first  # not one body crossed the network
    assert re.search(r"hdr_count=7\b", first)
    # Read-only: nothing was marked as read on the server.
    assert not [p for p in maildir.rglob("*") if p.is_file() and re.search(r":2,\w*S", p.name)]
    again = run(vault, "capture")
    assert again.stdout == ""
    assert again.stderr == "7 messages read, 0 lines added to 0 notes, 4 captured before\n"
    _, second = sessions(log, 2)
    assert re.search(r"hdr_count=0 ", second)  # nothing fetched a second time


def test_a_wrong_password_is_a_clear_error(tmp_path, dovecot):
    port, _, _, _ = dovecot
    vault = make_vault(tmp_path / "vault")
    config = vault / "netnotes.toml"
    config.write_text(
        config.read_text() + f'[mail]\nimap = {{ host = "127.0.0.1", port = {port}, '
        'ssl = false, user = "me", password_cmd = "echo wrong" }\n'
    )
    result = run(vault, "capture")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: imap://me@127.0.0.1:{port}: the server refused the login: "
    )
