"""The layers of docs/architecture.md hold: import-linter's contracts, no import cycle, and a
`--help` that loads nothing but Click and the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from .conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=project, capture_output=True, text=True,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"}, timeout=120,
    )  # fmt: skip


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "netnotes", tmp_path / "netnotes",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
def test_the_layer_contracts_are_kept(project_copy):
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/names.py", "from netnotes.store import index", "Layers: cli > app"),
        ("store/vault.py", "from netnotes.app import digest", "Layers: cli > app"),
        ("store/writer.py", "import click", "Only the CLI imports click"),
        # A use case added later is covered by the package's contracts, unlisted.
        ("app/new_use_case.py", "import click", "Only the CLI imports click"),
        ("app/new_use_case.py", "import netnotes.cli", "Layers: cli > app"),
        ("core/rules.py", "import sqlite3", "The core uses no database"),
    ],
)
def test_an_upward_import_breaks_a_contract(project_copy, module, line, contract):
    target = project_copy / "netnotes" / module
    before = target.read_text() if target.exists() else ""
    target.write_text(before + f"\n{line}  # a deliberate upward import\n")
    result = lint_imports(project_copy)
    assert result.returncode == 1
    broken = [text for text in result.stdout.splitlines() if text.endswith("BROKEN")]
    assert any(text.startswith(contract) for text in broken), result.stdout


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("netnotes", include_external_packages=False)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                cycles.append((module, imported))
    assert cycles == []


def test_help_imports_only_click_and_the_cli():
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['netnotes', '--help']\n"
        "try:\n    runpy.run_module('netnotes', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('netnotes')))\n"
        "print(sorted(m for m in ('yaml', 'sqlite3', 'markdown_it', 'watchdog') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    ours, heavy = result.stdout.splitlines()[-2:]
    # The package, the CLI, and the one error type the CLI catches (the core's __init__ is empty).
    assert ours == "['netnotes', 'netnotes.cli', 'netnotes.core', 'netnotes.core.errors']"
    assert heavy == "[]"
