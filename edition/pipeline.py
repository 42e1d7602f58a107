"""The program in one page: what happens, in which order.

``build_edition``: seeds (texts and TEI files) → documents (``seed_documents``) → the
site, which replaces the old one only when every step has succeeded.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from . import anchors, buildcache, cite, docinfo, downloads, pagefind_index, parallel, prose, render, search, seed_documents, urls
from .errors import EditionError, Location
from .model import Edition
from .output import DocumentOutput
from .write import Shelf, SiteWriter, Spool

@dataclass(frozen=True)
class BuildReport:
    site: Path
    files: tuple[str, ...]
    documents: int
    pages: int
    warnings: tuple[str, ...]
    seconds: float
    search_seconds: float | None = None  # of which the search index (None: no search)
    reused: int = 0  # seeds and documents taken from the previous build
    redone: int = 0

    def summary(self) -> str:
        search = f"search index {self.search_seconds:.2f} s" if self.search_seconds is not None else ""
        reused = f"{self.reused} of {self.reused + self.redone} steps reused" if self.reused else ""
        notes = "; ".join(filter(None, [search, reused]))
        return (f"built {self.site}: {self.documents} documents, {self.pages} pages,"
                f" {len(self.warnings)} warnings in {self.seconds:.2f} s" + (f" ({notes})" if notes else ""))


def build_edition(edition: Edition, site: str | Path = "_site", progress=None, cache: bool = True,
                  workers: int | None = None) -> BuildReport:
    """Build the whole site into ``site``; on any error the previous site stays as it was.
    Work kept from the previous build (``buildcache``) is reused unless ``cache`` is off;
    the rest is shared among ``workers`` processes (default: one per core).  The
    documents wait on a shelf (a temporary file) between being read and being rendered;
    what the build holds of each is its outline."""
    started = time.perf_counter()
    if not edition.texts:
        raise EditionError(Location(edition.config_path), "no texts: list them in [edition] texts, or put .txt and .xml files beside the config")
    kept = buildcache.BuildCache(site, edition, enabled=cache)
    used: set[str] = set()
    previous = anchors.read_previous(edition.previous_anchors)
    regs = {vol.id: seed_documents.load_registers(vol) for vol in (edition.volume, *edition.other_volumes)}
    # the cache keeps what this build made even if it fails (``BuildCache.close``)
    with kept, Shelf() as documents, Spool() as manifest, Spool() as corpus_members:
        cite.adopt_templates(kept.citation_templates())  # before the seeds: what was made before is not made again
        entries, warnings = _read_seeds(edition, regs, previous, kept, used, workers, progress, documents)
        entries.sort(key=lambda e: (_volume_order(edition, e.volume.id), _number(e.outline.n)))
        pages = prose.read_pages(edition.pages_dir)
        site_regs = {v: r for v, r in regs.items() if r.entries}
        site_pages = render.Site(edition, entries, pages, site_regs,
                                 document=lambda k: documents.take(_shelf_key(entries[k])),
                                 compiled=kept.template_code())
        site_key = kept.site_key(pages, site_regs, edition.templates_dir)
        doc_keys = _document_keys(kept, site_key, entries)
        writer = SiteWriter(site, kept.site_record() if Path(site).is_dir() else None)
        indexing = pagefind_index.Indexing("en", Location(edition.config_path)) if edition.search else None
        try:
            sums: dict[str, str] = {}  # the SHA-256 of each document's files in the zip
            outlines = [(e.volume.id, e.outline) for e in entries]
            made = _start_zip(writer, outlines, sums, edition, _previous_zip(site, kept, used))
            search_keys: dict[str, str] = {}  # each part of the index: its cache key
            completed = _search_part_completed(site_pages, indexing, kept, used, search_keys)
            published = _write_documents(site_pages, doc_keys, kept, used, writer, manifest, indexing, completed,
                                         (sums, corpus_members), workers, progress, checked=previous is not None)
            for path, data, source in downloads.corpora(outlines, corpus_members.get, edition):
                writer.write(path, data, source)
                made[path] = data
            # checked once every document is rendered (the rendered ones are kept even if this fails)
            anchors.check(published, previous, dict(edition.aliases), edition.config_path)
            shards = _complete_search(indexing, completed, writer, edition, progress, len(entries))
            _write_site_pages(site_pages, writer, made, shards, manifest, _kept_page(kept, used, site_key))
            writer.record()  # the states of the files written so far, taken while Pagefind may still run
            _write_search_bundles(indexing, writer, kept, search_keys, shards)
            writer.commit()
            kept.keep_site_record(writer.record())
            kept.keep_citation_templates(cite.known_templates())
        except BaseException:
            writer.abandon()
            raise
        finally:  # after the writer has made (or abandoned) every file, the fallback index too
            if indexing is not None:
                indexing.close()
        kept.keep_only(used)
    html = sum(path.endswith(".html") for path in writer.written)
    return BuildReport(Path(site), tuple(sorted(writer.written)), len(entries), html,
                       tuple(warnings + site_pages.warnings), time.perf_counter() - started,
                       indexing.seconds if indexing else None, kept.hits, kept.misses)


def _start_zip(writer: SiteWriter, outlines: list, sums: dict[str, str], edition: Edition,
               previous: downloads.PreviousZip) -> dict:
    """The edition's zip, made in a thread of its own as the documents' files come (its
    members a batch at a time, once their files are written, and so their SHA-256 in
    ``sums``); the downloads the home page lists, by path (more are added as they are made)."""
    path, file, source = downloads.edition_zip(
        outlines, writer.read, sums.__getitem__, edition, previous, ready=lambda paths: writer.wait_for(*paths))
    writer.write(path, file, source)
    return {path: file}


def _complete_search(indexing, completed, writer: SiteWriter, edition: Edition, progress, documents: int) -> list[str]:
    """The parts of the index that hold registers alone sent off too, and the fallback
    index written; the parts, in order (none without a search)."""
    if indexing is None:
        return []
    for shard in indexing.incomplete():
        completed(shard)
    if progress and documents >= 100:
        progress(f"indexing {indexing.pages} pages for the search ({indexing.anew} of {len(indexing.shards())} parts anew)")
    writer.write(urls.SEARCH_FALLBACK, indexing.fallback_script(), edition.config_path)
    return indexing.shards()


def _write_site_pages(site_pages: render.Site, writer: SiteWriter, made: dict, shards: list[str], manifest: Spool,
                      kept_page) -> None:
    """Every page but the documents' (registers, home, search, prose, static files),
    ``anchors.json``, and the sitemap of every page written."""
    for path, data, source in site_pages.files(made, shards, kept_page):
        writer.write(path, data, source)
    writer.write("anchors.json", anchors.manifest(manifest), site_pages.edition.config_path)
    for path, data, source in site_pages.crawl_files([p for p in writer.written if p.endswith(".html")]):
        writer.write(path, data, source)


def _write_search_bundles(indexing, writer: SiteWriter, kept: buildcache.BuildCache, search_keys: dict[str, str],
                          shards: list[str]) -> None:
    """Each part's bundle, once Pagefind has made it (or as a previous build did), kept
    and written: the first part's whole, the others' index only."""
    if indexing is None:
        return
    for k, (shard, files) in enumerate(indexing.bundles()):
        kept.put(search_keys[shard], files)
        for path, data in pagefind_index.published(files, primary=k == 0):
            # the same part's bundle at the same place: the same bytes (linked unread if left as they were)
            writer.write(f"{urls.search_bundle(shards, k)}/{path}", data, "pagefind", origin=search_keys[shard])


def _kept_page(kept: buildcache.BuildCache, used: set[str], site_key: str):
    """A site page as a previous build made it from the same inputs, or made now and kept."""
    def page(what, make) -> bytes:
        key = kept.page_key(site_key, what)
        used.add(key)
        data = kept.reuse(key)
        if data is None:
            data = make()
            kept.put(key, data)
        return data

    return page


def _previous_zip(site: str | Path, kept: buildcache.BuildCache, used: set[str]) -> downloads.PreviousZip:
    """The previous site's zip, whose members the new one takes over when a previous build
    vouches for it; the new zip vouched for in turn."""
    def made(digest: str) -> None:
        key = kept.zip_key(digest)
        kept.put(key, True)
        used.add(key)

    return downloads.PreviousZip(Path(site) / downloads.ZIP, lambda digest: kept.reuse(kept.zip_key(digest)) is True, made)


def _search_part_completed(site_pages: render.Site, indexing, kept: buildcache.BuildCache, used: set[str],
                           search_keys: dict[str, str]):
    """With the registers' search pages added, what to call once a part of the search index
    has all its pages: a previous build's bundle of the same pages is taken, or Pagefind
    indexes the part (while the build goes on); the part's cache key goes to ``search_keys``."""
    if indexing is None:
        return lambda shard: None
    for page in site_pages.register_search_pages():
        indexing.add(page)

    def known(shard: str, digest: str):
        key = search_keys[shard] = kept.search_key(digest)
        used.add(key)
        return kept.reuse(key)

    return lambda shard: indexing.complete(shard, known)


