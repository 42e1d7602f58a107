"""The document model: what a FRUS document *is*, independent of TEI or text.

Both readers produce it (``encode`` from the plain-text format, ``tei`` from TEI
files, ours or official FRUS ones) and every writer consumes it (``teiwrite``,
``totext``, later the site).  Frozen dataclasses only; nothing here does I/O.

Text inside the model is already normalised: runs of white space are single
spaces, as a reader of the printed page sees them.  Structure that the text
format renders as characters (footnote callouts, ``[Page N]`` markers, line
breaks) is kept as its own node, never as characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# --------------------------------------------------------------------- inline


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class LineBreak:
    """``<lb/>``: a line break inside a block."""


@dataclass(frozen=True)
class PageBreak:
    """``<pb n="524" xml:id="pg_524"/>``: the start of a printed page."""

    n: str
    xml_id: str | None = None


@dataclass(frozen=True)
class Anchor:
    """``<anchor xml:id="…"/>``: one end of the words an editorial annotation explains."""

    xml_id: str


@dataclass(frozen=True)
class Note:
    """A footnote, standing where its callout stands in the text."""

    n: str
    xml_id: str | None
    blocks: tuple["Block", ...]
    type: str | None = None  # "source" for the source note


@dataclass(frozen=True)
class Span:
    """Any other phrase-level element: a classification marking (``seg``),
    a name (``persName``), a term (``gloss``), highlighting (``hi``), an
    archival reference (``bibl``)…  ``attrs`` keeps the TEI attributes."""

    kind: str
    children: tuple["Inline", ...]
    attrs: tuple[tuple[str, str], ...] = ()
    line: int = field(default=0, compare=False)  # in the TEI file it was read from, for warnings

    def attr(self, name: str) -> str | None:
        return dict(self.attrs).get(name)


Inline = Union[Text, LineBreak, PageBreak, Note, Span, Anchor]

# ---------------------------------------------------------------------- block


@dataclass(frozen=True)
class Para:
    """A block of running text: ``p``, ``salute``, ``signed``, a ``head`` inside
    a container, an attachment ``label``."""

    kind: str
    content: tuple[Inline, ...]
    xml_id: str | None = None
    attrs: tuple[tuple[str, str], ...] = ()
    line: int = field(default=0, compare=False)

    def attr(self, name: str) -> str | None:
        return dict(self.attrs).get(name)


@dataclass(frozen=True)
class Item:
    content: tuple[Inline, ...]
    sublists: tuple["ListBlock", ...] = ()


@dataclass(frozen=True)
class ListBlock:
    type: str | None  # "subject" for the subject line(s)
    head: tuple[Inline, ...] | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Table:
    head: tuple[Inline, ...] | None
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


@dataclass(frozen=True)
class Container:
    """``opener``, ``closer``, an attachment, ``quote``, ``postscript``, an inner ``div``."""

    kind: str
    children: tuple["Block", ...]
    attrs: tuple[tuple[str, str], ...] = ()


Block = Union[Para, ListBlock, Table, Container, PageBreak]

# ------------------------------------------------------------------- document


@dataclass(frozen=True)
class Document:
    """One FRUS document: ``<div type="document" n="156" xml:id="d156">``."""

    n: str
    xml_id: str
    head: tuple[Inline, ...]
    blocks: tuple[Block, ...]
    page_before_head: PageBreak | None = None
    attrs: tuple[tuple[str, str], ...] = ()
    source: str = field(default="", compare=False)  # the file it was read from
    annotations: tuple["Annotation", ...] = ()

    def attr(self, name: str) -> str | None:
        return dict(self.attrs).get(name)


@dataclass(frozen=True)
class Outline:
    """What the pages other than a document's own need of it (the home page, the
    registers, its neighbours' links, the collections, the corpus header): a build
    keeps every document's outline at hand, and the documents themselves on disk."""

    xml_id: str
    n: str
    title: str  # the head without its number
    date: str | None  # ISO, as long as known
    classification: str | None  # its label: Secret, No classification marking…
    categories: tuple[str, ...]  # the classification categories it points to


