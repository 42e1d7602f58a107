"""A file written whole or not at all, and a file too large to hold: made as it is written."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path


def write_file(path: str | Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that the file is either old or new, never half
    (``durable``: on disk before it replaces the old one; a cache need not wait)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Streamed:
    """A file too large to hold in memory: ``write_to`` makes it into the open output
    file.  The site writer makes it in a thread of its own (compressing and serialising
    leave the interpreter free meanwhile), so its :attr:`size` waits until it is made."""

    def __init__(self, produce):
        self._produce = produce
        self._size: int | None = None
        self._done = threading.Event()

    def write_to(self, handle) -> None:
        try:
            self._produce(handle)
            self._size = handle.tell()
        finally:
            self._done.set()

    @property
    def size(self) -> int:
        self._done.wait()
        if self._size is None:
            raise RuntimeError("the file could not be made")  # its error is raised by the writer's commit
        return self._size
