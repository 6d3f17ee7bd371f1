"""`netnotes find` after a pull that changed N notes: linear, or not? (issue 28)

    python -m bench.find_growth [--contacts 20000] [--changed 1000 2000 4000] [--runs 3]

A seeded vault of `--contacts` notes is indexed once (`find` with a warm search table);
then, for each N, N notes get a new line (as a `git pull` brings them) and `find` is
timed: it folds the N notes again and replaces their rows. Each N starts from a warm
table (the changes of the last N are searched away first, untimed). The line printed
for each doubling of N is the ratio of the times: about 2 for linear work, 4 for
quadratic. The vault lives in a temporary folder and is deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from bench.run import NETNOTES, timed


def touch(notes: list[Path], count: int, round_: int) -> None:
    """A new log line in the first `count` notes, saved a minute ago (not racy)."""
    stamp = time.time() - 60
    for note in notes[:count]:
        with note.open("a", encoding="utf-8") as handle:
            handle.write(f"- 2026-11-2{round_ % 9} call: pulled change {round_}\n")
        os.utime(note, (stamp, stamp))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=20000)
    parser.add_argument("--changed", type=int, nargs="*", default=[1000, 2000, 4000])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        vault = generate(Path(temporary) / "vault", options.contacts)
        notes = sorted((vault / "contacts").rglob("*.md"))
        find = [*NETNOTES, "--vault", str(vault), "find", "zanzibar"]  # selective: no hit
        timed(find, allow_failure=True)  # the index and the search table, built once
        print(f"netnotes find after N notes changed, {options.contacts} notes; "
              f"medians of {options.runs}")  # fmt: skip
        previous, last = None, 0
        round_ = 0
        for count in options.changed:
            seconds = []
            for _ in range(options.runs):
                round_ += 1
                touch(notes, count, round_)
                seconds.append(timed(find, allow_failure=True)[0])
            median = statistics.median(seconds)
            growth = (
                f"  × {median / previous:.2f} for × {count / last:.0f} notes" if previous else ""
            )
            print(f"  {count:>7} changed  {median:7.2f} s{growth}")
            previous, last = median, count


if __name__ == "__main__":
    main()
