"""The site, staged beside the old one and swapped in whole."""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import tempfile
import threading
from pathlib import Path

from ..errors import EditionError, Location


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
        self._waiting: list[set[str]] = []  # for each thread that waits (the zip's), the files it still lacks
        self._closing = False  # no more files will come
        self._staging, self._previous = str(self.staging), str(self.site)
        self._own = Stager(self._staging, self._previous)  # where this process stages files
        self._record = record or {}
        self._origins: dict[str, str] = {}  # path → the cached work its bytes came from
        self._recorded: dict[str, tuple[str, tuple]] = {}  # path → (origin, state): see record
        self._committed = False

    def write(self, relative: str, data, source: str, origin: str | None = None) -> None:
        """Stage ``data``: bytes, or a :class:`Streamed` file, made in a thread of its own
        (``commit`` waits for it, and raises what went wrong in it).  ``origin`` names
        the kept work the bytes are (a build cache key: the same key, the same bytes)."""
        key = relative
        self._claim(key, source)
        target = self._own.target(key)
        if isinstance(data, bytes):
            if origin is not None:
                self._origins[key] = origin
            if not self._link_recorded(key, target, origin):
                _stage(target, f"{self._previous}/{key}", data)
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
            old = self._as_recorded(key, origin)
            if old is None:
                return False
            olds.append(old)
        linked = []
        try:
            for key, old in zip(paths, olds):
                target = self._own.target(key)
                os.link(old, target, follow_symlinks=False)
                linked.append(target)
        except OSError:  # changed or gone meanwhile, or links not to be had: none of them, then
            for target in linked:
                os.unlink(target)
            return False
        for key in paths:
            self.written[key] = source  # checked above
            self._origins[key] = origin
            self._recorded[key] = self._record[key]  # the same file, in the state found just now
        self._written_now(paths)
        return True

    def stager(self) -> "Stager":
        """What stages a build's files from another process (a worker forked from this
        one), to be claimed here then (:meth:`staged`)."""
        return Stager(self._staging, self._previous)

    def staged(self, paths: list[str], source: str, origin: str | None = None) -> None:
        """Claim the files at ``paths``, staged already by this writer's :meth:`stager`
        (their bytes made from the kept work ``origin``, when they are)."""
        for key in paths:
            self._claim(key, source)
            if origin is not None:
                self._origins[key] = origin
        self._written_now(paths)

    def _check(self, key: str, source: str) -> None:
        _plain(key)
        if key in self.written:
            raise EditionError(
                Location(source),
                f"would write {self.site.name}/{key} a second time (it was written for {self.written[key]})",
            )

    def _claim(self, key: str, source: str) -> None:
        self._check(key, source)
        self.written[key] = source

    def _written_now(self, keys) -> None:
        with self._change:
            self._present.update(keys)
            done = False
            for missing in self._waiting:
                if not missing.isdisjoint(keys):
                    missing.difference_update(keys)
                    done = done or not missing
            if done:
                self._change.notify_all()

    def _link_recorded(self, key: str, target: str, origin: str | None) -> bool:
        """Link ``target`` to the previous site's file at the same path if the build that
        made that site wrote it from the same kept work, and the file is as that build
        left it (:func:`_signature`): then its bytes are these, unread."""
        old = self._as_recorded(key, origin)
        if old is None:
            return False
        try:
            os.link(old, target, follow_symlinks=False)
        except OSError:
            return False
        self._recorded[key] = self._record[key]
        return True

    def _as_recorded(self, key: str, origin: str | None) -> str | None:
        """The previous site's file at ``key`` if the build that made it wrote it from the
        kept work ``origin`` and it is as that build left it (:func:`_signature`)."""
        recorded = self._record.get(key)
        if origin is None or recorded is None or recorded[0] != origin:
            return None
        old = f"{self._previous}/{key}"
        try:
            return old if _signature(os.lstat(old)) == recorded[1] else None
        except OSError:
            return None

    def record(self) -> dict[str, tuple[str, tuple]]:
        """Each file written so far from kept work, with that work's name and the file's
        state (for the next build's :meth:`_link_recorded`).  A file linked from the
        previous site is in the state found when it was linked; another's is taken once,
        where it is staged or, after :meth:`commit`, in the site (the swap renames the
        folder and removes the old site: neither moves what :func:`_signature` holds), so
        that most can be taken while the build waits for its last files."""
        folder = self._previous if self._committed else self._staging
        for key, origin in self._origins.items():
            if key not in self._recorded:
                try:
                    self._recorded[key] = (origin, _signature(os.lstat(f"{folder}/{key}")))
                except OSError:
                    continue
        return dict(self._recorded)

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

    def wait_for(self, *relatives: str) -> None:
        """Wait until these files of this build are written: the zip is made from the
        documents' files, in a thread of its own, while the documents are written.  A
        thread waiting for many files at once is woken once, when the last of them is
        written (woken for each document, the zip's thread took the interpreter from the
        building thread a thousand times in a rebuild, and made it twice as slow to link
        the kept files)."""
        with self._change:
            missing = {r for r in relatives if r not in self._present}
            if missing and not self._closing:
                self._waiting.append(missing)
                try:
                    while missing and not self._closing:
                        self._change.wait()
                finally:  # by identity: another thread may lack the same files
                    self._waiting = [m for m in self._waiting if m is not missing]
            for relative in relatives:
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
        self._committed = True
        if old is not None:
            shutil.rmtree(old)

    def abandon(self) -> None:
        try:
            self._wait()
        except BaseException:  # noqa: BLE001 - the build is failing already, for its own reason
            pass
        shutil.rmtree(self.staging, ignore_errors=True)


