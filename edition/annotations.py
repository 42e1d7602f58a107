"""Editorial annotations: the editor's notes, kept apart from the FRUS footnotes.

One Markdown file per document, ``seeds/annotations/d156.md``.  Each annotation
is a second-level heading that quotes the words it explains, exactly as the
text has them (without footnote numbers or page markers), optionally followed
by ``prefix:`` / ``suffix:`` lines that pick one place where the words stand
more than once; then its body in Markdown::

    ## some 40 years
    prefix: continuously for

    Gromyko had entered the Soviet diplomatic service in 1939 …

The quoted words are marked in the text by two anchors; the annotation becomes
a stand-off ``note type="annotation"`` (``target``/``targetEnd``) in the TEI's
``back``, and a lettered marker (a, b, c…) on the page.  Markdown can format
(emphasis, links, lists) but raw HTML is off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from markdown_it import MarkdownIt

from .errors import EditionError, Location
from .model import (
    map_blocks, map_content, merge_texts, Anchor, Annotation, Container, Document, Inline, Item, LineBreak, ListBlock, Note, Para, Span, Table, Text,
)
from .seeds import decode_text

_MD = MarkdownIt("commonmark", {"html": False})
_HEADING = re.compile(r"## (.+)")
_QUALIFIER = re.compile(r"(prefix|suffix): (.*)")


@dataclass(frozen=True)
class Draft:
    """An annotation as the editor wrote it, with where."""

    quote: str
    prefix: str
    suffix: str
    body: str
    line: int  # of its heading
    body_line: int


def read(path: Path) -> list[Draft]:
    text = decode_text(str(path), path.read_bytes()).text
    lines = text.split("\n")
    drafts: list[Draft] = []
    k = 0
    while k < len(lines):
        match = _HEADING.fullmatch(lines[k].rstrip())
        if not match:
            if lines[k].strip() and not lines[k].startswith("# ") and not drafts:
                raise EditionError(Location(str(path), k + 1), "text before the first annotation; each starts with '## <the quoted words>'")
            k += 1
            continue
        heading = k
        quote = match.group(1).strip()
        prefix = suffix = ""
        k += 1
        while k < len(lines) and _QUALIFIER.fullmatch(lines[k].strip()):
            which, words = _QUALIFIER.fullmatch(lines[k].strip()).groups()
            prefix, suffix = (words, suffix) if which == "prefix" else (prefix, words)
            k += 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        start = k
        while k < len(lines) and not _HEADING.fullmatch(lines[k].rstrip()):
            k += 1
        body = "\n".join(lines[start:k]).strip()
        if not body:
            raise EditionError(Location(str(path), heading + 1), f"the annotation on “{quote}” has no text")
        drafts.append(Draft(quote, prefix, suffix, body, heading + 1, start + 1))
    return drafts


# ------------------------------------------------------------ Markdown → model


def body_blocks(draft: Draft, path: str) -> tuple:
    """The annotation's Markdown as model blocks (paragraphs and lists, with emphasis and links)."""
    tokens = _MD.parse(draft.body)
    blocks: list = []
    stack: list[list] = [blocks]
    items: list[list[Item]] = []
    for token in tokens:
        kind = token.type
        if kind in ("paragraph_open", "paragraph_close", "list_item_close"):
            continue
        if kind == "inline":
            content = tuple(_inline(token.children or [], draft, path, token))
            if items:
                items[-1].append(Item(content))
            else:
                stack[-1].append(Para("p", content))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items.append([])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            done = items.pop()
            stack[-1].append(ListBlock("ordered" if kind.startswith("ordered") else None, None, tuple(done)))
        elif kind == "list_item_open":
            continue
        else:
            line = draft.body_line + (token.map[0] if token.map else 0)
            raise EditionError(Location(path, line), f"{kind.replace('_open', '')} is not used in annotations;"
                               " write paragraphs and lists, with emphasis and links")
    return tuple(blocks)


def _inline(children, draft: Draft, path: str, parent) -> list[Inline]:
    out: list[Inline] = []
    stack: list[tuple[str, tuple, list]] = []

    def add(node):
        (stack[-1][2] if stack else out).append(node)

    for tok in children:
        if tok.type == "text":
            add(Text(re.sub(r"\s+", " ", tok.content)))
        elif tok.type in ("softbreak",):
            add(Text(" "))
        elif tok.type == "hardbreak":
            add(LineBreak())
        elif tok.type == "code_inline":
            add(Span("code", (Text(tok.content),)))
        elif tok.type in ("em_open", "strong_open"):
            stack.append(("hi", (("rend", "italic" if tok.type == "em_open" else "bold"),), []))
        elif tok.type == "link_open":
            stack.append(("ref", (("target", tok.attrGet("href") or ""),), []))
        elif tok.type in ("em_close", "strong_close", "link_close"):
            kind, attrs, kids = stack.pop()
            add(Span(kind, tuple(merge_texts(kids)), attrs))
        else:
            line = draft.body_line + (parent.map[0] if parent.map else 0)
            raise EditionError(Location(path, line), f"{tok.type} is not used in annotations")
    return merge_texts(out)


# ------------------------------------------------------------ anchoring


def _words(nodes) -> str:
    return "".join(n.text if isinstance(n, Text) else _words(n.children) if isinstance(n, Span) else ""
                   for n in nodes)


