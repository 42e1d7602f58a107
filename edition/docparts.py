"""Parts of a document's reading page and source view worked out from the model:
what an anchor is called, the dateline, a note's HTML, the page description,
the names it mentions.
Pure functions of the document and the page's markup context; ``render`` puts
them into the templates."""

from __future__ import annotations

from markupsafe import Markup, escape

from . import docinfo, markup, urls
from .model import Container, Document, Note, Para, Volume, notes

REGISTER_TITLES = {"person": "Persons", "term": "Abbreviations and terms", "place": "Places"}


def anchor_labels(ids, doc: Document, ctx: markup.Context) -> dict[str, str]:
    """What each of these anchors is called (``¶3``, ``note 1``, ``page 524``,
    ``annotation 2``, ``document``), by its id; an id that is none of them is left out.
    The document's notes and annotations are looked through once, not once an id."""
    note_labels: dict[str, str] = {}
    for note in notes(doc):
        note_labels.setdefault(note.xml_id, f"note {note.n}")
    annotation_labels: dict[str, str] = {}
    for ann in doc.annotations:
        annotation_labels.setdefault(ann.xml_id, f"annotation {ann.n}")
    out = {}
    for xml_id in ids:
        if xml_id in ctx.paragraph_numbers:
            out[xml_id] = f"¶{ctx.paragraph_numbers[xml_id]}"
        elif xml_id in note_labels:
            out[xml_id] = note_labels[xml_id]
        elif xml_id.startswith("pg_"):
            out[xml_id] = f"page {xml_id[3:]}"
        elif xml_id in annotation_labels:
            out[xml_id] = annotation_labels[xml_id]
        elif xml_id == doc.xml_id:
            out[xml_id] = "document"
    return out


def is_dateline_opener(block) -> bool:
    return (isinstance(block, Container) and block.kind == "opener"
            and all(isinstance(c, Para) and c.kind == "dateline" for c in block.children))


def dateline(doc: Document, ctx: markup.Context) -> Markup | None:
    line = docinfo.dateline(doc)
    if line is None:
        return None
    html = markup.inline(line.content, ctx)
    if line.attr("resp") == f"#{docinfo.EDITION_EDITOR}":
        html += Markup(' <span class="supplied">(dateline supplied by the editor from the printed volume)</span>')
    return html


def note_html(note: Note, ctx: markup.Context) -> dict:
    return {
        "id": note.xml_id,
        "n": note.n,
        "body": markup.blocks(tuple(note.blocks), ctx),
        "src": ctx.source_link(note.xml_id, f"Note {note.n}"),
    }


def description(doc: Document, vol: Volume, title: str) -> str:
    return f"Document {doc.n}: {title}. {vol.title}."


def names_in(found: list, ctx: markup.Context) -> list[tuple[str, list[tuple[str, str]]]]:
    """The panel "in this document" (from the document's occurrences): per kind, each
    entry once, linked to the register."""
    regs = ctx.registers
    if regs is None:
        return []
    seen: dict[str, list] = {}
    for occ in found:
        entry = regs.by_id(occ.entry_id)
        if entry is None or entry.kind not in ctx.register_pages:
            continue
        group = seen.setdefault(entry.kind, [])
        href = urls.href(ctx.page, ctx.register_pages[entry.kind], entry.id)
        if (entry.display, href) not in group:
            group.append((entry.display, href))
    return [(REGISTER_TITLES[kind], sorted(seen[kind])) for kind in REGISTER_TITLES if kind in seen]


def cite_parts(paragraphs, pages) -> Markup:
    """The blocks "cite a paragraph or a page" of a reading page, from the (anchor,
    number, citations as :func:`citation_lines`) of each paragraph and then of each page:
    each with its heading and its citation in every style.  Made here in one pass: a
    Jinja loop over every citation of every paragraph cost the page a millisecond."""
    out = []
    for units, heading in ((paragraphs, "¶{}"), (pages, "Page {}")):
        for anchor, n, lines in units:
            at = escape(anchor)
            out.append(f'<div class="cite-part" id="cite-{at}">\n<h3><a href="#{at}">{heading.format(escape(n))}</a></h3>\n'
                       f'{lines}</div>\n')
    return Markup("".join(out))


def citation_lines(citations) -> str:
    """A reference in every style (:class:`cite.Formatted`), as HTML: a line each."""
    return "".join(f'<p class="reference" data-style="{escape(c.key)}"><span class="style-label">{escape(c.label)}:</span>'
                   f' {c.html}</p>\n' for c in citations)
