"""What the search finds: every document head, paragraph, footnote and
annotation, and every register entry, each with the exact anchor a result opens.

Pagefind ranks pages, and a result would open the top of a long memorandum; so
each page is given to it as a plain page of sections, one heading with the
anchor's id before each paragraph, note or entry.  Pagefind then returns, under
each page, the sections that match, each with its own URL
(``frus1981-88v03/d156.html#d156p3``).  Filters
belong to the document a record stands in (person, term, classification,
document type, year), so that "Gromyko" in a filter keeps every paragraph of
the documents that name him.  Register entries carry only ``type: Register``.

The same sections, in a smaller form, make the fallback index a page opened
from ``file://`` loads as a classic script (Pagefind's WebAssembly cannot be
fetched there).  Pure functions; running Pagefind is ``pagefind_index``'s job.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from . import docinfo, registers as registers_mod
from .model import Document, Note, Para, notes, paragraphs, plain, source_note

FILTERS = ("type", "classification", "year", "person", "term")
FILTER_LABELS = {"type": "Document type", "classification": "Classification", "year": "Year",
                 "person": "Person", "term": "Term"}
REGISTER_TYPE = "Register entry"


@dataclass(frozen=True)
class Section:
    """One place a result can open: a paragraph, a note, an annotation, an entry."""

    anchor: str  # the xml:id on the page: d156p3
    label: str  # "heading", "¶3", "note 1", "source note", "Andrei Gromyko"
    content: str  # the words searched


@dataclass(frozen=True)
class SearchPage:
    """What the search knows of one page of the site: its sections and its filters."""

    path: str  # frus1981-88v03/d156.html
    title: str  # "Document 156: Memorandum From …"
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # (filter, values)
    sections: tuple[Section, ...]
    shard: str = ""  # the part of the index it is in (see document_shard)

    def filter_dict(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.filters if values}


# The index is made in parts of at most this many documents (and the registers), each by its own run of
# Pagefind and merged in the browser: a run's memory stays that of one part, and a
# rebuild after one document changed indexes only its part again.  A document's part
# follows from its volume and number, so inserting a document moves no other.
SHARD_DOCUMENTS = 100


def document_shard(volume_id: str, n: str) -> str:
    """``frus1981-88v03-001`` for documents 100–199 of that volume."""
    digits = re.match(r"\d+", n)
    return f"{volume_id}-{int(digits.group(0)) // SHARD_DOCUMENTS:03d}" if digits else f"{volume_id}-other"


def register_shard(volume_id: str, numbers: list[str]) -> str:
    """A volume's registers are in the part of its first documents (``numbers``, in
    order): ranked by the word statistics of a hundred documents, not of the registers
    alone, and no part of their own to load."""
    return document_shard(volume_id, numbers[0]) if numbers else f"{volume_id}-registers"


_TYPE_END = re.compile(r"\s+(?:From|Prepared|of|to|by|Between|for|on|Sent)\b")


def document_type(doc: Document) -> str:
    """The genre the head names: ``Memorandum``, ``Telegram``, ``Handwritten Letter``,
    ``National Security Decision Directive`` (the words before "From", "Prepared",
    "of", "to", "by"…, without a number)."""
    title = docinfo.document_title(doc)
    kind = _TYPE_END.split(title, maxsplit=1)[0]
    kind = re.sub(r"\s+(?:No\.\s*)?\d[\w/-]*$", "", kind).strip()
    return kind or "Document"


def document_filters(doc: Document, regs, found) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The filter values of a document; ``found`` are its register occurrences."""
    named: dict[str, set[str]] = {"person": set(), "term": set()}
    for occ in found:
        entry = regs.by_id(occ.entry_id) if regs else None
        if entry is not None and entry.kind in named:
            named[entry.kind].add(entry.display)
    when = docinfo.date(doc)
    label = docinfo.classification_label(doc)
    values = {
        "type": (document_type(doc),),
        "classification": (label,) if label else (),
        "year": (when[:4],) if when else (),
        "person": tuple(sorted(named["person"])),
        "term": tuple(sorted(named["term"])),
    }
    return tuple((name, values[name]) for name in FILTERS)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def document_page(doc: Document, page: str, numbers: dict[str, int], regs, found, shard: str = "") -> SearchPage:
    """A document for the search: its head (with subject and dateline), every numbered
    paragraph, every footnote (the source note too) and every annotation."""
    title = docinfo.document_title(doc)
    sections = []
    head_words = [plain(doc.head)] + [plain(item) for item in docinfo.subject(doc)]
    line = docinfo.dateline(doc)
    if line is not None:
        head_words.append(plain(line.content))
    sections.append(Section(doc.xml_id, "heading", _words(" ".join(head_words))))
    for para in paragraphs(doc.blocks):
        if para.xml_id in numbers:
            sections.append(Section(para.xml_id, f"¶{numbers[para.xml_id]}", _words(plain(para.content))))
    source = source_note(doc)
    for note in notes(doc):
        if note.xml_id:
            label = "source note" if note is source else f"note {note.n}"
            sections.append(Section(note.xml_id, label, _words(_note_words(note))))
    for ann in doc.annotations:
        words = " ".join(plain(b.content) for b in ann.blocks if isinstance(b, Para))
        sections.append(Section(ann.xml_id, f"editorial annotation {ann.n}", _words(f"{ann.quote} {words}")))
    return SearchPage(page, f"Document {doc.n}: {title}", document_filters(doc, regs, found),
                      tuple(s for s in sections if s.content), shard)


