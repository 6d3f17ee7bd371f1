"""The floors: what any tool must pay, with nothing of netnotes in it.

python -m bench.floor VAULT          list the contacts folder, read every note
python -m bench.floor VAULT --stat   list the contacts folder, stat every note
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    root, only_stat = sys.argv[1], "--stat" in sys.argv[2:]
    total = 0
    for folder, _, files in os.walk(os.path.join(root, "contacts")):
        for name in files:
            if name.endswith(".md"):
                path = os.path.join(folder, name)
                if only_stat:
                    total += os.stat(path).st_size
                    continue
                with open(path, "rb") as handle:
                    total += len(handle.read())
    print(total)


if __name__ == "__main__":
    main()