@dataclass(frozen=True)
class Annotation:
    """An editorial annotation (the editor's, not the document's), standing off
    the text: it explains the words between two anchors."""

    xml_id: str  # d156ann1
    n: str  # its marker on the page: a, b, c…
    quote: str = field(compare=False)  # the words, as the editor quoted them (not kept in the TEI)
    blocks: tuple[Block, ...] = ()
    start: str = ""  # xml:id of the start anchor
    end: str = ""


# ------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""


@dataclass(frozen=True)
class Volume:
    """The printed FRUS volume a document belongs to."""

    id: str
    title: str
    series: str
    subseries: str
    number: str
    editors: tuple[Person, ...]
    publisher: str
    place: str
    year: str
    online: str = ""  # base URL of the volume on the Office of the Historian's site
    registers: tuple[tuple[str, tuple[str, ...]], ...] = ()  # kind → register files (persons, terms, places)


@dataclass(frozen=True)
class Edition:
    """Our digital edition, as the edition config describes it."""

    title: str
    publisher: str
    version: str
    date: str  # ISO date of this release; the only date written into outputs
    editors: tuple[Person, ...]
    volume: Volume
    licence_url: str = "https://creativecommons.org/publicdomain/mark/1.0/"
    schema: str = ""  # path of tei_all.rng, for `validate`
    texts: tuple["Seed", ...] = field(default=())
    config_path: str = "seeds/edition.toml"
    other_volumes: tuple[Volume, ...] = ()
    pages_dir: str = ""  # Markdown pages: index.md (the home page's introduction), about.md…
    annotations_dir: str = ""  # the editor's annotations, one Markdown file per document: d156.md
    previous_anchors: str = ""  # the previous release's anchors.json
    base_url: str = ""  # where the site is published; absolute URLs (citations, canonical, sitemap) need it
    aliases: tuple[tuple[str, str], ...] = ()  # published id → the id it now lives at
    templates_dir: str = ""  # the editor's own templates, searched before the built-in ones
    documents: tuple["DocumentFacts", ...] = ()
    resolve: tuple[tuple[str, str], ...] = ()  # tagging rules for every document
    skip: tuple[str, ...] = ()
    search: bool = True  # build the Pagefind index and the search page

    def facts(self, doc_id: str) -> "DocumentFacts | None":
        return next((f for f in self.documents if f.id == doc_id), None)

    def volume_by_id(self, volume_id: str) -> Volume:
        for vol in (self.volume, *self.other_volumes):
            if vol.id == volume_id:
                return vol
        raise KeyError(volume_id)


@dataclass(frozen=True)
class DocumentFacts:
    """What the editor states about a document that its text does not carry
    (``[documents.d156]`` in the config): the dateline of the printed volume."""

    id: str
    place: str = ""
    date: str = ""  # ISO YYYY-MM-DD
    resolve: tuple[tuple[str, str], ...] = ()  # tagging: form → register id, for this document
    skip: tuple[str, ...] = ()  # tagging: forms never tagged in this document


@dataclass(frozen=True)
class Seed:
    """One input document file and the volume it belongs to."""

    path: str
    volume: str


# ---------------------------------------------------------------- traversals


def iter_inlines(inlines: tuple[Inline, ...], into_notes: bool = False):
    """Every inline node, depth first; notes' own content only if asked."""
    for node in inlines:
        yield node
        if isinstance(node, Span):
            yield from iter_inlines(node.children, into_notes)
        elif isinstance(node, Note) and into_notes:
            for block in node.blocks:
                yield from iter_inlines(block_inlines(block), into_notes)


def block_inlines(block: Block) -> tuple[Inline, ...]:
    """All inline content of a block, in reading order (for searching)."""
    if isinstance(block, Para):
        return block.content
    if isinstance(block, ListBlock):
        out: list[Inline] = list(block.head or ())
        for item in block.items:
            out.extend(item.content)
            for sub in item.sublists:
                out.extend(block_inlines(sub))
        return tuple(out)
    if isinstance(block, Table):
        out = list(block.head or ())
        for row in block.rows:
            for cell in row:
                out.extend(cell)
        return tuple(out)
    if isinstance(block, Container):
        out = []
        for child in block.children:
            out.extend(block_inlines(child))
        return tuple(out)
    return (block,)  # a PageBreak between blocks


