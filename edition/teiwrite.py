"""Document model → a standalone TEI P5 file.

The body follows the conventions of the official FRUS TEI (``div
type="document"``, ``note type="source"`` in the ``head``, ``pb`` with
``pg_N`` ids, ``closer/signed``); the header describes the encoded file, the
printed volume and the archival original, the classification taxonomy, and how
paragraphs are cited.  Only white space *between* block-level elements is added
for readability; mixed content is written exactly as the model has it, so
reading the file back gives the same text.
"""

from __future__ import annotations

from lxml import etree

from . import markings
from .docinfo import archival_source, categories_used, classification, document_title, page_range
from .docinfo import EDITION_EDITOR
from .docinfo import date as docinfo_date
from .model import (
    Anchor, Block, Container, Document, Edition, Inline, Item, LineBreak, ListBlock, Note, PageBreak, Para, Span,
    Table, Text, source_note,
)

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
T = "{%s}" % TEI_NS

# Elements whose content is only elements: white space between their children is
# insignificant, so we indent there and nowhere else.
_ELEMENT_ONLY = {
    "TEI", "teiHeader", "fileDesc", "editionStmt", "titleStmt", "publicationStmt", "seriesStmt", "sourceDesc",
    "encodingDesc", "refsDecl", "classDecl", "taxonomy", "category", "profileDesc", "textClass",
    "revisionDesc", "text", "body", "div", "list", "opener", "closer", "table", "row", "availability",
    "citeStructure", "langUsage", "back", "teiCorpus", "respStmt", "editorialDecl", "projectDesc", "bibl", "listBibl",
    "msDesc", "msIdentifier", "postscript", "quote", "creation",
}


def _el(tag: str, attrib: dict | None = None, text: str | None = None, parent=None):
    attrib = {k: v for k, v in (attrib or {}).items() if v is not None}
    node = etree.SubElement(parent, T + tag, attrib) if parent is not None else etree.Element(T + tag, attrib, nsmap={None: TEI_NS})
    if text is not None:
        node.text = text
    return node


# ------------------------------------------------------------------ inline


def _append_text(parent, text: str) -> None:
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _inlines(parent, content: tuple[Inline, ...]) -> None:
    for node in content:
        if isinstance(node, Text):
            _append_text(parent, node.text)
        elif isinstance(node, LineBreak):
            _el("lb", parent=parent)
        elif isinstance(node, PageBreak):
            _el("pb", {"n": node.n, XML_ID: node.xml_id}, parent=parent)
        elif isinstance(node, Note):
            _note(parent, node)
        elif isinstance(node, Anchor):
            _el("anchor", {XML_ID: node.xml_id}, parent=parent)
        elif isinstance(node, Span):
            span = _el(node.kind, dict(node.attrs), parent=parent)
            _inlines(span, node.children)
        else:  # pragma: no cover - the model has no other inline kinds
            raise TypeError(node)


def _note(parent, note: Note) -> None:
    el = _el("note", {"n": note.n, "type": note.type, XML_ID: note.xml_id}, parent=parent)
    if len(note.blocks) == 1 and isinstance(note.blocks[0], Para):
        _inlines(el, note.blocks[0].content)  # FRUS style: a one-paragraph note holds its text
    else:
        for block in note.blocks:
            _block(el, block)


# ------------------------------------------------------------------ blocks


def _block(parent, block: Block) -> None:
    if isinstance(block, PageBreak):
        _el("pb", {"n": block.n, XML_ID: block.xml_id}, parent=parent)
    elif isinstance(block, Para):
        tag, attrs = block.kind, dict(block.attrs)
        if block.kind == "label":
            tag, attrs = "head", {"type": "label", **attrs}
        el = _el(tag, {**attrs, XML_ID: block.xml_id}, parent=parent)
        _inlines(el, block.content)
    elif isinstance(block, ListBlock):
        _list(parent, block)
    elif isinstance(block, Table):
        table = _el("table", parent=parent)
        if block.head:
            _inlines(_el("head", parent=table), block.head)
        for row in block.rows:
            row_el = _el("row", parent=table)
            for cell in row:
                _inlines(_el("cell", parent=row_el), cell)
    elif isinstance(block, Container):
        if block.kind == "attachment":
            el = _el("div", {"type": "attachment", **dict(block.attrs)}, parent=parent)
        else:
            el = _el(block.kind, dict(block.attrs), parent=parent)
        for child in block.children:
            _block(el, child)
    else:  # pragma: no cover
        raise TypeError(block)


