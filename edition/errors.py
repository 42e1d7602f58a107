"""Errors a user can act on.

Every problem in the user's input becomes an :class:`EditionError` that names the
place (``path:line:col``).  The CLI prints those and exits 1; any other exception
is a bug in the program and is allowed to show its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in an input file; line and column count from 1."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class EditionError(Exception):
    """A problem with the user's input, reported as ``path:line:col: error: message``."""

    def __init__(self, location: Location, message: str):
        super().__init__(f"{location}: error: {message}")
        self.location = location
        self.message = message

    def __reduce__(self):  # so that an error raised in a worker process reaches the CLI whole
        return (type(self), (self.location, self.message))


def warning_text(location: Location, message: str) -> str:
    """The one format for warnings, shaped like errors (as compilers and Sphinx do)."""
    return f"{location}: warning: {message}"
