"""Every file netnotes writes that is not a note goes through one output writer (issue 20):
bounded, never through a special file, never over a note, the config, or outside the vault."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from netnotes.cli import cli

from .conftest import dedent

TODAY = {"NETNOTES_TODAY": "2026-11-21"}
ANN = dedent(
    """
    ---
    name: Ann Lee
    cadence: 1 month
    ---
    # Ann Lee
    """
)


def run(vault: Path, *args: str):
    return CliRunner().invoke(cli, ["--vault", str(vault), *args], env=TODAY)


def netnotes(vault: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """The real program, so that a hang is a timeout and a MemoryError a crash."""
    return subprocess.run(
        [sys.executable, "-m", "netnotes", "--vault", str(vault), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **TODAY},
    )


@pytest.fixture
def ann(vault: Path) -> Path:
    (vault / "contacts" / "ann.md").write_text(ANN)
    return vault


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_digest_file_that_is_a_special_file_is_refused_in_one_line(ann, special):
    target = ann / "DUE.md"
    if special == "fifo":
        os.mkfifo(target)
        why = "DUE.md: a named pipe (FIFO), not a regular file: not writing to it"
    else:
        target.symlink_to(special)
        why = (
            "DUE.md resolves to /dev/zero, outside the vault: netnotes writes its outputs "
            "only inside the vault"
        )
    result = netnotes(ann, "digest", "--write", timeout=20)
    assert result.returncode == 1
    assert result.stderr == f"Error: {why}\n"


def test_export_to_dev_full_is_refused_not_grown_without_end(ann):
    result = netnotes(ann, "export", "vcard", "-o", "/dev/full", timeout=20)
    assert result.returncode == 1
    assert result.stderr == "Error: /dev/full: a device, not a regular file: not writing to it\n"


def test_export_into_a_fifo_does_not_hang(ann, tmp_path):
    fifo = tmp_path / "feed.ics"
    os.mkfifo(fifo)
    result = netnotes(ann, "export", "ics", "-o", str(fifo), timeout=20)
    assert result.returncode == 1
    assert "a named pipe (FIFO), not a regular file: not writing to it" in result.stderr


def test_an_unchanged_export_is_compared_not_rewritten_and_a_changed_one_replaced(ann, tmp_path):
    out = tmp_path / "all.vcf"
    assert run(ann, "export", "vcard", "-o", str(out)).stderr.endswith("written\n")
    first = out.stat().st_ino
    assert run(ann, "export", "vcard", "-o", str(out)).stderr.endswith("unchanged\n")
    assert out.stat().st_ino == first
    out.write_bytes(b"x" * out.stat().st_size)  # same size, other bytes
    assert run(ann, "export", "vcard", "-o", str(out)).stderr.endswith("written\n")
    assert out.read_bytes().startswith(b"BEGIN:VCARD")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('digest = "contacts/ann.md"', "digest: 'contacts/ann.md' is inside the contacts folder"),
        ('calendar = "netnotes.toml"', "calendar: 'netnotes.toml' is this very file"),
    ],
)
def test_an_output_setting_that_names_a_note_or_the_config_is_refused(ann, setting, message):
    config = ann / "netnotes.toml"
    config.write_text(setting + "\n")
    before = (ann / "contacts" / "ann.md").read_bytes()
    result = run(ann, "digest", "--write")
    assert result.exit_code == 1
    assert message in result.stderr
    assert (ann / "contacts" / "ann.md").read_bytes() == before
    assert config.read_text() == setting + "\n"


def test_a_digest_setting_that_names_a_meeting_note_never_replaces_it(ann):
    note = ann / "meetings" / "2026-11-20.md"
    note.parent.mkdir()
    note.write_text("# Standup\n\n- talked to [[Ann Lee]]\n")
    (ann / "netnotes.toml").write_text('digest = "meetings/2026-11-20.md"\n')
    result = run(ann, "digest", "--write")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: meetings/2026-11-20.md is a note (meetings/2026-11-20.md): an output never "
        "replaces a note; name a file of its own\n"
    )
    assert note.read_text() == "# Standup\n\n- talked to [[Ann Lee]]\n"


def test_a_digest_through_a_symlinked_folder_never_lands_outside_the_vault(ann, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    (ann / "sub").mkdir()
    (ann / "sub" / "up").symlink_to(outside)
    (ann / "netnotes.toml").write_text('digest = "sub/up/DUE.md"\n')
    result = run(ann, "digest", "--write")
    assert result.exit_code == 1
    assert "outside the vault: netnotes writes its outputs only inside the vault" in result.stderr
    assert list(outside.iterdir()) == []


def test_export_never_writes_over_a_note_or_the_config(ann):
    note = ann / "contacts" / "ann.md"
    result = run(ann, "export", "vcard", "-o", str(note))
    assert result.exit_code == 1
    assert "is a note (contacts/ann.md): an output never replaces a note" in result.stderr
    assert note.read_text() == ANN
    result = run(ann, "stats", "--html", str(ann / "netnotes.toml"))
    assert result.exit_code == 1
    assert "is the vault's netnotes.toml: not writing an output over it" in result.stderr


def test_a_digest_netnotes_wrote_is_replaced_as_before(ann):
    assert run(ann, "digest", "--write").exit_code == 0
    (ann / "contacts" / "ann.md").write_text(ANN.replace("1 month", "2 weeks"))
    assert run(ann, "digest", "--write").exit_code == 0
    assert (ann / "DUE.md").read_text().startswith("# Due on 2026-11-21")