def _document_keys(kept: buildcache.BuildCache, site_key: str, entries: list[render.Entry]) -> list[str]:
    """The cache key of each document's pages."""
    volume_ids: dict[str, list[str]] = {}
    for e in entries:
        volume_ids.setdefault(e.volume.id, []).append(e.outline.xml_id)
    # each volume's ids digested once, not once for each of its documents' keys
    volume_digests = {v: hashlib.sha256("\n".join(sorted(ids)).encode()).digest() for v, ids in volume_ids.items()}
    return [kept.document_key(site_key, entries, k, volume_digests) for k in range(len(entries))]


def _write_documents(site_pages: render.Site, doc_keys: list[str], kept: buildcache.BuildCache, used: set[str],
                     writer: SiteWriter, manifest: Spool, indexing, completed, for_downloads: tuple[dict, Spool],
                     workers: int | None, progress, checked: bool) -> list:
    """Each document's pages rendered (or taken from the cache) and written as they come
    (those of the parts of the index with a document to render first), its anchors' rows
    spooled for anchors.json, its search page handed to the index, and each part of the
    index ``completed`` after its last document; the SHA-256 of its
    files in the zip and its TEI for the corpus kept ``for_downloads``; the anchors of every
    document and register returned for their check against the previous release, when
    there is one to be ``checked`` (otherwise none are kept)."""
    entries = site_pages.entries
    parts = [search.document_shard(e.volume.id, e.outline.n) for e in entries]
    completes = {k: part for part, k in {part: k for k, part in enumerate(parts)}.items()}  # a part's last document
    have = [kept.has(key) for key in doc_keys]
    # the parts of the index with a document to render come first (each still in its order), so that
    # Pagefind indexes them while the build takes in the others; what is made of the documents is in
    # reading order whatever order they come in
    dirty = {part for part, known in zip(parts, have) if not known}
    order = sorted(range(len(entries)), key=lambda k: parts[k] not in dirty)
    published: dict[int, list[anchors.Citable]] = {}
    stager = writer.stager()  # each document's files are staged by the process that renders it
    outputs = parallel.ordered(_render_job, order, [have[k] for k in order], lambda i: kept.get(doc_keys[order[i]]),
                               (site_pages, stager), workers)
    def take(k: int, output):
        return _take_document(site_pages, writer, kept, used, doc_keys[k], k, output, published if checked else None,
                              manifest, for_downloads)

    # a part to index again goes to Pagefind before the files of its kept documents are linked, which
    # would otherwise hold it back (they are taken in right after; at most one part's are held)
    postponed: list = []
    with contextlib.closing(outputs):  # on an error, the workers stop before the staged files are removed
        for done, (k, output) in enumerate(zip(order, outputs), start=1):
            if indexing is not None and parts[k] in dirty and not output.staged:
                postponed.append((k, output))  # kept from the last build: its search page is the same
            else:
                output = take(k, output)
            if indexing is not None and output.search_page is not None:
                indexing.add(output.search_page, place=(1, k))
                if k in completes:
                    completed(completes[k])
            if k in completes:
                for later in postponed:
                    take(*later)
                postponed.clear()
            if progress and len(entries) >= 100 and done % 100 == 0:
                progress(f"rendered {done}/{len(entries)} documents")
    register_anchors = site_pages.register_anchors()
    for page in sorted({a.page for a in register_anchors}):
        manifest.add(page, anchors.manifest_rows([a for a in register_anchors if a.page == page]))
    return [a for k in sorted(published) for a in published[k]] + register_anchors if checked else []


