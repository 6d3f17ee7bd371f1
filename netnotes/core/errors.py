"""The one fatal error type. The CLI catches it once and prints its message.

Problems in notes are not errors: they are `model.Problem` values collected
along the pipeline. This is for what stops a command: no vault, a config that
cannot be used, a refused edit.
"""

from __future__ import annotations


class NetnotesError(Exception):
    """A failure the user can fix; its message says how. `exit_code` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