def document_inlines(doc: Document) -> tuple[Inline, ...]:
    """The whole document's inline content in reading order, head first."""
    out: list[Inline] = []
    if doc.page_before_head:
        out.append(doc.page_before_head)
    out.extend(doc.head)
    for block in doc.blocks:
        out.extend(block_inlines(block))
    return tuple(out)


def notes(doc: Document) -> tuple[Note, ...]:
    """The document's footnotes in order of their callouts."""
    return _of_last(doc, "notes", lambda: tuple(n for n in iter_inlines(document_inlines(doc)) if isinstance(n, Note)))


def page_breaks(doc: Document) -> tuple[PageBreak, ...]:
    return _of_last(doc, "page_breaks", lambda: tuple(
        n for n in iter_inlines(document_inlines(doc), into_notes=True) if isinstance(n, PageBreak)))


# A document's pages ask for its notes and page breaks a dozen times over: the answers for
# the last document asked about are kept.  A document never changes (a changed one is a new
# object), and the one kept is held, so its identity cannot pass to another.
_last: dict[str, tuple] = {}


def _of_last(doc: Document, what: str, find):
    kept = _last.get(what)
    if kept is not None and kept[0] is doc:
        return kept[1]
    found = find()
    _last[what] = (doc, found)
    return found


def paragraphs(blocks: tuple[Block, ...]):
    """Every ``p`` of the body (not of footnotes), in reading order."""
    for block in blocks:
        if isinstance(block, Para) and block.kind == "p":
            yield block
        elif isinstance(block, Container):
            yield from paragraphs(block.children)


def plain(inlines: tuple[Inline, ...], line_break: str = " ") -> str:
    """The words of inline content, without callouts or page markers."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Span):
            out.append(plain(node.children, line_break))
        elif isinstance(node, LineBreak):
            out.append(line_break)
    return "".join(out)


def source_note(doc: Document) -> Note | None:
    for note in notes(doc):
        if note.type == "source":
            return note
    return None


def spans(inlines: tuple[Inline, ...], kind: str, **attrs: str):
    """Spans of one kind (and attribute values) in inline content, notes included."""
    for node in iter_inlines(inlines, into_notes=True):
        if isinstance(node, Span) and node.kind == kind and all(node.attr(k) == v for k, v in attrs.items()):
            yield node


def map_blocks(blocks: tuple[Block, ...], fn) -> tuple[Block, ...]:
    """The blocks with every inline-content tuple (paragraphs, list heads, items, table
    cells, nested containers) replaced by ``fn(content)``.  Notes inside the content are
    ``fn``'s to handle: this walks blocks, not inlines."""
    from dataclasses import replace

    def block(b):
        if isinstance(b, Para):
            return replace(b, content=fn(b.content))
        if isinstance(b, ListBlock):
            return replace(b, head=fn(b.head) if b.head is not None else None,
                           items=tuple(Item(fn(i.content), map_blocks(i.sublists, fn)) for i in b.items))
        if isinstance(b, Table):
            return replace(b, rows=tuple(tuple(fn(c) for c in row) for row in b.rows))
        if isinstance(b, Container):
            return replace(b, children=map_blocks(b.children, fn))
        return b

    return tuple(block(b) for b in blocks)


def map_content(doc: Document, fn) -> Document:
    """The document with its head and every content tuple of its blocks replaced by ``fn``."""
    from dataclasses import replace

    return replace(doc, head=fn(doc.head), blocks=map_blocks(doc.blocks, fn))


def merge_texts(nodes) -> list:
    """Adjacent Text nodes as one, empty ones dropped: the canonical form of inline content."""
    out: list = []
    for node in nodes:
        if isinstance(node, Text) and not node.text:
            continue
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out
