"""The only module that writes files.

Every output is written atomically (a temporary file beside the target, then
``os.replace``), and a :class:`SiteWriter` fills a fresh folder beside the
site that replaces the old site only when the whole build has succeeded; a
failed build leaves the previous site exactly as it was.  Writing one path
twice in a build is a bug in the inputs or the program, and is refused.  A
file whose bytes the previous site has already, at the same path, is linked to
it rather than written again: nothing here ever writes into an existing file,
so the two sites can share it, and a rebuild after a small change writes only
what changed.

What a build keeps on disk while it runs, so as not to hold it in memory, is
here too: a :class:`Spool` of byte chunks, a :class:`Shelf` of documents, a
:class:`Scratch` folder for Pagefind, the build cache's :class:`CacheStore`.
"""

from __future__ import annotations

import os
import pickle
import posixpath
import shutil
import stat
import tempfile
import threading
from pathlib import Path

from .errors import EditionError, Location


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

    def put(self, key: str, value) -> None:
        self.add(key, self.pack(value))

    def take(self, key: str):
        return pickle.loads(self.get(key))


class SiteWriter:
    """Collects a build in ``<site>.tmp-…`` and swaps it in on :meth:`commit`."""

    def __init__(self, site: str | Path, record: dict | None = None):
        """``record``: what the build that made the current site wrote (:meth:`record`)."""
        self.site = Path(site)
        self.site.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f"{self.site.name}.tmp-", dir=self.site.parent))
        os.chmod(self.staging, 0o755)  # mkdtemp makes it private; a site is for reading
        self.written: dict[str, str] = {}  # relative path → what produced it
        self._making: list[tuple[threading.Thread, list]] = []  # the Streamed files being made
        self._present: set[str] = set()  # the files whose bytes are written
        self._change = threading.Condition()
        self._wanted: dict[str, int] = {}  # files a thread waits for (the zip's), by how many: told when written
        self._closing = False  # no more files will come
        self._folders: set[str] = set()  # made already
        self._staging, self._previous = str(self.staging), str(self.site)
        self._record = record or {}
        self._origins: dict[str, str] = {}  # path → the cached work its bytes came from

    def write(self, relative: str, data, source: str, origin: str | None = None) -> None:
        """Stage ``data``: bytes, or a :class:`Streamed` file, made in a thread of its own
        (``commit`` waits for it, and raises what went wrong in it).  ``origin`` names
        the kept work the bytes are (a build cache key: the same key, the same bytes)."""
        key = relative
        self._claim(key, source)
        target = self._target(key)
        if isinstance(data, bytes):
            if origin is not None:
                self._origins[key] = origin
            if not (self._link_recorded(key, target, origin) or self._link_unchanged(key, target, data)):
                # a new file, never one there already: a link to the previous site is never written into
                with open(target, "xb") as handle:
                    handle.write(data)
            self._written_now([key])
            return
        failed: list[BaseException] = []

        def make() -> None:
            try:
                with open(target, "xb") as handle:
                    data.write_to(handle)
            except BaseException as exc:  # noqa: BLE001 - re-raised by _wait, in the building thread
                failed.append(exc)

        thread = threading.Thread(target=make, name=f"write {key}", daemon=True)
        thread.start()
        self._making.append((thread, failed))

    def link_kept(self, paths: list[str], source: str, origin: str) -> bool:
        """Stage the files at ``paths`` as the previous site has them, if the build that
        made that site wrote every one of them from the kept work ``origin`` and each is
        as that build left it (:meth:`_link_recorded`); otherwise stage none of them and
        say so (their bytes must then be made again)."""
        olds = []
        for key in paths:
            self._check(key, source)
            recorded = self._record.get(key)
            if recorded is None or recorded[0] != origin:
                return False
            old = f"{self._previous}/{key}"
            try:
                if _signature(os.lstat(old)) != recorded[1]:
                    return False
            except OSError:
                return False
            olds.append(old)
        linked = []
        try:
            for key, old in zip(paths, olds):
                target = self._target(key)
                os.link(old, target, follow_symlinks=False)
                linked.append(target)
        except OSError:  # changed or gone meanwhile, or links not to be had: none of them, then
            for target in linked:
                os.unlink(target)
            return False
        for key in paths:
            self.written[key] = source  # checked above
            self._origins[key] = origin
        self._written_now(paths)
        return True

    def _check(self, key: str, source: str) -> None:
        # the site's paths are made by ``urls``, normalised: anything else is a bug, not user input
        if key.startswith("/") or ".." in key.split("/") or posixpath.normpath(key) != key:
            raise ValueError(f"output path outside the site, or not in its plain form: {key}")
        if key in self.written:
            raise EditionError(
                Location(source),
                f"would write {self.site.name}/{key} a second time (it was written for {self.written[key]})",
            )

    def _claim(self, key: str, source: str) -> None:
        self._check(key, source)
        self.written[key] = source

    def _target(self, key: str) -> str:
        """Where ``key`` (a plain relative path: :meth:`_check`) is staged, its folder made."""
        folder, _, _ = key.rpartition("/")
        if folder not in self._folders:
            os.makedirs(os.path.join(self._staging, folder), exist_ok=True)
            self._folders.add(folder)
        return f"{self._staging}/{key}"

    def _written_now(self, keys) -> None:
        with self._change:
            self._present.update(keys)
            if self._wanted and any(key in self._wanted for key in keys):
                self._change.notify_all()

    def _link_recorded(self, key: str, target: str, origin: str | None) -> bool:
        """Link ``target`` to the previous site's file at the same path if the build that
        made that site wrote it from the same kept work, and the file is as that build
        left it (its inode's change time moves with any write or change of it): then its
        bytes are these, unread."""
        if origin is None or self._record.get(key, (None,))[0] != origin:
            return False
        old = os.path.join(self._previous, key)
        try:
            if _signature(os.lstat(old)) != self._record[key][1]:
                return False
            os.link(old, target, follow_symlinks=False)
        except OSError:
            return False
        return True

    def record(self) -> dict[str, tuple[str, tuple]]:
        """After :meth:`commit`: each file written from kept work, with that work's name and
        the file's state now (for the next build's :meth:`_link_recorded`)."""
        out = {}
        for key, origin in self._origins.items():
            try:
                out[key] = (origin, _signature(os.lstat(os.path.join(self._previous, key))))
            except OSError:
                continue
        return out

    def _link_unchanged(self, key: str, target: str, data: bytes) -> bool:
        """Link ``target`` to the previous site's file at the same path if it holds these
        very bytes (a plain file, compared whole: a file changed by hand is written anew)."""
        old = os.path.join(self._previous, key)
        try:
            fd = os.open(old, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:  # none there (or a link, which is not followed)
            return False
        try:
            st = os.fstat(fd)
            # one read of one byte more than it should hold: a file that grew meanwhile differs
            if not stat.S_ISREG(st.st_mode) or st.st_size != len(data) or os.read(fd, len(data) + 1) != data:
                return False
            os.link(old, target, follow_symlinks=False)
        except OSError:  # a file system without links: written instead
            return False
        finally:
            os.close(fd)
        return True

    def _wait(self) -> None:
        """Wait for the files being made (no other file comes now); raise the first thing
        that went wrong in one."""
        with self._change:
            self._closing = True
            self._change.notify_all()
        making, self._making = self._making, []
        for thread, _ in making:
            thread.join()
        for _, failed in making:
            if failed:
                raise failed[0]

    def wait_for(self, relative: str) -> None:
        """Wait until a file of this build is written: the zip is made from the documents'
        files, in a thread of its own, while the documents are written."""
        with self._change:
            self._wanted[relative] = self._wanted.get(relative, 0) + 1
            try:
                while relative not in self._present and not self._closing:
                    self._change.wait()
            finally:
                self._wanted[relative] -= 1
                if not self._wanted[relative]:
                    del self._wanted[relative]
        if relative not in self._present:
            raise KeyError(relative)  # a bug: only this build's own files are read back

    def read(self, relative: str) -> bytes:
        """A file of this build, once it is written (see :meth:`wait_for`)."""
        self.wait_for(relative)
        return (self.staging / relative).read_bytes()

    def commit(self) -> None:
        self._wait()
        old = None
        if self.site.exists():
            old = self.site.with_name(f"{self.site.name}.old-{os.getpid()}")
            os.replace(self.site, old)
        os.replace(self.staging, self.site)
        if old is not None:
            shutil.rmtree(old)

    def abandon(self) -> None:
        try:
            self._wait()
        except BaseException:  # noqa: BLE001 - the build is failing already, for its own reason
            pass
        shutil.rmtree(self.staging, ignore_errors=True)


def _signature(st: os.stat_result) -> tuple:
    """What shows that a file is the one it was: the same inode, untouched since."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, stat.S_ISREG(st.st_mode))


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
                self._index = {k: v for k, v in index.items()
                               if isinstance(k, str) and isinstance(v, tuple) and len(v) == 3}
        return self._index

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
