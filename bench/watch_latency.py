"""Edit-to-digest latency of `netnotes watch` on generated vaults.

    python -m bench.watch_latency [--sizes 1000 10000] [--saves 20] [--calendar]

For each size: generate a vault, start a watcher with a real observer and
the default debounce, then save one note at a time the way an editor does
(write a temporary file, rename it over the note) and time how long until
the digest file holds the change (with `--calendar`, the vault keeps a
calendar feed too, and the time is until both files hold it). Prints the median
and the worst.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.generate import generate
from netnotes.app.watch import Watcher, start_observer


def measure(size: int, saves: int, calendar: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        root = generate(Path(folder) / "vault", size)
        if calendar:
            config = root / "netnotes.toml"
            config.write_text('calendar = "due.ics"\n' + config.read_text())
        return measure_vault(root, size, saves)


def measure_vault(root: Path, size: int, saves: int, marker: str = "Latency Marker") -> dict:
    """Start a watcher on the vault at `root` (its notes get rewritten), then time saves.

    Each save names its contact `marker` and a number: a second measurement on the
    same vault needs markers of its own, or the first one's would be found at once."""
    regenerated = threading.Event()
    feed = root / "due.ics" if "due.ics" in (root / "netnotes.toml").read_text() else None

    def log(line: str) -> None:
        regenerated.set()

    watcher = Watcher(root, log=log)
    started = time.perf_counter()
    watcher.start()
    cold = time.perf_counter() - started
    observer = start_observer(watcher, poll=False, warn=print)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    notes = sorted((root / "contacts").rglob("*.md"))
    latencies = []
    digest = root / "DUE.md"
    for number in range(saves):
        note = notes[(number * 7919) % len(notes)]
        name = f"{marker} {number}"
        text = f"---\nname: {name}\ncadence: 1 day\n---\n## Log\n- 2026-01-01 call\n"
        temporary = note.with_name(f".{note.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        regenerated.clear()
        saved = time.perf_counter()
        os.replace(temporary, note)
        deadline = saved + 30
        while name not in digest.read_text(encoding="utf-8") or (
            feed is not None and name not in feed.read_text(encoding="utf-8")
        ):
            regenerated.wait(0.005)
            regenerated.clear()
            if time.perf_counter() > deadline:
                raise SystemExit(f"no digest update within 30 s at {size} contacts")
        latencies.append(time.perf_counter() - saved)
    watcher.stop()
    thread.join(5)
    observer.stop()
    observer.join(5)
    return {
        "size": size,
        "cold_start": cold,
        "median": statistics.median(latencies),
        "worst": max(latencies),
        "saves": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--calendar", action="store_true", help="keep a calendar feed too")
    arguments = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'contacts':>9}  {'cold start':>10}  {'median':>8}  {'worst':>8}  saves")
    for size in arguments.sizes:
        result = measure(size, arguments.saves, arguments.calendar)
        print(
            f"{result['size']:>9}  {result['cold_start']:>9.2f}s  {result['median'] * 1000:>6.0f}ms"
            f"  {result['worst'] * 1000:>6.0f}ms  {result['saves']}"
        )


if __name__ == "__main__":
    main()
