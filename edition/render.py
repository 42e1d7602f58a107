"""The site's pages, rendered with Jinja.

Templates are looked up first in the editor's own folder (``[edition]
templates``), then in the project's ``templates/`` (as MkDocs does with a
theme's ``custom_dir``).  Every link on a page is made by ``urls`` relative to
that page.  This module returns ``(path, bytes, source)`` for every file of
the site; writing them is ``write``'s job.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateSyntaxError, select_autoescape

from . import anchors, cite, docinfo, docparts, downloads, dts, pagemeta, highlight, markup, search, teiwrite, totext, urls
from . import registers as registers_mod
from .errors import EditionError, Location
from .model import Document, Edition, Outline, Volume, notes, page_breaks, source_note
from .output import DocumentOutput
from .prose import ProsePage

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
STATIC = PROJECT / "static"
PYGMENTS_STYLES = {"light": "default", "dark": "monokai"}


@dataclass(frozen=True)
class Entry:
    """One document of the site, as the other pages see it, with where it came from."""

    outline: Outline
    volume: Volume
    source: str
    digest: str = ""  # of the whole document (buildcache)

    @property
    def page(self) -> str:
        return urls.document(self.volume.id, self.outline.xml_id)


def environment(edition: Edition, compiled=None) -> Environment:
    """The templates: the editor's first, then ours; ``compiled``: where Jinja keeps
    the templates it compiles (a ``jinja2.BytecodeCache``), if anywhere."""
    folders = [edition.templates_dir] if edition.templates_dir else []
    loader = ChoiceLoader([FileSystemLoader(f) for f in [*folders, str(TEMPLATES)]])
    return Environment(
        loader=loader, autoescape=select_autoescape(["html", "xml"]), undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=compiled,
    )


REGISTER_TITLES = docparts.REGISTER_TITLES


class Site:
    """The site's pages: each document's own from :meth:`document_output` (given its
    ``document(k)``, which reads the k-th document), the rest from :meth:`files`."""

    def __init__(self, edition: Edition, entries: list[Entry], pages: list[ProsePage], registers: dict | None = None,
                 document=None, compiled=None):
        """``compiled``: where Jinja keeps the templates it compiles (:func:`environment`)."""
        self.edition = edition
        self.entries = entries
        self.document = document
        self.pages = pages
        self.registers = registers or {}  # volume id → Registers
        self.env = environment(edition, compiled)
        for name in self.env.list_templates(filter_func=lambda name: name.endswith(".html")):
            # loaded here, once, before the processes that render the documents are forked from this one
            try:
                self.env.get_template(name)
            except TemplateSyntaxError as exc:  # an editor's template
                raise EditionError(Location(exc.filename or name, exc.lineno or 1), f"template: {exc.message}") from None
        self._taken: dict[int, tuple[tuple, tuple[str, ...]]] = {}  # k → the k-th document's occurrences and warnings
        self._known: dict[str, dict[str, str]] = {}  # volume id → document id → page
        for entry in entries:
            self._known.setdefault(entry.volume.id, {})[entry.outline.xml_id] = entry.page
        self._aliases = _aliases_for(edition)

    def _register_pages(self, volume_id: str) -> dict[str, str]:
        regs = self.registers.get(volume_id)
        if regs is None:
            return {}
        return {kind: urls.register(volume_id, kind) for kind in REGISTER_TITLES if regs.of_kind(kind)}

    # -- helpers shared by every page -------------------------------------

    def _common(self, page: str, title: str, description: str) -> dict:
        def link(to: str, fragment: str | None = None) -> str:
            return urls.href(page, to, fragment)

        return {
            "edition": self.edition,
            "title": title,
            "description": description,
            "link": link,
            "static": lambda name: link(urls.static(name)),
            "home": link(urls.INDEX),
            "nav_pages": [(p.title, link(urls.prose_page(p.name))) for p in self.pages if p.name != "index"],
            "register_links": [(REGISTER_TITLES[kind], link(path)) for vol in self.registers
                               for kind, path in self._register_pages(vol).items()
                               if vol == self.edition.volume.id],
            "page_path": page,
            "search_page": link(urls.SEARCH) if self.edition.search else "",
        }

    def _render(self, template: str, **context) -> bytes:
        return self.env.get_template(template).render(**context).encode("utf-8")

    # -- the files ---------------------------------------------------------

    def files(self, made: dict, search_shards: list[str] = (), kept=None):
        """Every file but the documents' own (see :meth:`document_output`, whose results
        :meth:`add` must have been given first) and the downloads (``made``: path → the
        download being made); ``search_shards`` are the parts of the search index.
        ``kept(what, make)`` may give a register page or the home page made before from the
        same ``what`` (everything site-wide that a page shows is the caller's to add), or
        ``make()`` it."""
        kept = kept or (lambda what, make: make())
        yield from self._dts()
        yield from self._registers(kept)
        if self.edition.search:
            yield from self._search(list(search_shards))
        for page in self.pages:
            if page.name != "index":
                yield urls.prose_page(page.name), self._prose(page), page.source
        yield urls.NOT_FOUND, self._not_found(), self.edition.config_path
        yield from self._static()
        # last: the home page lists the downloads with their sizes
        sizes = {path: data.size for path, data in made.items()}
        shown = (self.pages, [(e.volume.id, e.page, e.outline) for e in self.entries],
                 sorted((path, _size(n)) for path, n in sizes.items()))
        yield urls.INDEX, kept(("index", shown), lambda: self._index(sizes)), self.edition.config_path

    def crawl_files(self, pages: list[str]):
        """``sitemap.xml`` and ``robots.txt``, for a site with a base URL."""
        base = self.edition.base_url
        if not base:
            return
        entries = "".join(
            f"  <url><loc>{html.escape(urls.absolute(base, p))}</loc><lastmod>{self.edition.date}</lastmod></url>\n"
            for p in sorted(pages) if p != urls.NOT_FOUND)
        sitemap = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n")
        yield "sitemap.xml", sitemap.encode("utf-8"), self.edition.config_path
        robots = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(base, 'sitemap.xml')}\n"
        yield "robots.txt", robots.encode("utf-8"), self.edition.config_path

    def _dts(self):
        if self.edition.base_url:
            for path, data in dts.files(self.edition, [(e.volume, e.outline) for e in self.entries]):
                yield path, data, self.edition.config_path

    def _static(self):
        for path in sorted(STATIC.rglob("*")):
            if path.is_file() and path.name != "README.md":
                yield urls.static(path.relative_to(STATIC).as_posix()), path.read_bytes(), str(path)
        css = (
            highlight.stylesheet(PYGMENTS_STYLES["light"])
            + "\n@media (prefers-color-scheme: dark) {\n"
            + highlight.stylesheet(PYGMENTS_STYLES["dark"])
            + "\n}\n"
        )
        yield urls.static("pygments.css"), css.encode("utf-8"), "pygments"

    def _index(self, sizes: dict[str, int]) -> bytes:
        page = urls.INDEX
        intro_page = next((p for p in self.pages if p.name == "index"), None)
        rows = []
        for entry in self.entries:
            doc = entry.outline
            rows.append({
                "n": doc.n,
                "title": doc.title,
                "date": doc.date,
                "date_text": docinfo.human_date(doc.date),
                "classification": doc.classification,
                "href": urls.href(page, entry.page),
                "volume": entry.volume,
                "tei": urls.href(page, urls.tei_download(entry.volume.id, doc.xml_id)),
                "txt": urls.href(page, urls.text_download(entry.volume.id, doc.xml_id)),
                "json": urls.href(page, urls.json_download(entry.volume.id, doc.xml_id)),
            })
        context = self._common(page, self.edition.title, f"{self.edition.title}: reading edition of FRUS documents")
        wanted = [("The whole edition (TEI, plain text and JSON of every document, with SHA256SUMS), zip", downloads.ZIP)]
        for vol in (self.edition.volume, *self.edition.other_volumes):
            if downloads.corpus_path(vol.id) in sizes:
                wanted.append((f"Every document of {vol.subseries}, Volume {vol.number} in one TEI corpus file (teiCorpus)",
                               downloads.corpus_path(vol.id)))
        files = [(label, urls.href(page, path), _size(sizes[path])) for label, path in wanted]
        return self._render("index.html", intro=intro_page, documents=rows, downloads=files, **context)

    def _prose(self, prose: ProsePage) -> bytes:
        page = urls.prose_page(prose.name)
        context = self._common(page, prose.title, f"{prose.title} — {self.edition.title}")
        return self._render("page.html", body=prose.body, **context)

    def _not_found(self) -> bytes:
        context = self._common(urls.NOT_FOUND, "Page not found", "The page you asked for is not in this edition.")
        return self._render("404.html", **context)

    def document_output(self, k: int) -> DocumentOutput:
        """Everything the site has of its k-th document: its files (reading page, source
        view, downloads, DTS), its register occurrences, its search page, its warnings.
        It depends on the document, its neighbours and the site-wide settings only."""
        entry = self.entries[k]
        vol, doc = entry.volume, self.document(k)
        edition = dataclasses.replace(self.edition, volume=vol)
        out: list[tuple[str, bytes]] = []
        tei_tree = teiwrite.tei_document(doc, edition)
        tei_bytes = teiwrite.serialized(tei_tree)
        out.append((urls.tei_download(vol.id, doc.xml_id), tei_bytes))
        out.append((urls.text_download(vol.id, doc.xml_id), totext.render(doc).encode("utf-8")))
        item = cite.csl_item(doc, vol, self.edition, urls.absolute(self.edition.base_url, entry.page))
        out.append((urls.csl_json(vol.id, doc.xml_id), cite.csl_json(item)))
        out.append((urls.bibtex(vol.id, doc.xml_id), cite.bibtex(item)))
        out.append((urls.ris(vol.id, doc.xml_id), cite.ris(item)))
        numbers = markup.number_paragraphs(doc)
        out.append((urls.json_download(vol.id, doc.xml_id),
                    downloads.document_json(doc, vol.id, numbers, item.get("URL", ""))))
        if self.edition.base_url:
            out.extend(dts.document_files(self.edition, vol, doc, tei_bytes))
        ctx = markup.Context(
            doc=doc, page=entry.page, volume=vol.id, source_page=urls.source_view(vol.id, doc.xml_id),
            source_lines=highlight.id_lines(tei_bytes), documents=self._known[vol.id], online=vol.online,
            paragraph_numbers=numbers,
            registers=self.registers.get(vol.id), register_pages=self._register_pages(vol.id),
            annotation_ends={a.end: a for a in doc.annotations},
            aliases=self._aliases,
        )
        found = registers_mod.occurrences(doc, numbers)
        page = (search.document_page(doc, entry.page, numbers, ctx.registers, found, search.document_shard(vol.id, doc.n))
                if self.edition.search else None)
        previous = self.entries[k - 1] if k > 0 else None
        following = self.entries[k + 1] if k + 1 < len(self.entries) else None
        out.append((entry.page, self._reading(entry, doc, ctx, previous, following, item, found)))
        out.append((ctx.source_page, self._source_view(entry, doc, ctx, tei_bytes)))
        ctx.unresolved_warnings()
        citable = anchors.document_anchors(doc, entry.page)
        members = {path for _, path in downloads.zip_members(vol.id, doc.xml_id)}
        sums = tuple((path, hashlib.sha256(data).hexdigest()) for path, data in out if path in members)
        return DocumentOutput(tuple(out), tuple(found), page, tuple(dict.fromkeys(ctx.warnings)),
                              anchors.without_words(citable), anchors.manifest_rows(citable),
                              downloads.corpus_member(tei_tree), sums)

    def add(self, k: int, output: DocumentOutput) -> None:
        """Take in what the registers and the warnings need of the k-th document (the
        documents may come in any order: both are given in reading order)."""
        self._taken[k] = (output.found, output.warnings)

    @property
    def occurrences(self) -> dict[str, dict[str, list]]:
        """volume id → register entry id → [(document entry, occurrence)], in reading order."""
        out: dict[str, dict[str, list]] = {}
        for k in sorted(self._taken):
            entry = self.entries[k]
            by_entry = out.setdefault(entry.volume.id, {})
            for occ in self._taken[k][0]:
                by_entry.setdefault(occ.entry_id, []).append((entry, occ))
        return out

    @property
    def warnings(self) -> list[str]:
        """The documents' warnings, each once, in reading order."""
        return list(dict.fromkeys(w for k in sorted(self._taken) for w in self._taken[k][1]))

    def _reading(self, entry: Entry, doc: Document, ctx: markup.Context, previous: Entry | None,
                 following: Entry | None, item: dict, found: list) -> bytes:
        vol, page = entry.volume, entry.page
        title = teiwrite.document_title(doc)
        source = source_note(doc)
        body_blocks = tuple(b for b in doc.blocks if not docparts.is_dateline_opener(b))
        footnotes = [n for n in notes(doc) if n is not source]
        pages = docinfo.page_range(doc)
        context = self._common(page, f"{doc.n}. {title}", docparts.description(doc, vol, title))
        in_document = docparts.names_in(found, ctx)
        jsonld = pagemeta.json_ld(doc, vol, self.edition, item)
        return self._render(
            "document.html",
            doc=doc,
            volume=vol,
            head=markup.inline(doc.head, ctx),
            page_before=markup.page_marker(doc.page_before_head, ctx) if doc.page_before_head else None,
            dateline=docparts.dateline(doc, ctx),
            classification=docinfo.classification_label(doc),
            provenance=docparts.note_html(source, ctx) if source else None,
            body=markup.blocks(body_blocks, ctx),
            notes=[docparts.note_html(n, ctx) for n in footnotes],
            annotations=[{"id": a.xml_id, "n": a.n, "quote": a.quote, "body": markup.blocks(a.blocks, ctx),
                          "src": ctx.source_link(a.xml_id, f"Annotation {a.n}")} for a in doc.annotations],
            pages=pages,
            previous=(urls.href(page, previous.page), f"{previous.outline.n}. {previous.outline.title}") if previous else None,
            following=(urls.href(page, following.page), f"{following.outline.n}. {following.outline.title}") if following else None,
            tei_href=urls.href(page, urls.tei_download(vol.id, doc.xml_id)),
            text_href=urls.href(page, urls.text_download(vol.id, doc.xml_id)),
            source_href=urls.href(page, ctx.source_page),
            online=f"{vol.online.rstrip('/')}/{doc.xml_id}" if vol.online else "",
            names=in_document,
            citations=cite.formatted(item),
            cite_parts=docparts.cite_parts(
                self._pinpoints(item, "paragraph", page, [(pid, str(n)) for pid, n in ctx.paragraph_numbers.items()]),
                self._pinpoints(item, "page", page, [(pb.xml_id, pb.n) for pb in page_breaks(doc) if pb.xml_id])),
            meta=pagemeta.meta_tags(doc, vol, self.edition, item, title),
            jsonld=jsonld,
            csp_hashes=[pagemeta.csp_hash(jsonld)],
            canonical=urls.absolute(self.edition.base_url, page),
            alternates=[("application/vnd.citationstyles.csl+json", urls.href(page, urls.csl_json(vol.id, doc.xml_id)), "CSL-JSON"),
                        ("application/x-bibtex", urls.href(page, urls.bibtex(vol.id, doc.xml_id)), "BibTeX"),
                        ("application/x-research-info-systems", urls.href(page, urls.ris(vol.id, doc.xml_id)), "RIS")],
            **context,
        )

    def _pinpoints(self, item: dict, kind: str, page: str, units: list[tuple[str, str]]):
        """(anchor, number, its citations' HTML) of each paragraph or page; with a base URL
        the citation's URL carries the unit's anchor."""
        if not units:
            return []
        if not self.edition.base_url:
            by_number = cite.pinpointed(item, kind, [n for _, n in units], docparts.citation_lines)
            return [(anchor, n, by_number[n]) for anchor, n in units]
        out = []
        for anchor, n in units:
            with_url = dict(item, URL=urls.absolute(self.edition.base_url, page, anchor))
            out.append((anchor, n, cite.pinpointed(with_url, kind, [n], docparts.citation_lines)[n]))
        return out

    def register_anchors(self) -> list:
        """Register entries as citable anchors (for anchors.json)."""
        out = []
        for vol_id, regs in self.registers.items():
            for kind, page in self._register_pages(vol_id).items():
                for reg in regs.of_kind(kind):
                    out.append(anchors.Citable(reg.id, kind, page, anchors.digest(f"{reg.name} {reg.description}"), reg.name))
        return out

    def _registers(self, kept):
        every = self.occurrences
        for vol_id, regs in self.registers.items():
            pages = self._register_pages(vol_id)
            if not pages:
                continue
            occurrences = every.get(vol_id, {})
            for kind, page in pages.items():
                entries = sorted(regs.of_kind(kind), key=lambda e: e.name.lower())
                # what the page shows of the documents: where each entry is named
                named = [(reg.id, [(e.outline.n, e.page, occ.label, occ.anchor) for e, occ in occurrences.get(reg.id, [])])
                         for reg in entries]
                yield page, kept(("register", vol_id, kind, named),
                                 lambda: self._register(vol_id, kind, page, pages, dict(named), entries)), \
                    self.edition.config_path

    def _register(self, vol_id: str, kind: str, page: str, pages: dict[str, str], named: dict, entries) -> bytes:
        vol = self.edition.volume_by_id(vol_id)
        rows = []
        for reg in entries:
            places = {}  # each place once, in reading order
            for n, doc_page, label, anchor in named[reg.id]:
                places[(f"Document {n}, {label}", urls.href(page, doc_page, anchor))] = None
            rows.append({"entry": reg, "places": list(places)})
        title = f"{REGISTER_TITLES[kind]}: {vol.subseries}, Volume {vol.number}"
        context = self._common(page, title, f"{title}, with every place where each is named")
        others = [(REGISTER_TITLES[k], urls.href(page, p)) for k, p in pages.items() if k != kind]
        return self._render("register.html", rows=rows, volume=vol, others=others, **context)

    def register_search_pages(self) -> list:
        """The register pages as the search sees them (the documents' come with
        :meth:`document_output`)."""
        out = []
        for vol_id, regs in self.registers.items():
            vol = self.edition.volume_by_id(vol_id)
            numbers = [e.outline.n for e in self.entries if e.volume.id == vol_id]
            out.extend(search.register_pages(f"{vol.subseries}, Volume {vol.number}", regs,
                                             self._register_pages(vol_id), REGISTER_TITLES,
                                             search.register_shard(vol_id, numbers)))
        return out

    def _search(self, shards: list[str]):
        """The search page (its fallback index and Pagefind's bundles come from ``pagefind_index``)."""
        page = urls.SEARCH
        context = self._common(page, "Search", f"Search the documents, notes, annotations and registers of {self.edition.title}")
        merge = [urls.href(page, urls.search_bundle(shards, k)) + "/" for k in range(1, len(shards))]
        yield page, self._render(
            "search.html", bundle=urls.href(page, f"{urls.SEARCH_BUNDLE}/pagefind.js"), merge=merge,
            fallback=urls.href(page, urls.SEARCH_FALLBACK), filter_labels=search.FILTER_LABELS,
            csp_extra=["'wasm-unsafe-eval'"], **context), self.edition.config_path

    def _source_view(self, entry: Entry, doc: Document, ctx: markup.Context, tei_bytes: bytes) -> bytes:
        page = ctx.source_page
        back: dict[int, list[tuple[str, str]]] = {}
        reading = urls.href(page, entry.page)
        labels = docparts.anchor_labels(ctx.source_lines, doc, ctx)
        for xml_id, line in ctx.source_lines.items():
            label = labels.get(xml_id)
            if label:
                back.setdefault(line, []).append((label, f"{reading}#{xml_id}"))
        title = f"TEI source of Document {doc.n}"
        context = self._common(page, title, f"{title}, {entry.volume.title}")
        return self._render(
            "source.html", doc=doc, volume=entry.volume, code=highlight.numbered(tei_bytes, back), reading=reading,
            tei_href=urls.href(page, urls.tei_download(entry.volume.id, doc.xml_id)), **context,
        )


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _aliases_for(edition: Edition) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for old, new in edition.aliases:
        out.setdefault(new, []).append(old)
    return out
