"""`netnotes check`: every problem the vault has, for a person to fix."""

from __future__ import annotations

import re
from collections import Counter
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
    from netnotes.store.vault import in_people_folder

    summaries, problems, notes = load_summaries(vault)
    sources = list_sources(vault)
    unmatched = []
    if sources:
        people = [(summary.path, summary.name, summary.aliases) for summary in summaries]
        _, source_problems, unmatched = source_interactions(vault, people, sources)
        problems = [*problems, *source_problems]
    shown = []
    if links and unmatched:
        from netnotes.core.sources import Directory

        # A name that names nobody may be a contact's full name under a shorter note
        # (`Ryan S.md` for [[Ryan Schubert]]): the message offers the alias that fixes it.
        directory = Directory((s.path, s.name, s.aliases) for s in summaries)
        shown = [
            link._replace(near=None if link.is_path else directory.near(link.target)).problem()
            for link in unmatched
        ]
    found = sorted([*problems, *shown, *git_problems(vault)], key=Problem.sort_key)
    # A note of the contacts folder named by its day is listed as a source too (an
    # interaction record, if it lists people): one file, counted once.
    elsewhere = [source for source in sources if not in_people_folder(vault, source[0])]
    return CheckReport(notes + len(elsewhere), found, len(shown))


@dataclass(frozen=True, slots=True)
class MoreOfTheSame:
    """Problems left out of `check`'s listing: `count` more of the one shown before."""

    count: int
    message: str

    def format(self) -> str:
        from netnotes.core.safetext import printable

        return f"... and {self.count} more like it: {printable(self.message)} (--all lists them)"


# More of one kind of problem than this are shown by their first few and a count.
SHOWN_OF_A_KIND = 3
_QUOTED = re.compile(r"'[^']*'|\S+\.md\b|\d+")


def kind_of(problem: Problem) -> tuple[str, str]:
    """Problems of one kind differ only in the values they quote, the notes they name and
    their numbers: `same name as contacts/a.md ('ann')` and `... contacts/b.md ('bo')`."""
    return str(problem.severity), _QUOTED.sub("…", problem.message)


def grouped(problems: list[Problem]) -> list[Problem | MoreOfTheSame]:
    """The problems in order, each kind of which more than SHOWN_OF_A_KIND notes have cut
    to its first SHOWN_OF_A_KIND and a count: 135 reading notes with the same YAML
    trouble are one finding, not 135. `check --all` lists every one."""
    counts = Counter(kind_of(problem) for problem in problems)
    shown: Counter = Counter()
    listing: list[Problem | MoreOfTheSame] = []
    for problem in problems:
        kind = kind_of(problem)
        shown[kind] += 1
        if shown[kind] <= SHOWN_OF_A_KIND or counts[kind] == SHOWN_OF_A_KIND + 1:
            listing.append(problem)
        elif shown[kind] == SHOWN_OF_A_KIND + 1:
            listing.append(MoreOfTheSame(counts[kind] - SHOWN_OF_A_KIND, kind[1]))
    return listing


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
