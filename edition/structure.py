"""What each block of the text is: the document's structure from its blocks.

``encode`` hands over the body as pieces (a paragraph's inline content, a list
item with its level, a table's rows); this module recognises the subject
line, salutation, signature, list heads and nesting, and attachments, each by
a rule an editor can read below, and builds the model's blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .markings import mark_paragraph as _mark_paragraph
from .model import Container, Inline, Item, LineBreak, ListBlock, PageBreak, Para, Table, Text

SALUTATION = re.compile(r"(?:Dear|My dear) [^!?\n]{1,80}[,:]")
_NAME_WORD = r"(?:[A-Z][A-Za-z’'\-]*[a-z])"
SIGNATURE = re.compile(rf"(?:(?:{_NAME_WORD}|[A-Z]\.(?:[A-Z]\.)?|de|van|von|da) ){{0,4}}{_NAME_WORD}")
ATTACHMENT_LABEL = re.compile(
    r"(?:Tab [A-Z0-9]+|Attachment(?: [A-Z0-9]+)?|Attachments|Enclosure(?: [A-Z0-9]+)?|Annex(?: [A-Z0-9]+)?)"
)
LIST_HEAD = re.compile(r"[A-Z][A-Z0-9 .,:;’'()\-–—/&]*[A-Z.:)]")


@dataclass
class Piece:
    kind: str  # "item", "table", "text"
    lead: list[PageBreak]
    content: list[Inline]
    level: int = 0
    rows: list | None = None

    @property
    def plain(self) -> str:
        return "".join(n.text for n in self.content if isinstance(n, Text))

    @property
    def single_line(self) -> bool:
        return not any(isinstance(n, LineBreak) for n in self.content)


def assemble(pieces: list[Piece]) -> list:
    """Group the pieces into the document's block structure."""
    out: list = []
    i = 0
    # Subject line(s): items straight after the head.
    subject: list[Item] = []
    while i < len(pieces) and pieces[i].kind == "item" and pieces[i].level == 1 and not pieces[i].lead:
        subject.append(Item(tuple(pieces[i].content)))
        i += 1
    if subject:
        out.append(ListBlock("subject", (Text("SUBJECT"),), tuple(subject)))
    # Sections: the document, then one per attachment label.
    sections: list[list[Piece]] = [[]]
    labels: list[Piece] = []
    for piece in pieces[i:]:
        if piece.kind == "text" and piece.single_line and ATTACHMENT_LABEL.fullmatch(piece.plain) and _bare(piece):
            sections.append([])
            labels.append(piece)
        sections[-1].append(piece)
    main = _section(sections[0])
    if labels and any(isinstance(b, Container) and b.kind == "closer" for b in main):
        # TEI lets nothing follow a <closer> in its div; attachments come after the
        # signature, so the document's own text becomes a division of its own.
        main = [Container("div", tuple(main), (("type", "main"),))]
    out.extend(main)
    for label, section in zip(labels, sections[1:]):
        children: list = list(label.lead)
        children.append(Para("label", tuple(label.content)))
        rest = section[1:]
        if rest and rest[0].kind == "text":
            head = rest.pop(0)
            children.extend(head.lead)
            children.append(Para("head", tuple(head.content)))
        children.extend(_section(rest))
        out.append(Container("attachment", tuple(children)))
    return out


def _bare(piece: Piece) -> bool:
    """No callout or marking inside: a label, not a sentence that looks like one."""
    return all(isinstance(n, Text) for n in piece.content)


def _section(pieces: list[Piece]) -> list:
    out: list = []
    start, end = 0, len(pieces)
    opener = closer = None
    if pieces and pieces[0].kind == "text" and pieces[0].single_line and SALUTATION.fullmatch(pieces[0].plain.strip()):
        opener = pieces[0]
        start = 1
    if (
        end - start >= 2
        and pieces[-1].kind == "text"
        and pieces[-1].single_line
        and SIGNATURE.fullmatch(pieces[-1].plain)
    ):
        closer = pieces[-1]
        end -= 1
    if opener:
        out.extend(opener.lead)
        out.append(Container("opener", (Para("salute", tuple(opener.content)),)))
    body = pieces[start:end]
    j = 0
    while j < len(body):
        piece = body[j]
        out.extend(piece.lead)
        if piece.kind == "item" or (
            piece.kind == "text"
            and j + 1 < len(body)
            and body[j + 1].kind == "item"
            and not body[j + 1].lead
            and piece.single_line
            and LIST_HEAD.fullmatch(piece.plain)
        ):
            head = None
            if piece.kind == "text":
                head = tuple(piece.content)
                j += 1
            items_end = j
            while items_end < len(body) and body[items_end].kind == "item" and (
                items_end == j or not body[items_end].lead
            ):
                items_end += 1
            out.append(_nest(body[j:items_end], head))
            j = items_end
            continue
        if piece.kind == "table":
            out.append(Table(None, tuple(piece.rows or ())))
        else:
            out.append(Para("p", tuple(_mark_paragraph(piece.content))))
        j += 1
    if closer:
        out.extend(closer.lead)
        out.append(Container("closer", (Para("signed", tuple(closer.content)),)))
    return out


def _nest(items: list[Piece], head) -> ListBlock:
    """Items at level 1, 2… into nested lists (a deeper item belongs to the one before)."""

    def build(k: int, level: int) -> tuple[ListBlock, int]:
        built: list[Item] = []
        while k < len(items) and items[k].level >= level:
            piece = items[k]
            if piece.level > level:
                sub, k = build(k, level + 1)
                if built:
                    prev = built[-1]
                    built[-1] = Item(prev.content, prev.sublists + (sub,))
                else:
                    built.append(Item((), (sub,)))
                continue
            built.append(Item(tuple(_mark_paragraph(piece.content))))
            k += 1
        return ListBlock(None, None, tuple(built)), k

    top, _ = build(0, 1)
    return ListBlock(None, head, top.items)