def _note_words(note: Note) -> str:
    return " ".join(plain(b.content) for b in note.blocks if isinstance(b, Para))


def register_pages(vol_title: str, regs: registers_mod.Registers, pages: dict[str, str],
                   titles: dict[str, str], shard: str = "") -> list[SearchPage]:
    """A register page for the search: one section per entry."""
    out = []
    for kind, page in pages.items():
        sections = []
        for entry in regs.of_kind(kind):
            words = " ".join(w for w in (entry.display, entry.name, entry.dates, entry.description) if w)
            sections.append(Section(entry.id, entry.display, _words(words)))
        out.append(SearchPage(page, f"{titles[kind]}: {vol_title}", (("type", (REGISTER_TYPE,)),), tuple(sections),
                              shard))
    return out


FALLBACK_GLOBAL = "editionSearchFallback"


class FallbackIndex:
    """``search/fallback.js``: the pages and their sections as a classic script, for a
    site opened from ``file://``, made a page at a time (the rows can be kept on disk
    meanwhile: the index is as large as the text of the edition).  Filter values are
    numbered once, to keep it small; their table comes after the pages."""

    def __init__(self):
        self._codes: dict[tuple[str, str], int] = {}
        self._table: list[list[str]] = []

    def row(self, path: str, title: str, filters, sections: bytes) -> bytes:
        """One page's row (JSON), its filter values numbered in the order rows are made
        (``sections``: its :func:`sections_json`, made where the page was)."""
        codes = []
        for name, vals in filters:
            for v in vals:
                if (name, v) not in self._codes:
                    self._codes[(name, v)] = len(self._table)
                    self._table.append([name, v])
                codes.append(self._codes[(name, v)])
        return b"[" + b",".join([_json(path), _json(title), _json(codes), sections]) + b"]"

    def write(self, rows, handle) -> None:
        """The script, from every page's :meth:`row` in order, written to ``handle``."""
        handle.write(f'window.{FALLBACK_GLOBAL} = {{"pages":['.encode("utf-8"))
        for k, row in enumerate(rows):
            handle.write(b"," + row if k else row)
        # a classic script: U+2028/2029 are valid in JSON and, since ES2019, in JavaScript strings
        handle.write(b'],"filters":' + _json(self._table) + b"};\n")


def sections_json(page: SearchPage) -> bytes:
    """A page's sections in its row of the fallback index."""
    return _json([[s.anchor, s.label, s.content] for s in page.sections])


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
