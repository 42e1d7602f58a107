"""Running Pagefind (the program ``pagefind[bin]`` installs) over the search pages.

Pagefind reads pages and writes its bundle into folders of its own; both are
in a private temporary folder (``write.Scratch``; the pages it reads are made for it, see
``page_html``), and the bundle's bytes are handed back, so that ``write`` stays the
only module that writes the site (and the bundle joins the atomic swap).  Each
page goes to that folder as soon as it is made, with its row of the fallback
index, so that the build never holds the text of the whole edition in memory.
Pagefind's own ready-made interfaces are left out: the search page has its
own, which knows about paragraphs and filters.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import importlib
import os
import pickle
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

from . import pagefind_stable
from .errors import EditionError, Location
from .search import FallbackIndex, SearchPage, sections_json
from .write import Scratch, Spool, Streamed

LEFT_OUT = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
            "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def pagefind_program() -> str | None:
    """Pagefind's program, found where ``pagefind.service.get_executable`` looks for it, in
    its order: ``PAGEFIND_BINARY_PATH``, the packages ``pagefind_bin_extended`` and
    ``pagefind_bin`` (which ``pagefind[bin]`` installs), then the ``PATH``.  (Importing the
    service itself loads asyncio, 30 ms of an incremental build spent before Pagefind can start.)"""
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given:
        return given
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return str(importlib.import_module(package).get_executable())
        except (ImportError, FileNotFoundError):  # not installed, or installed without its program
            continue
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


def page_html(page: SearchPage) -> str:
    """The page as Pagefind is to see it: a title, the filters (outside the indexed
    body, so that they are not searched as words), and one ``h2`` with the
    anchor's id before each section, which makes each section a sub-result."""
    e = html.escape
    filters = "".join(f'<span data-pagefind-filter="{e(name)}">{e(value)}</span>\n'
                      for name, values in page.filters for value in values)
    sections = "".join(f'<h2 id="{e(s.anchor)}">{e(s.label)}</h2>\n<p>{e(s.content)}</p>\n' for s in page.sections)
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{t}</title></head><body>\n'
            '<div hidden>\n{f}</div>\n<main data-pagefind-body>\n<h1 data-pagefind-meta="title">{t}</h1>\n{s}</main>\n'
            '</body></html>\n').format(t=e(page.title), f=filters, s=sections)


@dataclass(frozen=True)
class Prepared:
    """A search page as :class:`Indexing` takes it: the page for Pagefind and the JSON of
    its sections (for its row of the fallback index) made already, by the process that
    rendered the page (and kept with it in the build cache); the page itself without
    its sections, which they hold; the SHA-256 of the page for Pagefind (for the digest
    of its part, which the building process then need not hash the page for)."""

    page: SearchPage
    html: bytes
    sections: bytes
    digest: bytes


def prepare(page: SearchPage) -> Prepared:
    data = page_html(page).encode("utf-8")
    return Prepared(dataclasses.replace(page, sections=()), data, sections_json(page), hashlib.sha256(data).digest())


def published(files: list[tuple[str, bytes]], primary: bool) -> list[tuple[str, bytes]]:
    """The files of a part's bundle that the site carries: all of the first part's; of a
    part merged into it, its index only (the first part's script and WebAssembly serve all)."""
    if primary:
        return files
    return [(path, data) for path, data in files
            if path not in ("pagefind.js", "pagefind-worker.js") and not path.startswith("wasm.")]