def _list(parent, block: ListBlock) -> None:
    el = _el("list", {"type": block.type}, parent=parent)
    if block.head is not None:
        _inlines(_el("head", parent=el), block.head)
    for item in block.items:
        _item(el, item)


def _item(parent, item: Item) -> None:
    el = _el("item", parent=parent)
    _inlines(el, item.content)
    for sub in item.sublists:
        _list(el, sub)


def body_div(doc: Document):
    # Only TEI attributes: the frus: ones of official files are not TEI P5.
    extra = {k: v for k, v in doc.attrs if ":" not in k}
    attrs = {"type": "document", **extra, "n": doc.n, XML_ID: doc.xml_id}
    div = etree.Element(T + "div", attrs, nsmap={None: TEI_NS})
    if doc.page_before_head:
        _block(div, doc.page_before_head)
    head = _el("head", parent=div)
    _inlines(head, doc.head)
    for block in doc.blocks:
        _block(div, block)
    return div


# ------------------------------------------------------------------ header


def header(doc: Document, edition: Edition):
    vol = edition.volume
    title = document_title(doc)
    h = _el("teiHeader")
    file_desc = _el("fileDesc", parent=h)
    title_stmt = _el("titleStmt", parent=file_desc)
    _el("title", {"type": "complete"}, title, parent=title_stmt)
    _el("title", {"type": "volume", "level": "m"}, vol.title, parent=title_stmt)
    for k, person in enumerate(edition.editors):
        _el("editor", {"role": "edition", XML_ID: EDITION_EDITOR if k == 0 else f"{EDITION_EDITOR}-{k + 1}"},
            person.name, parent=title_stmt)
    for person in vol.editors:
        _el("editor", {"role": _role(person.role)}, person.name, parent=title_stmt)
    resp = _el("respStmt", parent=title_stmt)
    _el("resp", None, "TEI encoding from the plain text of the Office of the Historian’s publication", parent=resp)
    _el("orgName", None, edition.publisher, parent=resp)

    edition_stmt = _el("editionStmt", parent=file_desc)
    _el("edition", {"n": edition.version}, f"{edition.title}, version {edition.version}", parent=edition_stmt)

    pub = _el("publicationStmt", parent=file_desc)
    _el("publisher", None, edition.publisher, parent=pub)
    _el("date", {"when": edition.date}, edition.date, parent=pub)
    _el("idno", {"type": "frus-volume"}, vol.id, parent=pub)
    _el("idno", {"type": "frus-document"}, doc.xml_id, parent=pub)
    if vol.online:
        _el("idno", {"type": "URI"}, f"{vol.online.rstrip('/')}/{doc.xml_id}", parent=pub)
    avail = _el("availability", {"status": "free"}, parent=pub)
    licence = _el("licence", {"target": edition.licence_url}, parent=avail)
    licence.text = (
        "Public domain. This document is a work of the United States Government and is not"
        " subject to copyright in the United States; the encoding is dedicated to the public domain."
    )

    series = _el("seriesStmt", parent=file_desc)
    _el("title", {"level": "s"}, vol.series, parent=series)
    _el("biblScope", {"unit": "volume", "n": vol.number}, f"{vol.subseries}, Volume {vol.number}", parent=series)

    source = _el("sourceDesc", parent=file_desc)
    printed = _el("bibl", {"type": "printed"}, parent=source)
    _el("title", {"level": "m"}, vol.title, parent=printed)
    for person in vol.editors:
        _el("editor", {"role": _role(person.role)}, person.name, parent=printed)
    _el("publisher", None, vol.publisher, parent=printed)
    _el("pubPlace", None, vol.place, parent=printed)
    _el("date", {"when": vol.year}, vol.year, parent=printed)
    _el("biblScope", {"unit": "document", "n": doc.n}, f"Document {doc.n}", parent=printed)
    pages = page_range(doc)
    if pages:
        first, last = pages
        text = f"pp. {first}–{last}" if first != last else f"p. {first}"
        _el("biblScope", {"unit": "page", "from": first, "to": last}, text, parent=printed)
    if vol.online:
        _el("ref", {"target": f"{vol.online.rstrip('/')}/{doc.xml_id}"}, "Online edition", parent=printed)
    archive = archival_source(doc)
    if archive:
        _el("bibl", {"type": "archival", "corresp": f"#{source_note(doc).xml_id}"}, archive, parent=source)

    enc = _el("encodingDesc", parent=h)
    project = _el("projectDesc", parent=enc)
    _el(
        "p", None,
        "Encoded from the plain text of the document as published by the Office of the Historian."
        " The text is kept unchanged: footnotes stand at their callouts, page breaks of the printed"
        " volume are pb elements, and classification markings are seg elements pointing into the"
        " classification taxonomy below.",
        parent=project,
    )
    refs = _el("refsDecl", parent=enc)
    cite = _el(
        "citeStructure",
        {"unit": "document", "match": "/TEI/text/body/div[@type='document']", "use": "@xml:id"},
        parent=refs,
    )
    _el("citeStructure", {"unit": "paragraph", "match": ".//p[@xml:id]", "use": "@xml:id", "delim": "#"}, parent=cite)
    _el("citeStructure", {"unit": "note", "match": ".//note[@xml:id]", "use": "@xml:id", "delim": "#"}, parent=cite)
    _el("citeStructure", {"unit": "page", "match": ".//pb[@xml:id]", "use": "@xml:id", "delim": "#"}, parent=cite)
    class_decl(enc, categories_used(doc))

    profile = _el("profileDesc", parent=h)
    when = docinfo_date(doc)
    if when:
        creation = _el("creation", parent=profile)
        _el("date", {"when": when}, when, parent=creation)
    lang = _el("langUsage", parent=profile)
    _el("language", {"ident": "en"}, "English", parent=lang)
    level = classification(doc)
    if level:
        text_class = _el("textClass", parent=profile)
        _el("catRef", {"scheme": "#classification", "target": f"#{level}"}, parent=text_class)

    revision = _el("revisionDesc", parent=h)
    change = _el("change", {"when": edition.date, "n": edition.version}, parent=revision)
    change.text = f"Encoded for version {edition.version} of the edition."
    return h