def _units(doc: Document):
    """(label, content) of every run of text an annotation may quote: head, blocks, footnotes."""
    yield "head", doc.head

    def walk(block):
        if isinstance(block, Para):
            yield block.xml_id or block.kind, block.content
        elif isinstance(block, ListBlock):
            if block.head:
                yield "list", block.head
            for item in block.items:
                yield "item", item.content
                for sub in item.sublists:
                    yield from walk(sub)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    yield "cell", cell
        elif isinstance(block, Container):
            for child in block.children:
                yield from walk(child)

    for block in doc.blocks:
        yield from walk(block)
    from .model import notes

    for note in notes(doc):
        for block in note.blocks:
            for label, content in walk(block):
                yield f"note {note.n}", content


def attach(doc: Document, path: str | Path) -> Document:
    """The document with the annotations of ``path`` anchored in its text."""
    path = Path(path)
    drafts = read(path)
    annotations: list[Annotation] = []
    for k, draft in enumerate(drafts, start=1):
        ann_id = f"{doc.xml_id}ann{k}"
        found = [(label, content, m.start(1))
                 for label, content in _units(doc)
                 for m in re.finditer(
                     # prefix and suffix are words next to the quote, with or without the space between
                     re.escape(draft.prefix) + r"\s?(" + re.escape(draft.quote) + r")\s?" + re.escape(draft.suffix),
                     _words(content))]
        where = Location(str(path), draft.line)
        if not found:
            raise EditionError(where, f"the quoted words “{draft.quote}” are not in {doc.xml_id}"
                               " (quote them exactly, without footnote numbers or page markers)")
        if len(found) > 1:
            places = ", ".join(label for label, _, _ in found)
            raise EditionError(where, f"the quoted words “{draft.quote}” stand {len(found)} times in {doc.xml_id}"
                               f" ({places}); add a prefix: or suffix: line to choose one")
        label, content, start = found[0]
        doc = _insert(doc, content, start, start + len(draft.quote), ann_id)
        annotations.append(Annotation(ann_id, _letter(k), draft.quote, body_blocks(draft, str(path)),
                                      f"{ann_id}-start", f"{ann_id}-end"))
    return replace(doc, annotations=tuple(annotations))


def _letter(k: int) -> str:
    letters = ""
    while k:
        k, r = divmod(k - 1, 26)
        letters = chr(ord("a") + r) + letters
    return letters


def _insert(doc: Document, target: tuple, start: int, end: int, ann_id: str) -> Document:
    """Put the two anchors into the one content tuple ``target`` (found by identity)."""
    new = _with_anchors(target, start, end, ann_id)

    def content(nodes):
        if nodes is target:
            return new
        out = []
        for node in nodes:
            if isinstance(node, Span):
                node = replace(node, children=content(node.children))
            elif isinstance(node, Note):
                node = replace(node, blocks=map_blocks(node.blocks, content))
            out.append(node)
        return tuple(out)

    return map_content(doc, content)



def _with_anchors(nodes: tuple, start: int, end: int, ann_id: str) -> tuple:
    """Split text at the two offsets (counted in words, as ``_words`` counts) and insert anchors:
    the start anchor before the first quoted character, the end anchor after the last."""
    marks = [(start, Anchor(f"{ann_id}-start"), True), (end, Anchor(f"{ann_id}-end"), False)]
    offset = 0

    def walk(items):
        nonlocal offset
        out: list = []
        for node in items:
            if isinstance(node, Text):
                text, pos = node.text, 0
                while marks:
                    at, anchor, is_start = marks[0]
                    inside = offset <= at < offset + len(text) if is_start else offset < at <= offset + len(text)
                    if not inside:
                        break
                    if at - offset > pos:
                        out.append(Text(text[pos:at - offset]))
                        pos = at - offset
                    out.append(anchor)
                    marks.pop(0)
                if pos < len(text):
                    out.append(Text(text[pos:]))
                offset += len(text)
            elif isinstance(node, Span):
                out.append(replace(node, children=tuple(walk(node.children))))
            else:
                out.append(node)  # notes, page and line breaks take no room in the words
        return out

    return tuple(_hoist(walk(nodes)))


def _hoist(nodes: list) -> list:
    """Move an anchor at the very edge of a name out of it (``<persName><anchor/>Brezhnev``
    → ``<anchor/><persName>Brezhnev``): the same words, and no marker inside a link."""
    out: list = []
    for node in nodes:
        if isinstance(node, Span):
            children = _hoist(list(node.children))
            before = []
            while children and isinstance(children[0], Anchor) and children[0].xml_id.endswith("-start"):
                before.append(children.pop(0))
            after = []
            while children and isinstance(children[-1], Anchor) and children[-1].xml_id.endswith("-end"):
                after.insert(0, children.pop())
            out.extend(before)
            out.append(replace(node, children=tuple(children)))
            out.extend(after)
        else:
            out.append(node)
    return out


def for_document(doc: Document, folder: str) -> Document:
    """Attach ``<folder>/<doc id>.md`` if the editor wrote one."""
    path = Path(folder) / f"{doc.xml_id}.md" if folder else None
    if path is None or not path.is_file():
        return doc
    return attach(doc, path)

