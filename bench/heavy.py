"""The rest of issue 28's table: the commands that read or write the whole vault.

    python -m bench.heavy [--sizes 1000 10000] [--runs 3]

On a warm vault (as bench.commands leaves it) it times, as separate processes:
the point commands not in bench.commands (`done`, `meet`, `prep`, `draft`),
`list`, `find` with one hit and with a word in every note, `dupes`, `merge`,
`stats`, `share`, `export vcard` and `export ics`, `add NAME`, `log` right
after an `add` and `show` right after a `merge`, `find` after a pull that
touched a fifth of the notes; then (`import_rows`, last, as they grow the
vault) the first import of vCards and of LinkedIn rows and the re-import of both. A row whose first
run takes longer than `SLOW` seconds is timed once more, not `--runs` times,
so that a run at 100,000 notes ends the same hour; a first import is timed once.
Imports bring as many cards and rows as the vault holds notes, up to 10,000.
The generated vaults live in temporary folders and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import tempfile
from pathlib import Path

from bench.find_growth import touch
from bench.generate import generate
from bench.run import NETNOTES, start_launcher, timed

SLOW = 3.0  # seconds: a slower row is timed once after its warm-up run
IMPORTED_CARDS = 10000  # at most; fewer in a smaller vault (the vault's own size)


def measured(
    label: str, runs: int, command: list[str], before=None, allow_failure: bool = False
) -> tuple[str, float, int]:
    """(label, median seconds, peak MB): one untimed run (which fills the caches, and
    whose memory is not the warm command's), then `runs` (1 if it is slow)."""
    first, _ = timed(command, before, allow_failure)
    if first > SLOW:
        runs = 1
    results = [timed(command, before, allow_failure) for _ in range(runs)]
    return label, statistics.median(r[0] for r in results), max(r[1] for r in results)


def linkedin_rows(count: int) -> str:
    """A LinkedIn Connections.csv of `count` people no generated vault holds."""
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f"Linked{number},Person,https://www.linkedin.com/in/linked-{number},"
        f"linked{number}@example.org,Company {number % 300},Engineer,21 Nov 2026"
        for number in range(count)
    ]
    return "\n".join(lines) + "\n"


def heavy_rows(root: Path, size: int, runs: int, scratch: Path) -> list[tuple[str, float, int]]:
    """The rows on the warm vault at `root`; files made for them go in `scratch`."""
    base = [*NETNOTES, "--vault", str(root)]
    notes = sorted((root / "contacts").rglob("*.md"))
    target = notes[size // 2]
    name = target.read_text(encoding="utf-8").split("\n", 2)[1].removeprefix("name: ")
    fresh = itertools.count()
    pairs = iter(zip(notes[size // 4 :: 2], notes[size // 4 + 1 :: 2], strict=False))
    others = iter(notes[size // 3 :])

    with_tasks = iter([n for n in notes[size // 3 :] if "- [ ] send" in n.read_text("utf-8")])

    def point(command: str, *arguments: str, pool=others):
        """A command on a different contact each run (a user works through people)."""
        line = [*base, command, "NAME", *arguments]

        def next_contact() -> None:
            line[len(base) + 1] = next(pool).stem

        return line, next_contact

    rows = []
    for label, (line, before) in (
        ("done NAME", point("done", "article", pool=with_tasks)),
        ("prep NAME", point("prep")),
        ("draft NAME", point("draft", "--for", "update")),
    ):
        rows.append(measured(label, runs, line, before))
    meet = [*base, "meet", "NAME", "--date", "2026-11-21"]
    rows.append(measured("meet NAME", runs, meet, lambda: meet.__setitem__(-3, next(others).stem)))
    rows.append(measured("list", runs, [*base, "list"]))
    rows.append(measured("find, one hit", runs, [*base, "find", name]))
    rows.append(measured("find, a word in every note", runs, [*base, "find", "project"]))
    rows.append(measured("dupes", runs, [*base, "dupes"]))
    rows.append(measured("stats", runs, [*base, "stats"]))
    rows.append(measured("share", runs, [*base, "share", "an article on data engineering"]))
    vcards, calendar = scratch / "all.vcf", scratch / "all.ics"
    rows.append(measured("export vcard", runs, [*base, "export", "vcard", "-o", str(vcards)]))
    rows.append(measured("export ics", runs, [*base, "export", "ics", "-o", str(calendar),
                                              "--today", "2026-11-21"]))  # fmt: skip

    add = [*base, "add", "NAME"]

    def next_name() -> None:
        add[-1] = f"Bench Newcomer {next(fresh)}"

    rows.append(measured("add NAME", runs, add, next_name))
    log = [*base, "log", target.stem, "bench", "--date", "2026-11-21"]
    rows.append(measured("log NAME right after an add", runs, log, lambda: (next_name(),
                                                                          timed(add))))  # fmt: skip
    merge = [*base, "merge", "KEEP", "REMOVE", "--yes"]

    def next_pair() -> None:
        keep, remove = next(pairs)
        merge[-3:-1] = [str(keep), str(remove)]

    rows.append(measured("merge KEEP REMOVE", runs, merge, next_pair))
    show = [*base, "show", target.stem]
    rows.append(measured("show NAME right after a merge", runs, show,
                         lambda: (next_pair(), timed(merge))))  # fmt: skip
    touched = max(1, size // 5)
    rounds = itertools.count(1)
    pull = lambda: touch(notes, touched, next(rounds))  # noqa: E731
    find = [*base, "find", "zanzibar"]  # no hit: selective
    rows.append(measured("find after a fifth of the notes changed", runs, find, pull, True))
    return rows


def import_rows(root: Path, size: int, runs: int, scratch: Path) -> list[tuple]:
    """First import and re-import of vCards and LinkedIn rows (as many as the vault holds,
    up to IMPORTED_CARDS). Run them last: they grow the vault."""
    base, count = [*NETNOTES, "--vault", str(root)], min(size, IMPORTED_CARDS)
    cards_vault = generate(scratch / "cards", count, entries=2, seed=11)
    cards = scratch / "cards.vcf"
    timed([*NETNOTES, "--vault", str(cards_vault), "export", "vcard", "-o", str(cards)])
    shutil.rmtree(cards_vault)
    connections = scratch / "Connections.csv"
    connections.write_text(linkedin_rows(count), encoding="utf-8")
    rows = []
    for label, source in (("import vCards", cards), ("import LinkedIn rows", connections)):
        seconds, peak = timed([*base, "import", str(source)])
        rows.append((f"{label}, first", seconds, peak))
        rows.append(measured(f"{label} again", runs, [*base, "import", str(source)]))
    return rows


def main() -> None:
    from bench.commands import command_rows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    start_launcher()
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory() as folder:
            root = generate(Path(folder) / "vault", size)
            help_row = command_rows(root, size, arguments.runs)[0]
            rows = heavy_rows(root, size, arguments.runs, Path(folder))
            rows += import_rows(root, size, arguments.runs, Path(folder))
        print(f"\n{size} contacts, warm index; median of {arguments.runs} runs")
        print(f"  {'':44}{'median':>9}  {'× --help':>9}  {'peak MB':>8}")
        for label, seconds, memory in [help_row, *rows]:
            print(f"  {label:44}{seconds:>8.3f}s  {seconds / help_row[1]:>9.2f}  {memory:>8}")


if __name__ == "__main__":
    main()
