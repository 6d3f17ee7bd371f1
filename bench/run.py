"""The benchmark suite: every command against its floors and a naive baseline, in one run.

    python -m bench.run [--sizes 1000 10000 50000] [--runs 5] [--naive-up-to 10000]
                        [--saves 20]

For each size it generates a seeded vault and times, as separate processes,
the median of `--runs` runs (peak memory: the maximum resident set size) of:

- the floors: Python importing Click; listing the contacts folder and
  stat-ing every note; reading every note (bench/floor.py);
- the naive baseline: python-frontmatter + markdown-it per note
  (bench/naive.py), up to `--naive-up-to` notes (it takes minutes beyond);
- `netnotes digest` cold (no index cache), warm (nothing changed) and after
  one note changed;
- every command on the warm vault (bench/commands.py), as a multiple of
  `netnotes --help` measured in the same run, and the commands that read or
  write the whole vault: list, find, dupes, merge, stats, share, export, add,
  find after a pull, import (bench/heavy.py; a row slower than 3 s is timed
  once after its warm-up run, and says so);
- the watcher: save → DUE.md latency over `--saves` editor-style saves, with a
  real observer and the default debounce, then save → due.ics with a
  calendar feed kept too (bench/watch_latency.py);
- a vault of 10,000 contacts and `--dated` meeting and daily notes that link
  them: the naive baseline (which parses those notes too), the digest cold,
  warm, and after a meeting note or a contact changed.

Then a table of how each figure grows with the vault. Each command runs
once untimed first, with bytecode caching allowed, as in a normal install.
The generated vaults live in temporary folders and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate

PYTHON = sys.executable
NETNOTES = [PYTHON, "-m", "netnotes"]
# As in a normal install, Python may cache bytecode: some sandboxes (this
# project's CI machine among them) set PYTHONDONTWRITEBYTECODE, which makes every
# run compile every module again and would bury the differences measured here.
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


class _Launcher:
    """The small process that starts every measured command (see bench/launcher.py)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.launcher"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, cwd=Path(__file__).parent.parent,
        )  # fmt: skip
        self.process.stdin.write(json.dumps(ENVIRONMENT) + "\n")

    def run(self, command: list[str]) -> tuple[float, int, int, str]:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return tuple(json.loads(self.process.stdout.readline()))


_launcher: _Launcher | None = None


def start_launcher() -> None:
    """Start the launcher while this process is still small (bench.run's main does)."""
    global _launcher
    _launcher = _launcher or _Launcher()


def timed(command: list[str], before=None, allow_failure: bool = False) -> tuple[float, int]:
    """(seconds, peak memory in MB) of one run of `command`, after `before()`.

    `allow_failure`: exit 1 is an answer too (`check` with errors, `find` with no hit).
    """
    start_launcher()
    if before:
        before()
    elapsed, peak, code, error = _launcher.run(command)
    if code not in ((0, 1) if allow_failure else (0,)):
        raise SystemExit(f"failed: {' '.join(command)}: {error}")
    return elapsed, peak


