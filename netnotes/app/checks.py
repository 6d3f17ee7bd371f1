"""`netnotes check`: every problem the vault has, for a person to fix."""

from __future__ import annotations

from dataclasses import dataclass

from netnotes.core.model import Problem, Severity
from netnotes.store.loading import load_summaries, source_interactions
from netnotes.store.vault import Vault


@dataclass(frozen=True, slots=True)
class CheckReport:
    notes: int
    problems: list[Problem]
    links: int = 0  # links that name no contact, among the problems (`links=True`)


def check_vault(vault: Vault, *, links: bool = False) -> CheckReport:
    """Parse problems (front matter, dates, cadences, conflict markers), duplicates, git set-up,
    and those of the meeting and daily notes; `links`: also every link in them that names no
    contact (information)."""
    from netnotes.store.source_notes import list_sources

    summaries, problems, notes = load_summaries(vault)
    sources = list_sources(vault)
    unmatched = []
    if sources:
        people = [(summary.path, summary.name, summary.aliases) for summary in summaries]
        _, source_problems, unmatched = source_interactions(vault, people, sources)
        problems = [*problems, *source_problems]
    shown = [link.problem() for link in unmatched] if links else []
    found = sorted([*problems, *shown, *git_problems(vault)], key=Problem.sort_key)
    return CheckReport(notes + len(sources), found, len(shown))


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
