"""Passwords for the servers a user configures (IMAP, CalDAV): never from the vault.

`password_cmd` is a command that prints the password (its first line, as mbsync's
PassCmd: `pass show mail`); without it, the system keyring (service `netnotes`, the
user as the name). netnotes.toml refuses a `password` key (core/config.py).
"""

from __future__ import annotations

import subprocess

from netnotes.core.errors import NetnotesError


def password(settings: dict, label: str) -> str:
    """The password of the server `settings` describe (`label`: its table in
    netnotes.toml, for messages): `password_cmd`'s first line, else the keyring's."""
    command = settings.get("password_cmd")
    user = str(settings.get("user", ""))
    if command:
        try:
            done = subprocess.run(
                command, shell=True, capture_output=True, text=True, timeout=120, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NetnotesError(f"{label}.password_cmd could not run: {error}") from None
        if done.returncode != 0:
            raise NetnotesError(
                f"{label}.password_cmd failed (exit {done.returncode}): "
                f"{done.stderr.strip()[:200] or 'no message'}"
            )
        return done.stdout.split("\n", 1)[0]  # its first line, as mbsync reads PassCmd
    try:
        import keyring
    except ImportError:
        raise NetnotesError(
            f"{label}: no password_cmd, and the keyring module is not installed: give "
            'password_cmd = "pass show mail" (any command that prints the password), or '
            "pip install keyring and store it with: keyring set netnotes " + (user or "USER")
        ) from None
    secret = keyring.get_password("netnotes", user)
    if secret is None:
        raise NetnotesError(
            f"{label}: the keyring holds no password for {user or 'the user'} under "
            f"'netnotes': keyring set netnotes {user or 'USER'}"
        )
    return secret