def _role(role: str) -> str:
    return role.replace(" ", "-") if role else "editor"


# ------------------------------------------------------------------ file


def tei_document(doc: Document, edition: Edition):
    root = _el("TEI", {XML_LANG: "en"})
    root.append(header(doc, edition))
    text = _el("text", parent=root)
    body = _el("body", parent=text)
    body.append(body_div(doc))
    if doc.annotations:
        back = _el("back", parent=text)
        div = _el("div", {"type": "annotations"}, parent=back)
        _el("head", None, "Editorial annotations", parent=div)
        for ann in doc.annotations:
            note = _el("note", {"type": "annotation", "n": ann.n, "resp": f"#{EDITION_EDITOR}", XML_ID: ann.xml_id,
                                "target": f"#{ann.start}", "targetEnd": f"#{ann.end}"}, parent=div)
            for block in ann.blocks:
                _block(note, block)
    _indent(root, 0)
    return root


def to_bytes(doc: Document, edition: Edition) -> bytes:
    return serialized(tei_document(doc, edition))


def serialized(root) -> bytes:
    """The TEI file of a tree made by :func:`tei_document`."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def class_decl(parent, used) -> None:
    """The classification taxonomy: every level, and the caveats ``used``."""
    decl = _el("classDecl", parent=parent)
    taxonomy = _el("taxonomy", {XML_ID: "classification"}, parent=decl)
    _el("bibl", None, "Security classification markings of United States Government documents", parent=taxonomy)
    for cat, label, _ in markings.LEVELS:
        category = _el("category", {XML_ID: cat}, parent=taxonomy)
        _el("catDesc", None, label, parent=category)
    for cat in used:
        if cat.startswith("caveat-"):
            category = _el("category", {XML_ID: cat}, parent=taxonomy)
            _el("catDesc", None, markings.LABELS[cat], parent=category)


def indent(root) -> None:
    """White space between block-level elements only (mixed content is left as it is)."""
    _indent(root, 0)


def _indent(el, level: int) -> None:
    tag = el.tag
    local = tag[len(T):] if tag.startswith(T) else etree.QName(el).localname
    if local not in _ELEMENT_ONLY or not len(el) or (el.text and el.text.strip()):
        return
    if any(child.tail and child.tail.strip() for child in el):
        return  # mixed content after all (e.g. a bibl with text): leave it alone
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for child in el:
        child.tail = pad
        _indent(child, level + 1)
    el[-1].tail = "\n" + "  " * level
