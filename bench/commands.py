"""What each command costs on a warm vault, against `netnotes --help`, in one run.

    python -m bench.commands [--sizes 1000 10000 50000] [--runs 5]

For each size it generates a seeded vault, warms the index, then times (as
separate processes, the median of `--runs` runs, peak memory the maximum)
`--help`, `digest`, `log`, `show`, `snooze`, `list --tag`, `find` and
`check`, and prints each as seconds and as a multiple of `--help` measured in
the same run. `log` and `snooze` write to one note each run, as a user would.
The generated vaults live in temporary folders and are deleted afterwards.
`python -m bench.run` runs the same table beside the floors and the watcher.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from bench.run import NETNOTES, median_of, start_launcher, timed


def command_rows(root: Path, size: int, runs: int) -> list[tuple[str, float, int]]:
    """(label, median seconds, peak MB) of each command on the vault at `root`, warm."""
    base = [*NETNOTES, "--vault", str(root)]
    stamp = time.time() - 60
    for path in (root / "contacts").rglob("*"):
        os.utime(path, (stamp, stamp))  # old enough to be cached: a vault kept for years
    timed([*base, "list"])  # the index, warm
    timed([*base, "find", "berlin"], allow_failure=True)  # and its full-text table
    notes = sorted((root / "contacts").rglob("*.md"))
    target = notes[size // 2].stem
    # log and snooze write a different note each run, as a user logs different people:
    # writing the note saved a moment ago would add the 0.1 s second read that a note
    # saved in the last second gets (docs/safety.md).
    others = iter(note.stem for note in notes[size // 3 :])
    commands = [
        ("--help", [*NETNOTES, "--help"]),
        ("digest", [*base, "digest", "--today", "2026-11-21", "--format", "json"]),
        ("log NAME", [*base, "log", target, "bench", "--date", "2026-11-21"]),
        ("show NAME", [*base, "show", target]),
        ("snooze NAME", [*base, "snooze", target, "2026-12-24"]),
        ("list --tag", [*base, "list", "--tag", "pr"]),
        ("list --due", [*base, "list", "--due"]),
        ("find WORD", [*base, "find", "berlin"]),
        ("check", [*base, "check"]),
    ]
    rows = []
    for label, command in commands:

        def next_note(command=command, label=label) -> None:
            if label in ("log NAME", "snooze NAME"):
                command[len(base) + 1] = next(others)

        rows.append((label, *median_of(runs, command, next_note, allow_failure=label != "--help")))
    return rows


def bench_commands(size: int, runs: int) -> list[tuple[str, float, int]]:
    with tempfile.TemporaryDirectory() as folder:
        return command_rows(generate(Path(folder) / "vault", size, 20), size, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    start_launcher()
    for size in arguments.sizes:
        rows = bench_commands(size, arguments.runs)
        help_time = rows[0][1]
        print(f"\n{size} contacts, warm index; median of {arguments.runs} runs")
        print(f"  {'':14}{'median':>9}  {'× --help':>9}  {'peak MB':>8}")
        for label, seconds, memory in rows:
            print(f"  {label:14}{seconds:>8.3f}s  {seconds / help_time:>9.2f}  {memory:>8}")


if __name__ == "__main__":
    main()