class Stager:
    """Stages files in a build's folder, in any process that shares the file system: each
    is a new file (never one there already: a link to the previous site is never written
    into), or a link to the previous site's file at the same path if that holds these very
    bytes.  The documents' pages are staged by the processes that render them, so that
    their bytes are not sent back to the building process, which then claims them
    (:meth:`SiteWriter.staged`: a path claimed twice is refused there)."""

    def __init__(self, staging: str, previous: str):
        self._staging, self._previous = staging, previous
        self._folders: set[str] = set()  # made already, by this process

    def stage(self, files) -> None:
        """Stage each (relative path, bytes)."""
        for key, data in files:
            _plain(key)
            _stage(self.target(key), f"{self._previous}/{key}", data)

    def target(self, key: str) -> str:
        """Where ``key`` (a plain relative path) is staged, its folder made."""
        folder, _, _ = key.rpartition("/")
        if folder not in self._folders:
            os.makedirs(os.path.join(self._staging, folder), exist_ok=True)
            self._folders.add(folder)
        return f"{self._staging}/{key}"


def _plain(key: str) -> None:
    # the site's paths are made by ``urls``, normalised: anything else is a bug, not user input
    if key.startswith("/") or ".." in key.split("/") or posixpath.normpath(key) != key:
        raise ValueError(f"output path outside the site, or not in its plain form: {key}")


def _stage(target: str, old: str, data: bytes) -> None:
    """``data`` at ``target``: linked to ``old`` if that holds these bytes, else written
    to a new file (opened ``xb``: a file there already is a bug, and an error)."""
    if not _link_unchanged(old, target, data):
        with open(target, "xb") as handle:
            handle.write(data)


def _link_unchanged(old: str, target: str, data: bytes) -> bool:
    """Link ``target`` to the previous site's file ``old`` if it holds these very bytes
    (a plain file, compared whole: a file changed by hand is written anew)."""
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


def _signature(st: os.stat_result) -> tuple:
    """What shows that a file is the one a build left: the same inode, of the same size,
    not written since (a write moves its modification time).  Its change time is left
    out: the links a build makes and removes (its staging folder if it fails, the old
    site after the swap) move it on every file they share, and with it in, a failed
    build made the next one render every document again."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, stat.S_ISREG(st.st_mode))
