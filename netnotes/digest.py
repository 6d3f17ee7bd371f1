"""The digest as a domain operation: load the vault, apply the rules, render."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from datetime import date

from netnotes.dates import Duration
from netnotes.model import Contact, Problem
from netnotes.render import Digest, render_markdown
from netnotes.rules import due_items
from netnotes.vault import Vault, load_contacts
from netnotes.writer import write_if_changed


def build_digest(vault: Vault, today: date, horizon: Duration | None = None) -> Digest:
    config = vault.config
    if horizon is not None:
        config = replace(config, horizon=horizon)
    contacts, problems = load_contacts(vault)
    return digest_of(contacts, problems, today, config)


def digest_of(contacts: list[Contact], problems: list[Problem], today: date, config) -> Digest:
    items = due_items(contacts, today, config)
    horizon_days = (config.horizon.after(today) - today).days
    return Digest(today, horizon_days, items, problems)


def digest_markdown_for_file(vault: Vault, digest: Digest) -> str:
    """Markdown whose links work from where the digest file sits in the vault."""
    return render_markdown(digest, link_from=posixpath.dirname(vault.config.digest))


def write_digest(vault: Vault, digest: Digest) -> bool:
    """Write the configured digest file if its content changed. True if written."""
    text = digest_markdown_for_file(vault, digest)
    vault.digest_path.parent.mkdir(parents=True, exist_ok=True)
    return write_if_changed(vault.digest_path, text.encode("utf-8"))