class Indexing:
    """Pagefind's own program (found as its Python package finds it) run over the pages
    made for it, one run per part of the index (``SearchPage.shard``): each page is
    given with :meth:`add` as it is made; once a part has all its pages, :meth:`complete`
    takes the bundle a previous build made of the same pages, or has Pagefind index the
    part, in a thread of its own that runs one part after another, so that the build
    goes on with its other pages and files meanwhile; :meth:`bundles` collects them.
    (Pagefind's Python service would answer each request only after a 0.1 s pause and
    need a thread of its own beside a caller's event loop.)"""

    def __init__(self, language: str, where: Location):
        self.language = language
        self.where = where
        self._scratch: Scratch | None = Scratch("edition-search-")  # pages/ for Pagefind, bundle/ from it
        self._fallback = FallbackIndex()
        self._rows = Spool()  # what each page's row of the fallback index is made of, in the order added
        self._places: list[tuple[tuple, int]] = []  # (place, order added) of each row
        self._pages = Spool()  # each page as Pagefind is to read it, until its part is known to need it
        self._paths: dict[str, list[tuple[str, str]]] = {}  # part → (spool key, page path)
        self._digests: dict[str, "hashlib._Hash"] = {}  # part → digest of its pages
        self._complete: set[str] = set()
        self._known: dict[str, list[tuple[str, bytes]]] = {}
        self._queue: queue.Queue = queue.Queue()  # the parts for Pagefind, then None
        self._run: subprocess.Popen | None = None
        self._failed: str | None = None
        self._stopping = False
        self._watch: threading.Thread | None = None
        self._started: float | None = None
        self.pages = 0  # added so far
        self.anew = 0  # parts given to Pagefind
        self.seconds = 0.0  # from Pagefind's first run to the end of its last

    def add(self, page: SearchPage | Prepared, place: tuple = ()) -> None:
        """A page to index (and its row of the fallback index, which has the rows by their
        ``place``, then in the order they came), kept on disk until its part is
        :meth:`complete`.  A part's pages must come in their order."""
        prepared = page if isinstance(page, Prepared) else prepare(page)
        page, data = prepared.page, prepared.html
        if page.shard in self._complete:
            raise ValueError(f"a page for a part already complete: {page.path}")  # a bug
        self._pages.add(str(self.pages), data)
        self._paths.setdefault(page.shard, []).append((str(self.pages), page.path))
        digest = self._digests.setdefault(page.shard, hashlib.sha256(self.language.encode()))
        digest.update(page.path.encode() + b"\0" + prepared.digest)
        # its row is made when the script is, the rows in their places (filter values are numbered as they come)
        self._rows.add(str(self.pages), pickle.dumps((page.path, page.title, page.filters, prepared.sections)))
        self._places.append((place, self.pages))
        self.pages += 1

    def shards(self) -> list[str]:
        """Every part, in order: the first is the primary."""
        return sorted(self._digests)

    def incomplete(self) -> list[str]:
        return [shard for shard in self.shards() if shard not in self._complete]

    def complete(self, shard: str, known) -> None:
        """The part has all its pages: ``known(part, digest of its pages)`` gives the bundle
        a previous build made of the same pages, or None, and then Pagefind indexes it."""
        self._complete.add(shard)
        files = known(shard, self._digests[shard].hexdigest())
        if files is not None:
            self._known[shard] = files
            return
        program = self._program()
        for key, path in self._paths[shard]:  # where Pagefind reads them
            self._scratch.write(f"pages/{shard}/{path}", self._pages.get(key))
        self.anew += 1
        self._queue.put(shard)
        if self._watch is None:
            self._watch = threading.Thread(target=self._index, args=(program,), daemon=True)
            self._watch.start()

    def _program(self) -> str:
        program = pagefind_program()
        if program is None:
            raise EditionError(self.where, "the search index needs Pagefind: pip install 'pagefind[bin]'"
                                           " (or set search = false in [edition])")
        return program

    def _index(self, program: str) -> None:
        tmp = self._scratch.folder
        self._started = time.perf_counter()
        while (shard := self._queue.get()) is not None:
            if self._stopping or self._failed is not None:
                continue  # emptied until the end is signalled
            try:
                self._run = subprocess.Popen(
                    [program, "--site", str(tmp / "pages" / shard), "--output-path", str(tmp / "bundle" / shard),
                     "--force-language", self.language, "--silent"],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp)
            except OSError as exc:
                self._failed = str(exc)
                continue
            out, err = self._run.communicate()
            if self._run.returncode != 0 and not self._stopping:
                said = ((err or "").strip() or (out or "").strip()).splitlines()
                self._failed = said[-1] if said else f"it stopped with exit status {self._run.returncode}"
            self.seconds = time.perf_counter() - self._started

    def fallback_script(self) -> Streamed:
        """``search/fallback.js``, written from the rows of the pages added (the rows stay
        until :meth:`close`, which comes after the site writer has made this file)."""
        def produce(handle) -> None:
            rows = (self._fallback.row(*pickle.loads(self._rows.get(str(k)))) for _, k in sorted(self._places))
            self._fallback.write(rows, handle)
        return Streamed(produce)

    def bundles(self) -> list[tuple[str, list[tuple[str, bytes]]]]:
        """(part, [(path inside its bundle, bytes)]) of every part, in order, each made
        byte-stable (see :func:`published` for what the site carries of each); every part
        must be complete."""
        if self.incomplete():
            raise ValueError(f"parts not complete: {self.incomplete()}")  # a bug
        self._finish()
        if self._failed is not None:
            raise EditionError(self.where, f"Pagefind could not build the search index: {self._failed}")
        out = []
        for shard in self.shards():
            files = self._known.get(shard)
            if files is None:
                folder = self._scratch.folder / "bundle" / shard
                files = pagefind_stable.stabilise([(p.relative_to(folder).as_posix(), p.read_bytes())
                                                   for p in sorted(folder.rglob("*"))
                                                   if p.is_file() and p.name not in LEFT_OUT])
            out.append((shard, files))
        return out

    def _finish(self) -> None:
        """No more parts: wait for Pagefind's last run."""
        if self._watch is not None:
            self._queue.put(None)
            self._watch.join()
            self._watch = None

    def close(self) -> None:
        """Stop Pagefind if it still runs (the build failed meanwhile) and remove its folder
        and the rows: once the site writer has made every file (or abandoned them)."""
        self._stopping = True
        if self._run is not None and self._run.poll() is None:
            self._run.kill()
        self._finish()
        if self._scratch is not None:
            self._rows.close()
            self._pages.close()
            self._scratch.close()
            self._scratch = None
