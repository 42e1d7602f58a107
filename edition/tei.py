"""TEI → document model.  The only module that parses TEI or uses XPath.

It reads our own TEI files and official FRUS TEI alike (a standalone
``<div type="document">`` cut out of a volume, or a whole ``TEI`` file), and
applies the white-space rules of the text format once, here: runs of white
space are one space, white space at block edges and before a footnote callout
does not count.  Everything downstream sees the same canonical model whichever
file it came from.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import EditionError, Location
from .model import (
    Anchor, Annotation, Block, Container, Document, Inline, Item, LineBreak, ListBlock, Note, PageBreak, Para, Span, Table, Text,
)

TEI_NS = "http://www.tei-c.org/ns/1.0"
FRUS_NS = "http://history.state.gov/frus/ns/1.0"
NS = {"tei": TEI_NS, "frus": FRUS_NS}
XML_NS = "http://www.w3.org/XML/1998/namespace"
_WS = re.compile(r"[ \t\n\r]+")

# Block-level elements that only contain other blocks.
_CONTAINERS = {"opener", "closer", "postscript", "attachment", "div", "quote", "floatingText", "body", "group"}
_PARAS = {"p": "p", "ab": "p", "salute": "salute", "signed": "signed", "dateline": "dateline", "head": "head",
          "byline": "byline", "trailer": "trailer", "docAuthor": "byline", "label": "label"}


def parser() -> etree.XMLParser:
    """An XML parser that never loads a DTD, expands an entity or touches the network."""
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )


def parse_file(path: str | Path):
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise EditionError(Location(name), f"cannot read: {exc.strerror}") from None
    return parse_bytes(name, data)


MAX_BYTES = 20 * 1024 * 1024  # a FRUS volume file is about 8 MB
MAX_DEPTH = 100  # FRUS documents nest a dozen levels deep


def parse_bytes(name: str, data: bytes):
    """Parse TEI safely: no DTD, no entities, no network; bounded in size and depth."""
    if len(data) > MAX_BYTES:
        raise EditionError(Location(name), f"the file is {len(data) / 1024 / 1024:.0f} MB;"
                           f" TEI input is limited to {MAX_BYTES // 1024 // 1024} MB")
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        first = min(i for i in (data.find(b"<!DOCTYPE"), data.find(b"<!ENTITY")) if i >= 0)
        line = data[:first].count(b"\n") + 1
        raise EditionError(Location(name, line), "a DOCTYPE or entity declaration is not allowed in TEI input"
                           " (no DTDs, no entities: they can read files or expand without end)")
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        raise EditionError(Location(name, line or 1, col or 1), f"not well-formed XML: {message}") from None
    depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > MAX_DEPTH:
            raise EditionError(Location(name, el.sourceline or 1),
                               f"elements nest deeper than {MAX_DEPTH} levels; TEI input is limited to {MAX_DEPTH}")
    return root


def read_documents(path: str | Path) -> list[Document]:
    """Every ``div[@type='document']`` in a TEI file, as documents."""
    root = parse_file(path)
    return documents_from(root, str(path))


def documents_from(root, name: str) -> list[Document]:
    if _local(root) == "div" and root.get("type") == "document":
        divs = [root]
    else:
        divs = root.xpath(".//tei:div[@type='document']", namespaces=NS)
    if not divs:
        raise EditionError(Location(name, root.sourceline or 1), "no <div type=\"document\"> in this TEI file")
    docs = [_document(div, name) for div in divs]
    if len(docs) == 1 and _local(root) == "TEI":
        notes = root.xpath("./tei:text/tei:back/tei:div[@type='annotations']/tei:note[@type='annotation']", namespaces=NS)
        if notes:
            docs[0] = dataclasses.replace(docs[0], annotations=tuple(_annotation(n, name) for n in notes))
    return docs


def _annotation(el, name: str) -> Annotation:
    ctx = _Ctx(name, "", in_note=True)
    blocks: list[Block] = []
    for child in el:
        if _local(child):
            blocks.extend(_blocks(child, ctx))
    return Annotation(_xml_id(el) or "", el.get("n", ""), "", tuple(blocks),
                      (el.get("target") or "").lstrip("#"), (el.get("targetEnd") or "").lstrip("#"))


# ------------------------------------------------------------------ reading


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _attrs(el) -> tuple[tuple[str, str], ...]:
    out = []
    for key, value in el.attrib.items():
        q = etree.QName(key)
        if q.namespace == XML_NS:
            name = f"xml:{q.localname}"
        elif q.namespace == FRUS_NS:
            name = f"frus:{q.localname}"
        else:
            name = q.localname
        out.append((name, value))
    return tuple(out)


def _xml_id(el) -> str | None:
    return el.get(f"{{{XML_NS}}}id")


@dataclass
class _Ctx:
    name: str
    doc_id: str
    paragraphs: int = 0
    in_note: bool = False

    def paragraph_id(self, el) -> str | None:
        """The paragraph's own id, or the next ``dNpK`` (body paragraphs only,
        counted as the encoder counts them, so official FRUS paragraphs get the
        same anchors as ours)."""
        if self.in_note:
            return _xml_id(el)
        self.paragraphs += 1
        return _xml_id(el) or f"{self.doc_id}p{self.paragraphs}"


def _document(div, name: str) -> Document:
    doc_id = _xml_id(div) or f"d{div.get('n', '')}"
    n = div.get("n") or doc_id.lstrip("d")
    ctx = _Ctx(name, doc_id)
    page_before = None
    head: tuple[Inline, ...] = ()
    blocks: list[Block] = []
    seen_head = False
    for child in div:
        local = _local(child)
        if not local:
            continue
        if local == "pb" and not seen_head:
            page_before = _pb(child)
            continue
        if local == "head" and not seen_head:
            head = _normalise(_content(child, ctx))
            seen_head = True
            continue
        blocks.extend(_blocks(child, ctx))
    if not seen_head:
        raise EditionError(Location(name, div.sourceline or 1), f"document {doc_id} has no <head>")
    return Document(n=n, xml_id=doc_id, head=head, blocks=tuple(blocks), page_before_head=page_before,
                    attrs=tuple((k, v) for k, v in _attrs(div) if k not in ("type", "n", "xml:id")), source=name)


def _pb(el) -> PageBreak:
    n = el.get("n", "")
    return PageBreak(n, _xml_id(el) or (f"pg_{n}" if n else None))


def _blocks(el, ctx: _Ctx) -> list[Block]:
    local = _local(el)
    if local == "pb":
        return [_pb(el)]
    if local in ("p", "ab"):
        return [Para("p", _normalise(_content(el, ctx)), ctx.paragraph_id(el), _keep(el, "rend"), el.sourceline or 0)]
    if local == "note" and el.get("n") is None:
        return [Para("label", _normalise(_content(el, ctx)), None, _keep(el, "rend", "type"))]
    if local in _PARAS:
        return [Para(_PARAS[local], _normalise(_content(el, ctx)), None, _keep(el, "rend", "type", "resp"), el.sourceline or 0)]
    if local == "list":
        return [_list(el, ctx)]
    if local == "table":
        return [_table(el, ctx)]
    if local in _CONTAINERS or local == "lg":
        kind = "attachment" if (local == "attachment" or (local == "div" and el.get("type") == "attachment")) else local
        children: list[Block] = []
        for child in el:
            if _local(child):
                children.extend(_blocks(child, ctx))
        return [Container(kind, tuple(children), _keep(el, "type", "subtype", "n"))]
    # Anything else at block level keeps its name; the renderer shows its words
    # and warns that it does not know the element.
    return [Para(local, _normalise(_content(el, ctx)), None, _attrs(el), el.sourceline or 0)]


def _keep(el, *names: str) -> tuple[tuple[str, str], ...]:
    return tuple((n, el.get(n)) for n in names if el.get(n) is not None)


def _list(el, ctx: _Ctx) -> ListBlock:
    head = None
    items: list[Item] = []
    for child in el:
        local = _local(child)
        if local == "head":
            head = _normalise(_content(child, ctx))
        elif local == "item":
            content = _normalise(_content(child, ctx, skip=("list",)))
            subs = [_list(sub, ctx) for sub in child if _local(sub) == "list"]
            items.append(Item(content, tuple(subs)))
    return ListBlock(el.get("type"), head, tuple(items))


def _table(el, ctx: _Ctx) -> Table:
    head = None
    rows = []
    for child in el:
        local = _local(child)
        if local == "head":
            head = _normalise(_content(child, ctx))
        elif local == "row":
            rows.append(tuple(_normalise(_content(cell, ctx)) for cell in child if _local(cell) == "cell"))
    return Table(head, tuple(rows))


# ------------------------------------------------------------------ inline


def _content(el, ctx: _Ctx, skip: tuple[str, ...] = ()) -> list[Inline]:
    """Raw inline content (white space not yet normalised)."""
    out: list[Inline] = []
    if el.text:
        out.append(Text(el.text))
    for child in el:
        local = _local(child)
        if local and local not in skip:
            out.append(_inline(child, ctx))
        if child.tail:
            out.append(Text(child.tail))
    return out


def _inline(el, ctx: _Ctx) -> Inline:
    local = _local(el)
    if local == "lb":
        return LineBreak()
    if local == "pb":
        return _pb(el)
    if local == "note" and el.get("n") is not None:
        return _footnote(el, ctx)
    if local == "anchor" and _xml_id(el):
        return Anchor(_xml_id(el))
    return Span(local, tuple(_content(el, ctx)), _attrs(el), el.sourceline or 0)


_NOTE_BLOCKS = {"p", "list", "quote", "table", "ab", "lg"}


def _footnote(el, ctx: _Ctx) -> Note:
    blocks: list[Block] = []
    if any(_local(child) in _NOTE_BLOCKS for child in el):
        notes_ctx = _Ctx(ctx.name, ctx.doc_id, in_note=True)
        for child in el:
            local = _local(child)
            if local in ("p", "ab"):
                blocks.append(Para("p", _normalise(_content(child, notes_ctx))))
            elif local:
                blocks.extend(_blocks(child, notes_ctx))
    else:
        blocks.append(Para("p", _normalise(_content(el, ctx))))
    return Note(el.get("n", ""), _xml_id(el), tuple(blocks), el.get("type"))


# ------------------------------------------------------------- white space


@dataclass
class _Out:
    """One output node under construction while normalising."""

    kind: str  # "text", "open", "close", "other"
    value: object = None


def _normalise(content: list[Inline]) -> tuple[Inline, ...]:
    """Apply the white-space rules to one block's inline content.

    A run of white space becomes one space, placed where the run began (so it
    stays outside a name that follows it); it disappears at the start and end
    of the block, around a line break, and before a footnote callout.
    """
    events: list[_Out] = []
    state = {"pending": None, "at_start": True, "space_before": True}

    def flatten(nodes):
        for node in nodes:
            if isinstance(node, Text):
                for piece in re.split(r"([ \t\n\r]+)", node.text):
                    if not piece:
                        continue
                    if _WS.fullmatch(piece):
                        if not state["at_start"] and not state["space_before"] and state["pending"] is None:
                            state["pending"] = len(events)
                            events.append(_Out("text", ""))  # placeholder, filled if a word follows
                    else:
                        if state["pending"] is not None:
                            events[state["pending"]].value = " "
                            state["pending"] = None
                        events.append(_Out("text", piece))
                        state["at_start"] = False
                        state["space_before"] = False
            elif isinstance(node, Span):
                events.append(_Out("open", node))
                flatten(node.children)
                events.append(_Out("close", node))
            elif isinstance(node, Note):
                state["pending"] = None
                events.append(_Out("other", node))
            elif isinstance(node, LineBreak):
                state["pending"] = None
                state["at_start"] = True
                events.append(_Out("other", node))
            elif isinstance(node, Anchor):
                events.append(_Out("other", node))
            elif isinstance(node, PageBreak):
                if state["pending"] is not None:
                    # "good <pb/> progress": the space stays before the break and
                    # any space after it is the same one
                    events[state["pending"]].value = " "
                    state["pending"] = None
                    state["space_before"] = True
                events.append(_Out("other", node))
            else:  # pragma: no cover
                raise TypeError(node)

    flatten(content)
    if state["pending"] is not None:
        events[state["pending"]].value = ""
    return _rebuild(events)


def _rebuild(events: list[_Out]) -> tuple[Inline, ...]:
    stack: list[list[Inline]] = [[]]
    spans: list[Span] = []
    for ev in events:
        if ev.kind == "text":
            if not ev.value:
                continue
            current = stack[-1]
            if current and isinstance(current[-1], Text):
                current[-1] = Text(current[-1].text + ev.value)
            else:
                current.append(Text(ev.value))
        elif ev.kind == "open":
            spans.append(ev.value)
            stack.append([])
        elif ev.kind == "close":
            span = spans.pop()
            children = stack.pop()
            stack[-1].append(Span(span.kind, tuple(children), span.attrs, span.line))
        else:
            stack[-1].append(ev.value)
    return tuple(stack[0])
