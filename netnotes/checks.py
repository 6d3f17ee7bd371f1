"""`netnotes check`: every problem the vault has, for a person to fix."""

from __future__ import annotations

from dataclasses import dataclass

from netnotes.core.model import Problem, Severity
from netnotes.store.loading import load_summaries
from netnotes.store.vault import Vault


@dataclass(frozen=True, slots=True)
class CheckReport:
    notes: int
    problems: list[Problem]


def check_vault(vault: Vault) -> CheckReport:
    """Parse problems (front matter, dates, cadences, conflict markers), duplicates, git set-up."""
    _, problems, notes = load_summaries(vault)
    return CheckReport(notes, sorted([*problems, *git_problems(vault)], key=Problem.sort_key))


def git_problems(vault: Vault) -> list[Problem]:
    """A clone whose git config lacks the merge driver merges notes with plain git.

    Said for a vault that is set up for the driver (its .gitattributes names
    it) or that is a repository of its own; a vault that merely sits inside
    another project's repository is left alone.
    """
    from netnotes.sync import gitsetup

    if not gitsetup.in_repository(vault.root) or gitsetup.configured_driver(vault.root):
        return []
    line = gitsetup.attributes_line_number(vault.root)
    if line is None and not gitsetup.is_top_level(vault.root):
        return []
    return [
        Problem(
            ".gitattributes" if line else ".git/config",
            line,
            Severity.WARNING,
            "this clone has no netnotes merge driver, so two devices that log the same "
            "contact will conflict: run `netnotes init` here to set it up",
        )
    ]
