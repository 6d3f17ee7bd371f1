"""A warm digest of an unchanged vault answers from one remembered row (issue 11, item 3),
and never from a stale one."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import netnotes.app.digest
from netnotes.cli import cli

from .conftest import ROOT

ARGS = ["digest", "--today", "2026-11-21"]


def age_all(root: Path) -> None:
    stamp = time.time() - 60
    for path in root.rglob("*"):
        os.utime(path, (stamp, stamp))


def digest(vault: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["--vault", str(vault), *ARGS, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def remembered(example_vault, monkeypatch):
    """The example vault after one digest, with the digest's computation then forbidden."""
    age_all(example_vault / "contacts")
    for output in ("markdown", "json"):
        digest(example_vault, "--format", output)
    computed = []

    def counting(*args, **kwargs):
        computed.append(args)
        return real(*args, **kwargs)

    real = netnotes.app.digest.build_digest
    monkeypatch.setattr(netnotes.app.digest, "build_digest", counting)
    return example_vault, computed


def test_an_unchanged_vault_answers_from_the_memo(remembered):
    vault, computed = remembered
    golden = (ROOT / "tests" / "golden" / "digest.md").read_text(encoding="utf-8")
    assert digest(vault, "--format", "markdown") == golden
    assert digest(vault, "--format", "json") == (ROOT / "tests/golden/digest.json").read_text()
    assert computed == []


def test_a_changed_note_a_new_day_or_new_settings_compute_it_again(remembered):
    vault, computed = remembered
    note = vault / "contacts" / "jill-moreno.md"
    note.write_text(note.read_text().replace("the piece on ads", "the article on ads"))
    age_all(vault / "contacts")
    assert "task: send the article on ads" in digest(vault, "--format", "json")
    assert len(computed) == 1
    digest(vault, "--format", "json", "--horizon", "14d")
    assert len(computed) == 2
    CliRunner().invoke(cli, ["--vault", str(vault), "digest", "--today", "2026-11-22"])
    assert len(computed) == 3


def test_a_note_saved_in_the_last_seconds_is_never_answered_from_the_memo(remembered):
    vault, computed = remembered
    note = vault / "contacts" / "jill-moreno.md"
    stat = note.stat()
    note.write_text(note.read_text().replace("CEO", "CFO"))  # same size: only the mtime tells
    os.utime(note, ns=(stat.st_atime_ns, time.time_ns()))
    digest(vault, "--format", "json")
    assert len(computed) == 1
