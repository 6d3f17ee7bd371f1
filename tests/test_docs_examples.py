"""Every command shown in README.md and docs/*.md runs, as a user would type it (issue 22).

The README's "Using it" block is a walk-through: its lines run in order, in a real
shell, on the vault its first line creates, and each must succeed and say something.
Every other `netnotes` line of a shell block in the docs runs on a fresh copy of
vault-example. Both use the installed `netnotes` script, as a user would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE_VAULT, ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
SHELL_BLOCKS = ("sh", "bash", "shell", "console")
# A long-running command: tests/test_watch.py runs the watcher against a real observer.
NOT_RUN_HERE = ("netnotes watch",)
# What an example needs that the docs assume the user has (an export they downloaded,
# the duplicate that `dupes` shows, a clone they made).
SAM_O = "---\nname: Sam O.\nemails: [sam.ortiz@northwind.example]\n---\n\nLikes climbing.\n"


def shell_blocks(markdown: str, tags=SHELL_BLOCKS) -> list[list[str]]:
    """The lines of each fenced block tagged as one of `tags` in a Markdown text."""
    blocks: list[list[str]] = []
    fence = None
    for line in markdown.splitlines():
        opening = re.match(r"(`{3,}|~{3,})\s*(\w*)", line)
        if fence is None and opening:
            fence = opening.group(1)
            blocks.append([] if opening.group(2) in tags else None)
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is not None and blocks[-1] is not None:
            blocks[-1].append(line)
    return [block for block in blocks if block is not None]


def commands(lines: list[str], prompted_only: bool = False) -> list[str]:
    """The lines that run netnotes (a `$ ` prompt dropped; output lines are not commands;
    `prompted_only`: a transcript, where only `$ ` lines are); what is piped to another
    program is left out (`| pbcopy`), as is its output."""
    found = []
    for line in lines:
        if prompted_only and not line.startswith("$ "):
            continue
        text = line.removeprefix("$ ").strip()
        words = text.split()
        first = next((w for w in words if "=" not in w), "")  # `EDITOR=vim netnotes edit`
        if first != "netnotes" or text.startswith(NOT_RUN_HERE):
            continue
        found.append(re.split(r"\s\|\s", text, maxsplit=1)[0])
    return found


def environment(home: Path) -> dict[str, str]:
    scripts = str(Path(sys.executable).parent)  # where pip put the `netnotes` script
    return {
        **os.environ,
        "HOME": str(home),
        "PATH": scripts + os.pathsep + os.environ.get("PATH", ""),
        "NETNOTES_TODAY": "2026-11-21",
        "EDITOR": "true",
        "VISUAL": "true",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
    }  # fmt: skip


def bash(line: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", line],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def downloads(home: Path) -> None:
    """What the docs assume the user has at home: a LinkedIn export, and mail in ~/Mail."""
    import mailbox
    from email.message import EmailMessage

    (home / "Downloads").mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "linkedin-2025.csv", home / "Downloads" / "Connections.csv")
    (home / "Mail").mkdir()
    inbox = mailbox.Maildir(home / "Mail" / "INBOX", create=True)
    mail = EmailMessage()
    mail["From"], mail["To"] = "Jill <jill@brightside.example>", "me@example.org"
    mail["Subject"], mail["Date"] = "Berlin?", "Thu, 19 Nov 2026 09:00:00 +0100"
    mail["Message-ID"] = "<berlin@brightside.example>"
    inbox.add(mailbox.MaildirMessage(mail))


def readme_walkthrough() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using it\n", 1)[1].split("\n## ", 1)[0]
    block = shell_blocks(section)[0]  # the walk-through; completion's set-up follows
    return [line for line in block if line.strip() and not line.startswith(NOT_RUN_HERE)]


def test_the_readme_walkthrough_runs_line_by_line_on_a_new_vault(tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("no bash here to run the README's lines in")
    home = tmp_path / "home"
    home.mkdir()
    downloads(home)
    env = environment(home)
    lines = readme_walkthrough()
    assert lines[0].startswith("netnotes init ~/network && cd ~/network")
    cwd = home
    for line in lines:
        ran = bash(line, cwd, env)
        said = ran.stdout + ran.stderr
        assert ran.returncode == 0, (line, said)
        assert said.strip() or "edit" in line, (line, "said nothing")
        if "cd ~/network" in line:
            cwd = home / "network"
    vault = home / "network"
    assert "- [x] send Jill the article ✅ 2026-11-21" in (
        vault / "contacts" / "jill-moreno.md"
    ).read_text(encoding="utf-8")
    assert (vault / "due.ics").is_file() and (vault / "DUE.md").is_file()
    assert (vault / "contacts" / "tomas-berg.md").is_file()  # the import


def documented_commands() -> list[tuple[str, str]]:
    """Every netnotes line of the docs but the README's walk-through (run above, in order)."""
    walkthrough = set(readme_walkthrough())
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for block in shell_blocks(text):
            found += [(path.name, c) for c in commands(block) if c not in walkthrough]
        for block in shell_blocks(text, ("text",)):  # transcripts: `$ netnotes ...` and output
            found += [(path.name, c) for c in commands(block, prompted_only=True)]
    return found


def test_the_docs_show_commands_to_run():
    shown = documented_commands()
    assert len(shown) > 25
    assert ("commands.md", 'netnotes find "cafe central"') in shown


@pytest.mark.parametrize(("page", "command"), documented_commands())
def test_every_documented_command_runs_on_the_example_vault(tmp_path, page, command, request):
    if shutil.which("bash") is None:
        pytest.skip("no bash here to run the docs' lines in")
    home = tmp_path / "home"
    vault = home / "network"
    shutil.copytree(EXAMPLE_VAULT, vault, ignore=shutil.ignore_patterns("DUE.md", ".netnotes"))
    downloads(home)
    for name in ("cards.vcf", "google.csv", "linkedin-2025.csv"):  # import's examples
        shutil.copy(FIXTURES / name, vault / {"cards.vcf": "contacts.vcf"}.get(name, name))
    shutil.copy(FIXTURES / "linkedin-2025.csv", vault / "Connections.csv")
    shutil.copy(FIXTURES / "google.csv", vault / "contacts.csv")
    if command.startswith(("netnotes dupes", "netnotes merge")):  # the duplicate they show
        (vault / "contacts" / "sam-o.md").write_text(SAM_O, encoding="utf-8")
    command = command.replace("git clone me@host:network.git && cd network && ", "")
    cwd = vault
    if command.startswith("netnotes init ~/network"):  # a new vault where there is none
        shutil.rmtree(vault)
        cwd = home
    elif command.startswith("netnotes caldav"):  # a collection to keep the to-dos in
        served = request.getfixturevalue("radicale")
        with (vault / "netnotes.toml").open("a", encoding="utf-8") as config:
            config.write(f'\n[caldav]\nurl = "{served}/me/netnotes/"\nuser = "me"\n'
                         'password_cmd = "echo secret"\n')  # fmt: skip
    elif command.startswith("netnotes add "):  # a contact the example vault does not have yet
        shutil.rmtree(vault / "contacts")
        (vault / "contacts").mkdir()
    ran = bash(command, cwd, environment(home))
    assert ran.returncode == 0, (page, command, ran.stdout + ran.stderr)
