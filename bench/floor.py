"""The floor: list the contacts folder and read every note's bytes, nothing more.

python -m bench.floor VAULT
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    total = 0
    for folder, _, files in os.walk(os.path.join(sys.argv[1], "contacts")):
        for name in files:
            if name.endswith(".md"):
                with open(os.path.join(folder, name), "rb") as handle:
                    total += len(handle.read())
    print(total)


if __name__ == "__main__":
    main()
