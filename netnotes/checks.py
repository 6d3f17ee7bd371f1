"""`netnotes check`: every problem the vault has, for a person to fix."""

from __future__ import annotations

from dataclasses import dataclass

from netnotes.model import Problem
from netnotes.vault import Vault, contact_files, load_contacts


@dataclass(frozen=True, slots=True)
class CheckReport:
    notes: int
    problems: list[Problem]


def check_vault(vault: Vault) -> CheckReport:
    """Parse problems (front matter, dates, cadences, conflict markers) and duplicates."""
    _, problems = load_contacts(vault)
    notes = len(contact_files(vault)) if vault.contacts_dir.is_dir() else 0
    return CheckReport(notes, problems)