def _take_document(site_pages: render.Site, writer: SiteWriter, kept: buildcache.BuildCache, used: set[str],
                   key: str, k: int, output: DocumentOutput, published: dict | None, manifest: Spool,
                   for_downloads: tuple[dict, Spool]) -> DocumentOutput:
    """The k-th document's output taken in: its files claimed (staged as it was rendered,
    or linked from the previous site when it comes from the cache, or else rendered again
    here), kept for the next build, and what the site, anchors.json and the downloads
    need of it noted; the output returned."""
    entry = site_pages.entries[k]
    sums, corpus_members = for_downloads
    sums.update(output.sums)  # before its files are claimed: the zip asks once they are
    linked = not output.staged and writer.link_kept(output.paths, entry.source, key)
    if output.staged:
        writer.staged(output.paths, entry.source, origin=key)
    elif not linked:  # from the cache, but its files are not as the last build left them: made again, here
        kept.not_reused()
        output = _render_job((site_pages, None), k)
        sums.update(output.sums)
        for path, data in output.files:  # each linked if it is as the last build left it, or written
            writer.write(path, data, entry.source, origin=key)
    if not linked:
        kept.put(key, output.without_bytes())
    if output.templates:  # kept for the next build, not with the document
        cite.adopt_templates(output.templates)
    used.add(key)
    site_pages.add(k, output)
    if published is not None:
        published[k] = anchors.unpacked(output.anchors)
    manifest.add(entry.page, output.manifest)
    corpus_members.add(urls.tei_download(entry.volume.id, entry.outline.xml_id), output.corpus)
    return output