def median_of(
    runs: int, command: list[str], before=None, allow_failure: bool = False
) -> tuple[float, int]:
    timed(command, before, allow_failure)  # untimed: let Python write its bytecode caches
    results = [timed(command, before, allow_failure) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def bench_size(size: int, entries: int, runs: int, naive_up_to: int, saves: int) -> list[tuple]:
    """[(label, median seconds, peak MB)] for one vault size."""
    from bench.commands import command_rows
    from bench.heavy import heavy_rows, import_rows
    from bench.watch_latency import measure_vault

    with tempfile.TemporaryDirectory() as folder:
        root = generate(Path(folder) / "vault", size, entries)
        digest = [*NETNOTES, "--vault", str(root), "digest", "--today", "2026-11-21",
                  "--format", "json"]  # fmt: skip
        cache = root / ".netnotes"
        note = sorted((root / "contacts").rglob("*.md"))[size // 2]
        original = note.read_text(encoding="utf-8")
        counter = iter(range(10**6))

        def drop_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def change_one_note() -> None:
            note.write_text(original + f"\nedit {next(counter)}\n", encoding="utf-8")

        rows = [
            ("floor: python + import click", *median_of(runs, [PYTHON, "-c", "import click"])),
            ("floor: stat every note",
             *median_of(runs, [PYTHON, "-m", "bench.floor", str(root), "--stat"])),
            ("floor: read every note", *median_of(runs, [PYTHON, "-m", "bench.floor", str(root)])),
        ]  # fmt: skip
        if size <= naive_up_to:
            rows.append(
                ("naive baseline", *median_of(runs, [PYTHON, "-m", "bench.naive", str(root)]))
            )
        rows.append(("digest cold", *median_of(runs, digest, drop_cache)))
        timed(digest)  # leave a complete cache behind
        time.sleep(2.1)  # past index.RACY_SECONDS, so every note is cached
        timed(digest)
        rows.append(("digest warm", *median_of(runs, digest)))
        rows.append(("digest, one note changed", *median_of(runs, digest, change_one_note)))
        rows += command_rows(root, size, runs)
        rows += heavy_rows(root, size, runs, Path(folder))
        drop_cache()  # the watcher's cold start is reported on its own
        watched = measure_vault(root, size, saves)
        rows.append(("watch: start, cold", watched["cold_start"], 0))
        rows.append(("watch: save -> DUE.md", watched["median"], 0))
        rows.append(("watch: worst save", watched["worst"], 0))
        config = root / "netnotes.toml"
        settings = config.read_text()
        config.write_text('calendar = "due.ics"\n' + settings)
        rows.append(
            ("watch: save -> due.ics", measure_vault(root, size, saves, "Feed Marker")["median"], 0)
        )
        config.write_text(settings)
        rows += import_rows(root, size, runs, Path(folder))
        return rows


def bench_dated(contacts: int, dated: int, entries: int, runs: int) -> list[tuple]:
    """The digest of a vault whose meeting and daily notes link its contacts (issue 13)."""
    with tempfile.TemporaryDirectory() as folder:
        root = generate(Path(folder) / "vault", contacts, entries, dated=dated)
        digest = [*NETNOTES, "--vault", str(root), "digest", "--today", "2026-11-21",
                  "--format", "json"]  # fmt: skip
        cache = root / ".netnotes"
        meeting = sorted((root / "meetings").glob("*.md"))[-1]  # the newest
        contact = sorted((root / "contacts").rglob("*.md"))[contacts // 2]
        counter = iter(range(10**6))

        def drop_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def append_to(note: Path):
            return lambda: note.write_text(
                note.read_text(encoding="utf-8") + f"\n- edit {next(counter)}\n", encoding="utf-8"
            )

        rows = [
            ("--help", *median_of(runs, [*NETNOTES, "--help"])),
            ("naive baseline", *median_of(runs, [PYTHON, "-m", "bench.naive", str(root)])),
            ("digest cold", *median_of(runs, digest, drop_cache)),
        ]
        timed(digest)  # leave a complete cache behind
        time.sleep(2.1)  # past index.RACY_SECONDS, so every note is cached
        timed(digest)
        rows.append(("digest warm", *median_of(runs, digest)))
        for label, note in (("a meeting note", meeting), ("a contact", contact)):
            rows.append((f"digest, {label} changed", *median_of(runs, digest, append_to(note))))
        return rows


def print_size(size: int, entries: int, rows: list[tuple], title: str | None = None) -> None:
    by_label = {label: seconds for label, seconds, _ in rows}
    naive, help_time = by_label.get("naive baseline"), by_label["--help"]
    print(f"\n{title or f'{size} contacts × {entries} entries'}")
    print(f"  {'':44}{'median':>9}  {'× --help':>8}  {'× naive':>8}  {'peak MB':>8}")
    for label, seconds, memory in rows:
        of_naive = f"{seconds / naive:>8.3f}" if naive else f"{'':>8}"
        peak = f"{memory:>8}" if memory else f"{'':>8}"
        print(f"  {label:44}{seconds:>8.3f}s  {seconds / help_time:>8.2f}  {of_naive}  {peak}")


def print_growth(sizes: list[int], results: dict[int, list[tuple]]) -> None:
    """Each figure at each size, and how many times it grew from the smallest size."""
    if len(sizes) < 2:
        return
    print("\ngrowth with the vault (median seconds; last column: largest ÷ smallest)")
    print(f"  {'':44}" + "".join(f"{size:>10}" for size in sizes) + f"{'growth':>9}")
    labels = [label for label, _, _ in results[sizes[0]]]
    for label in labels:
        figures = [dict((r[0], r[1]) for r in results[size]).get(label) for size in sizes]
        if None in figures:
            continue
        cells = "".join(f"{figure:>9.3f}s" for figure in figures)
        print(f"  {label:44}{cells}{figures[-1] / figures[0]:>8.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-up-to", type=int, default=10000)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument(
        "--dated", type=int, default=5000, help="meeting and daily notes beside 10,000 contacts"
    )
    arguments = parser.parse_args()
    start_launcher()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor() or "unknown",
    ) if Path("/proc/cpuinfo").exists() else platform.processor()  # fmt: skip
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
          f"Python {platform.python_version()}; median of {arguments.runs} runs")  # fmt: skip
    results = {}
    for size in arguments.sizes:
        results[size] = bench_size(
            size, arguments.entries, arguments.runs, arguments.naive_up_to, arguments.saves
        )
        print_size(size, arguments.entries, results[size])
    print_growth(arguments.sizes, results)
    if arguments.dated:
        rows = bench_dated(10000, arguments.dated, arguments.entries, arguments.runs)
        title = (
            f"10000 contacts × {arguments.entries} entries + {arguments.dated} meeting and "
            "daily notes"
        )
        print_size(10000, arguments.entries, rows, title)


if __name__ == "__main__":
    main()
