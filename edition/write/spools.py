"""What a build keeps on disk while it runs, so as not to hold it in memory."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path


class Spool:
    """A private temporary file of byte chunks, each kept under a key and read back
    later: for a file that must be written in another order than it is made in (the
    anchors manifest is sorted by page), or the documents of a build, without holding
    them all in memory.  Chunks are read by position, so that the processes forked
    from the building one can read it too (they share the file, not its offset)."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(prefix="edition-spool-", buffering=0)
        self._end = 0
        self._where: dict[str, tuple[int, int]] = {}

    def add(self, key: str, data: bytes) -> None:
        if key in self._where:
            raise ValueError(f"spooled twice: {key}")  # a bug: each key is made once
        view = memoryview(data)
        while view:
            view = view[os.pwrite(self._file.fileno(), view, self._end + len(data) - len(view)):]
        self._where[key] = (self._end, len(data))
        self._end += len(data)

    def keys(self) -> list[str]:
        return list(self._where)

    def get(self, key: str) -> bytes:
        offset, size = self._where[key]
        return os.pread(self._file.fileno(), size, offset)

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Scratch:
    """A private temporary folder for a program the build runs (Pagefind reads its pages
    from one and writes its bundle into it); removed by :meth:`close`."""

    def __init__(self, prefix: str):
        self._tmp = tempfile.TemporaryDirectory(prefix=prefix)
        self.folder = Path(self._tmp.name)

    def write(self, relative: str, data: bytes) -> None:
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def close(self) -> None:
        self._tmp.cleanup()


class Shelf(Spool):
    """Objects in a spool, pickled: the documents of a build, each read back by the
    process that renders it (:meth:`add` takes one pickled already, as the process that
    read the seed pickled it)."""

    @staticmethod
    def pack(value) -> bytes:
        """``value`` as the shelf keeps it (for :meth:`add`, in whichever process)."""
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def unpack(packed: bytes):
        """What :meth:`pack` packed."""
        return pickle.loads(packed)

    def put(self, key: str, value) -> None:
        self.add(key, self.pack(value))

    def take(self, key: str):
        return self.unpack(self.get(key))
