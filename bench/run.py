"""The benchmark suite: netnotes against the floor and a naive baseline.

    python -m bench.run [--sizes 1000 10000] [--entries 20] [--runs 5]

For each size it generates a seeded vault and times, as separate processes,
the median of `--runs` runs of:

- floor: list the folder and read every note (bench/floor.py);
- naive: python-frontmatter + markdown-it per note (bench/naive.py);
- cold: `netnotes digest` with no index cache;
- warm: `netnotes digest` with nothing changed since the last run;
- one changed: `netnotes digest` after one note was edited;

then `netnotes --help` against `python -c "import click"`. It prints ratios
to the naive baseline measured in the same run, and each command's peak
memory (maximum resident set size). Each command runs once untimed first,
with bytecode caching allowed, as in a normal install.
"""

from __future__ import annotations

import argparse
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


def timed(command: list[str], before=None, allow_failure: bool = False) -> tuple[float, int]:
    """(seconds, peak memory in MB) of one run of `command`, after `before()`.

    `allow_failure`: exit 1 is an answer too (`check` with errors, `find` with no hit).
    """
    if before:
        before()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENVIRONMENT
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in ((0, 1) if allow_failure else (0,)):
        raise SystemExit(f"failed: {' '.join(command)}: {process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss // 1024


def median_of(
    runs: int, command: list[str], before=None, allow_failure: bool = False
) -> tuple[float, int]:
    timed(command, before, allow_failure)  # untimed: let Python write its bytecode caches
    results = [timed(command, before, allow_failure) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def bench_size(size: int, entries: int, runs: int) -> list[tuple[str, float, int]]:
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
            ("floor (read every file)", *median_of(runs, [PYTHON, "-m", "bench.floor", str(root)])),
            ("naive baseline", *median_of(runs, [PYTHON, "-m", "bench.naive", str(root)])),
            ("netnotes cold", *median_of(runs, digest, drop_cache)),
        ]
        timed(digest)  # leave a complete cache behind
        time.sleep(2.1)  # past index.RACY_SECONDS, so every note is cached
        timed(digest)
        rows.append(("netnotes warm", *median_of(runs, digest)))
        rows.append(("netnotes one note changed", *median_of(runs, digest, change_one_note)))
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor() or "unknown",
    ) if Path("/proc/cpuinfo").exists() else platform.processor()  # fmt: skip
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
          f"Python {platform.python_version()}; median of {arguments.runs} runs")  # fmt: skip
    for size in arguments.sizes:
        rows = bench_size(size, arguments.entries, arguments.runs)
        naive = rows[1][1]
        print(f"\n{size} contacts × {arguments.entries} entries")
        print(f"  {'':28}{'median':>9}  {'× naive':>8}  {'peak MB':>8}")
        for label, seconds, memory in rows:
            print(f"  {label:28}{seconds:>8.3f}s  {seconds / naive:>8.3f}  {memory:>8}")
    help_time, _ = median_of(arguments.runs * 2, [*NETNOTES, "--help"])
    click_time, _ = median_of(arguments.runs * 2, [PYTHON, "-c", "import click"])
    print(f"\nstart-up: netnotes --help {help_time:.3f}s, python -c 'import click' "
          f"{click_time:.3f}s: {help_time / click_time:.2f} ×")  # fmt: skip


if __name__ == "__main__":
    main()
