"""A seeded generator of synthetic vaults for benchmarks.

    python -m bench.generate DIR --contacts 10000 --entries 20

The same seed gives the same vault, byte for byte. Generated vaults are
output: never commit them (bench/out/ is ignored).
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

FIRST = [
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Eun",
    "Femi",
    "Gus",
    "Hana",
    "Ivan",
    "Jill",
    "Kofi",
    "Lena",
    "Marta",
    "Nils",
    "Omar",
    "Priya",
]
LAST = [
    "Moreno",
    "Shah",
    "Ortiz",
    "Kowalska",
    "Becker",
    "Haddad",
    "Liu",
    "Patel",
    "Fischer",
    "Rahman",
    "Costa",
    "Núñez",
]
KINDS = ["coffee", "email", "call", "lunch", "meeting", "linkedin", "dinner", None]
ARROWS = ["-> ", "<- ", "", ""]
TAGS = ["pr", "data", "inner", "classmate", "investor", "mentor", "engineering", "recruiter"]
TODAY = date(2026, 11, 21)


def note(rng: random.Random, number: int, entries: int, *, broken: bool) -> str:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {number}"
    front = [f"name: {name}", f"company: Company {rng.randrange(500)}",
             f"tags: [{', '.join(rng.sample(TAGS, rng.randrange(0, 3)))}]"]  # fmt: skip
    if rng.random() < 0.5:
        front.append(f"cadence: {rng.choice(['2 weeks', '1 month', '3 months', '6 months'])}")
    if rng.random() < 0.3:
        front.append(f"birthday: {rng.randrange(1, 13):02}-{rng.randrange(1, 29):02}")
    if broken:
        front.append("company: Acme: Inc")  # a YAML error
    body = [f"# {name}", "", "Met at a conference. Likes long walks and short emails.", ""]
    if rng.random() < 0.3:
        due = TODAY + timedelta(days=rng.randrange(-20, 30))
        body += ["## Next", f"- [ ] send the article 📅 {due.isoformat()}", "- [x] intro done", ""]
    day = TODAY - timedelta(days=rng.randrange(0, 30))
    log = []
    for _ in range(entries):
        kind = rng.choice(KINDS)
        label = f"{kind}: " if kind else ""
        text = f"talked about project {rng.randrange(99)}"
        log.append(f"- {day.isoformat()} {rng.choice(ARROWS)}{label}{text}")
        day -= timedelta(days=rng.randrange(3, 40))
    body += ["## Log", *log, ""]
    if rng.random() < 0.1:
        body += ["### 2026-10-01 Coffee at Blue Bottle", "", "- notes from the meeting", ""]
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n".join(body)


def generate(target: Path, contacts: int, entries: int = 20, seed: int = 7,
             broken_share: float = 0.002, dated: int = 0) -> Path:  # fmt: skip
    """A vault of `contacts` notes, and `dated` meeting and daily notes that link them."""
    rng = random.Random(seed)
    (target / "contacts").mkdir(parents=True, exist_ok=True)
    (target / "netnotes.toml").write_text('[cadence.tags]\ninner = "1 month"\n')
    names = []
    for number in range(contacts):
        folder = target / "contacts" / f"group{number % 20:02}"
        folder.mkdir(exist_ok=True)
        text = note(rng, number, entries, broken=rng.random() < broken_share)
        names.append(text.split("\n", 2)[1].removeprefix("name: "))
        (folder / f"contact-{number:06}.md").write_text(text, encoding="utf-8")
    if dated:
        generate_dated(target, names, dated, rng)
    return target


def generate_dated(target: Path, names: list[str], count: int, rng: random.Random) -> None:
    """Half meeting notes (attendees in the front matter, notes below), half daily notes
    (a few list items, some linking a contact by name or file name, some a project)."""
    (target / "meetings").mkdir(exist_ok=True)
    (target / "daily").mkdir(exist_ok=True)
    for number in range(count):
        day = TODAY - timedelta(days=number // 2)
        people = rng.sample(range(len(names)), k=rng.randrange(1, 4))
        if number % 2 == 0:
            links = ", ".join(f'"[[{names[p]}]]"' for p in people)
            title = f"Meeting {number} about project {rng.randrange(99)}"
            text = (f"---\ndate: {day.isoformat()}\ntype: {rng.choice(KINDS[:5])}\n"
                    f"attendees: [{links}]\n---\n\n# {title}\n\n"
                    f"- agreed to share the deck with [[Project {rng.randrange(50)}]]\n"
                    f"- next steps by Friday\n")  # fmt: skip
            (target / "meetings" / f"{day.isoformat()} {title}.md").write_text(text)
        else:
            lines = [f"- lunch with [[contact-{p:06}|{names[p]}]]" for p in people]
            lines += [f"- worked on [[Project {rng.randrange(50)}]]", "- read two chapters"]
            text = f"# {day.isoformat()}\n\n" + "\n".join(lines) + "\n"
            (target / "daily" / f"{day.isoformat()}-{number}.md").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dated", type=int, default=0, help="meeting and daily notes")
    arguments = parser.parse_args()
    generate(arguments.target, arguments.contacts, arguments.entries, arguments.seed,
             dated=arguments.dated)  # fmt: skip


if __name__ == "__main__":
    main()
