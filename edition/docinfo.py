"""What can be said about a document from its model: title, date, pages, classification.

Used by the TEI header and by the site alike; pure functions, no I/O.
"""

from __future__ import annotations

import re

from . import markings
from .model import Container, Document, Outline, Para, document_inlines, page_breaks, plain, source_note, spans


def document_title(doc: Document) -> str:
    """The head without its document number: ``Memorandum From … to President Reagan``."""
    text = plain(doc.head).strip()
    prefix = f"{doc.n}. "
    return text[len(prefix):] if text.startswith(prefix) else text


def page_range(doc: Document) -> tuple[str, str] | None:
    """First and last printed page.  A document that does not open with a page
    break starts on the page before its first break."""
    pages = [pb.n for pb in page_breaks(doc)]
    if doc.page_before_head:
        first = doc.page_before_head.n
    elif pages and pages[0].isdigit():
        first = str(int(pages[0]) - 1)
    else:
        return None
    last = pages[-1] if pages else first
    return first, last


def classification(doc: Document) -> str | None:
    """The category id of the document's classification, from its source note."""
    note = source_note(doc)
    if note is None:
        return None
    for block in note.blocks:
        for seg in spans(getattr(block, "content", ()), "seg", subtype="document"):
            return (seg.attr("ana") or "").lstrip("#") or None
    return None


def archival_source(doc: Document) -> str | None:
    note = source_note(doc)
    if note is None:
        return None
    for block in note.blocks:
        for bibl in spans(getattr(block, "content", ()), "bibl", type="archival"):
            return plain(bibl.children)
    return None


def classification_label(doc: Document) -> str | None:
    """``Secret``, ``No classification marking``…; None when the source note has none."""
    level = classification(doc)
    if level is None:
        note = source_note(doc)
        mark = markings.in_source_note(plain(note.blocks[0].content)) if note and note.blocks and isinstance(note.blocks[0], Para) else None
        level = mark.categories[0] if mark else None
    return markings.LABELS.get(level) if level else None


def dateline(doc: Document) -> Para | None:
    for block in doc.blocks:
        if isinstance(block, Container) and block.kind == "opener":
            for child in block.children:
                if isinstance(child, Para) and child.kind == "dateline":
                    return child
        if isinstance(block, Para) and block.kind == "dateline":
            return block
    return None


_ISO = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def date(doc: Document) -> str | None:
    """The document's date as ISO ``YYYY-MM-DD`` (or shorter), when the TEI says it."""
    line = dateline(doc)
    if line is not None:
        for span in spans(line.content, "date"):
            when = span.attr("when") or span.attr("notBefore") or ""
            match = _ISO.match(when)
            if match:
                return match.group(0)
    when = doc.attr("frus:doc-dateTime-min") or ""
    match = _ISO.match(when)
    return match.group(0) if match else None


def subject(doc: Document) -> list:
    from .model import ListBlock

    for block in doc.blocks:
        if isinstance(block, ListBlock) and block.type == "subject":
            return [item.content for item in block.items]
    return []




EDITION_EDITOR = "edition-editor"  # xml:id of the edition's editor in the TEI header
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def with_dateline(doc: Document, place: str, when: str) -> Document:
    """The document with a dateline (``opener/dateline``) after its head, as the
    printed volume gives it; the text format has none (rule 12), so the editor
    states it in the config.  A document that has a dateline keeps its own."""
    from dataclasses import replace

    from .model import Span, Text

    if dateline(doc) is not None or not (place or when):
        return doc
    parts: list = []
    if place:
        parts.append(Span("placeName", (Text(place),)))
    if when:
        if parts:
            parts.append(Text(", "))
        parts.append(Span("date", (Text(human_date(when)),), (("when", when),)))
    # resp: the dateline is the edition's (from the printed volume), not the text's
    opener = Container("opener", (Para("dateline", tuple(parts), attrs=(("resp", f"#{EDITION_EDITOR}"),)),))
    return replace(doc, blocks=(opener, *doc.blocks))


def human_date(iso: str | None) -> str:
    """``1982-04-05`` → ``April 5, 1982`` (as FRUS prints dates); shorter ISO dates as far as they go."""
    if not iso:
        return ""
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{_MONTHS[int(parts[1]) - 1]} {int(parts[2])}, {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]



def categories_used(doc: Document) -> list[str]:
    """The classification categories a document points to (``ana``), in order."""
    used: list[str] = []
    for seg in spans(document_inlines(doc), "seg", type="classification"):
        for ref in (seg.attr("ana") or "").split():
            cat = ref.lstrip("#")
            if cat not in used:
                used.append(cat)
    return used


def outline(doc: Document) -> Outline:
    """The document's outline (see ``model.Outline``)."""
    return Outline(doc.xml_id, doc.n, document_title(doc), date(doc), classification_label(doc),
                   tuple(categories_used(doc)))