def _read_seeds(edition: Edition, regs: dict, previous, kept: buildcache.BuildCache, used: set[str],
                workers: int | None, progress, documents: Shelf) -> tuple[list[render.Entry], list[str]]:
    """Every seed read (or taken from the cache) into documents, each once, with the
    paragraph ids of the previous release kept, put on the shelf; their entries
    (outlines) returned."""
    entries: list[render.Entry] = []
    warnings: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    volumes = (edition.volume, *edition.other_volumes)
    register_files = {vol.id: [f for _, files in vol.registers for f in files] for vol in volumes}
    seed_keys = [kept.seed_key(seed.path, register_files[seed.volume]) for seed in edition.texts]
    have = [kept.has(key) for key in seed_keys]
    read = parallel.ordered(_read_seed_job, [(seed.path, seed.volume) for seed in edition.texts],
                            have, lambda i: kept.get(seed_keys[i]), (edition, regs), workers)
    for k, (seed, key, result, known_before) in enumerate(zip(edition.texts, seed_keys, read, have), start=1):
        packed, seed_warnings, known, references = result
        kept.put(key, result)
        used.add(key)
        warnings.extend(seed_warnings)
        if not known_before:
            # its documents are to be rendered: the citation templates their pages need are made here,
            # once, while the workers read the other seeds (those that render, forked later, have them)
            for reference in references:
                cite.prepare_templates(reference)
        for blob, (outline, digest) in zip(packed, known):
            doc_key = (seed.volume, outline.xml_id)
            if doc_key in seen:
                raise EditionError(
                    Location(seed.path),
                    f"document {outline.xml_id} of {seed.volume} comes from two seeds: {seen[doc_key]} and {seed.path}",
                )
            seen[doc_key] = seed.path
            if previous is not None:  # the document itself is needed here only for this
                doc = Shelf.unpack(blob)
                kept_ids = anchors.keep_paragraph_ids(doc, urls.document(seed.volume, doc.xml_id), previous)
                if kept_ids is not doc:  # paragraph ids changed: the digest does too (not the outline)
                    blob, digest = Shelf.pack(kept_ids), buildcache.document_digest(kept_ids)
            entry = render.Entry(outline, edition.volume_by_id(seed.volume), seed.path, digest)
            documents.add(_shelf_key(entry), blob)
            entries.append(entry)
        if progress and len(edition.texts) >= 100 and k % 100 == 0:
            progress(f"read {k}/{len(edition.texts)} seeds")
    cite.templates_made_anew()  # this process keeps the templates it made; the workers tell of their own only
    return entries, warnings


def _shelf_key(entry: render.Entry) -> str:
    return f"{entry.volume.id}/{entry.outline.xml_id}"


def _read_seed_job(shared, job):
    """A seed's documents, pickled as the shelf keeps them, and its warnings, with each
    document's outline and digest and the reference its pages cite (made here, by the
    worker, and kept in the cache with them)."""
    edition, regs = shared
    path, volume = job
    docs, warnings = seed_documents.read_seed(path, edition, regs[volume])
    vol = edition.volume_by_id(volume)
    return ([Shelf.pack(doc) for doc in docs], warnings,
            [(docinfo.outline(doc), buildcache.document_digest(doc)) for doc in docs],
            [cite.csl_item(doc, vol, edition, urls.absolute(edition.base_url, urls.document(volume, doc.xml_id)))
             for doc in docs])


def _render_job(shared, k: int):
    """A document's output, its search page prepared for the index here, in the worker,
    with the citation templates the worker made for it (for the building process to
    keep); its files staged here too when there is a stager (then their bytes are not
    sent back)."""
    site, stager = shared
    output = site.document_output(k)
    if stager is not None:
        stager.stage(output.files)
        output = dataclasses.replace(output, files=tuple((path, None) for path, _ in output.files), staged=True)
    search_page = pagefind_index.prepare(output.search_page) if output.search_page is not None else None
    return dataclasses.replace(output, search_page=search_page, templates=cite.templates_made_anew())


def _volume_order(edition: Edition, volume_id: str) -> int:
    ids = [edition.volume.id] + [v.id for v in edition.other_volumes]
    return ids.index(volume_id)


def _number(n: str) -> tuple[int, str]:
    digits = re.match(r"\d+", n)
    return (int(digits.group(0)) if digits else 10**9, n)
