"""The build cache's folder: packs of entries and an index of them."""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path

from .files import write_file


class CacheStore:
    """The build cache's folder.

    An entry named by its content (its key is a digest of everything it was made
    from) is never rewritten, only forgotten: those are appended to pack files, the
    entries a build makes to a pack of its own, and an index says where each stands.
    The index is written (atomically) when the build ends, by :meth:`keep_only` or
    :meth:`save`: until then the previous index holds, and a pack it does not name is
    left over from a build that did not end, removed by the next.  So a build makes a
    few files rather than one per entry (making a file is most of what keeping a
    small entry costs).  An entry that every build rewrites (:meth:`replace`: the
    site's record, the templates) is a file of its own.  An entry that cannot be read
    is reported as missing, and its work is done again.
    """

    INDEX = "index"
    _PACK = "pack-"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._index: dict[str, tuple[str, int, int]] | None = None  # key → (pack, offset, size), read at first use
        self._changed = False
        self._readers: dict[str, int] = {}  # pack → open descriptor
        self._pack: tuple[int, str, int] | None = None  # this process's pack: (pid, name, descriptor)
        self._end = 0
        self._lock = threading.Lock()

    def _entries(self) -> dict[str, tuple[str, int, int]]:
        if self._index is None:
            self._index = {}
            try:
                index = pickle.loads((self.folder / self.INDEX).read_bytes())
            except Exception:  # none yet, or damaged: nothing kept
                index = {}
            if isinstance(index, dict):
                self._index = {k: v for k, v in index.items() if isinstance(k, str) and self._place(v)}
        return self._index

    def _place(self, where) -> bool:
        """Whether ``where`` is a place in a pack, as this store writes them."""
        return (isinstance(where, tuple) and len(where) == 3 and isinstance(where[0], str)
                and where[0].startswith(self._PACK) and "/" not in where[0]
                and all(isinstance(n, int) and n >= 0 for n in where[1:]))

    def keys(self) -> list[str]:
        """Every entry: those in packs, and those of their own."""
        own = [p.name for p in self.folder.iterdir() if p.is_file() and self._own(p.name)] if self.folder.is_dir() else []
        return sorted([*self._entries(), *own])

    def _own(self, name: str) -> bool:
        return name != self.INDEX and not name.startswith((self._PACK, "."))

    def get(self, key: str) -> bytes | None:
        where = self._entries().get(key)
        if where is None:
            try:
                return (self.folder / key).read_bytes() if self._own(key) else None
            except OSError:
                return None
        pack, offset, size = where
        try:
            fd = self._readers.get(pack)
            if fd is None:
                fd = self._readers[pack] = os.open(self.folder / pack, os.O_RDONLY)
            data = os.pread(fd, size, offset)
        except OSError:
            return None
        return data if len(data) == size else None

    def has(self, key: str) -> bool:
        return key in self._entries() or (self._own(key) and (self.folder / key).is_file())

    def discard(self, key: str) -> None:
        if self._entries().pop(key, None) is not None:
            self._changed = True
        elif self._own(key):
            (self.folder / key).unlink(missing_ok=True)

    def put(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (once: a key names its content), at the end of
        this process's pack; not synced, a cache need not wait for the disk."""
        with self._lock:
            if key not in self._entries():
                self._index[key] = self._append(data)
                self._changed = True

    def _append(self, data: bytes) -> tuple[str, int, int]:
        """``data`` at the end of this process's pack: where it stands."""
        name, fd = self._own_pack()
        start, view = self._end, memoryview(data)
        while view:
            view = view[os.pwrite(fd, view, start + len(data) - len(view)):]
        self._end += len(data)
        return name, start, len(data)

    def _own_pack(self) -> tuple[str, int]:
        # per process: a process forked from the building one makes a pack of its own
        if self._pack is None or self._pack[0] != os.getpid():
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{self._PACK}{os.getpid()}-{os.urandom(6).hex()}"
            fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            self._pack, self._end = (os.getpid(), name, fd), 0
        return self._pack[1], self._pack[2]

    def replace(self, key: str, data: bytes) -> None:
        """Write the entry under ``key`` anew, as a file of its own (an entry every build
        rewrites: the record of the site the last build made)."""
        if not self._own(key):
            raise ValueError(f"not a name for an entry of its own: {key}")  # a bug
        write_file(self.folder / key, data, durable=False)

    def save(self) -> None:
        """Write the index, if this build changed it (the entries it put stay reachable)."""
        if self._changed and self._index is not None:
            write_file(self.folder / self.INDEX, pickle.dumps(self._index, pickle.HIGHEST_PROTOCOL), durable=False)
            self._changed = False

    def keep_only(self, keys: set[str]) -> None:
        """Forget every entry but ``keys``; a pack less than half of which is still kept
        has those entries copied to this build's pack, so that the cache does not grow."""
        if not self.folder.is_dir():
            return
        index = self._entries()
        kept = {k: v for k, v in index.items() if k in keys}
        self._changed = self._changed or len(kept) != len(index)
        live: dict[str, int] = {}
        for pack, _, size in kept.values():
            live[pack] = live.get(pack, 0) + size
        own = self._pack[1] if self._pack is not None and self._pack[0] == os.getpid() else None
        for pack, size in live.items():
            try:
                total = os.stat(self.folder / pack).st_size
            except OSError:
                continue  # gone: its entries cannot be read, and are made again
            if pack != own and size * 2 < total:
                for key in [k for k, (p, _, _) in kept.items() if p == pack]:
                    data = self.get(key)
                    del kept[key]
                    if data is not None:
                        kept[key] = self._append(data)
                self._changed = True
        self._index = kept
        self.save()
        named = {p for p, _, _ in self._index.values()}
        for path in self.folder.iterdir():
            name = path.name
            gone = name not in named if name.startswith(self._PACK) else (name not in keys and name != self.INDEX)
            if gone and path.is_file():
                path.unlink(missing_ok=True)

    def close(self) -> None:
        for fd in self._readers.values():
            os.close(fd)
        self._readers = {}
        if self._pack is not None and self._pack[0] == os.getpid():
            os.close(self._pack[2])
        self._pack = None
