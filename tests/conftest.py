"""Shared helpers: notes written inline in tests, and temporary vaults."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import yaml

from netnotes.core.config import Config
from netnotes.core.model import Contact
from netnotes.core.parse import parse_note

ROOT = Path(__file__).resolve().parent.parent
# libyaml and PyYAML's own parser word this YAML error differently.
MAPPING_VALUES_ERROR = "front matter: mapping values are not allowed " + (
    "in this context" if yaml.__with_libyaml__ else "here"
)
EXAMPLE_VAULT = ROOT / "vault-example"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def contact_from(text: str, path: str = "contacts/someone.md") -> Contact:
    """Parse inline note text; fail the test if the parser dropped the contact."""
    contact, problems = parse_note(path, dedent(text).encode("utf-8"))
    assert contact is not None, problems
    return contact


def day(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture(autouse=True)
def one_command_at_a_time():
    """A test that calls use cases directly is one command: its connection to the cache
    ends with it, as the CLI ends each command's (store/index.py)."""
    yield
    import sys

    index = sys.modules.get("netnotes.store.index")
    if index is not None:
        index.end_of_command()


@pytest.fixture
def config() -> Config:
    return Config()


def make_vault(folder: Path) -> Path:
    """An empty vault in `folder`: netnotes.toml and contacts/ (for hypothesis tests,
    which make one per example)."""
    (folder / "netnotes.toml").write_text("")
    (folder / "contacts").mkdir()
    return folder


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """An empty vault: netnotes.toml and contacts/."""
    return make_vault(tmp_path)


@pytest.fixture
def example_vault(tmp_path: Path) -> Path:
    """A private copy of vault-example/, safe to write into."""
    target = tmp_path / "vault"
    shutil.copytree(EXAMPLE_VAULT, target, ignore=shutil.ignore_patterns("DUE.md", ".netnotes"))
    return target


@pytest.fixture
def corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the project ({SHARED_CORPUS})")
    return SHARED_CORPUS


@contextlib.contextmanager
def served(command: list[str], port: int, failed_to_start):
    """A server a test starts (Radicale, Dovecot) listening on 127.0.0.1:`port` for the
    `with` block; `failed_to_start(what it said)` skips or fails the test."""
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        failed = server_listening(server, port)
        if failed:
            failed_to_start(failed)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def server_listening(server, port: int, deadline: float = 20.0) -> str | None:
    """Wait for a server a test started to listen on 127.0.0.1:`port`: None once it does,
    else what it said before it ended or the deadline passed (for the skip or failure)."""
    import socket
    import time

    end = time.monotonic() + deadline
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return None
        except OSError:
            if server.poll() is not None or time.monotonic() > end:
                said = server.stdout.read() if server.stdout and server.poll() is not None else b""
                return said.decode(errors="replace").strip()[:300] or "no word from it"
            time.sleep(0.05)  # polling for the port, with a deadline


# -- CalDAV: Radicale, from the package registry, on loopback ------------------------------


@pytest.fixture
def radicale(tmp_path):
    pytest.importorskip("radicale", reason="Radicale is not installed (the [test] extra has it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "users").write_text("me:secret\n")
    (tmp_path / "radicale.conf").write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {tmp_path / 'users'}\n"
        "htpasswd_encryption = plain\n"
        f"[storage]\nfilesystem_folder = {tmp_path / 'collections'}\n"
    )
    command = [sys.executable, "-m", "radicale", "--config", str(tmp_path / "radicale.conf")]
    with served(command, port, lambda said: pytest.fail(f"Radicale did not start: {said}")):
        yield f"http://127.0.0.1:{port}"
