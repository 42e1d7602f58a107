"""Comparing two encodings of the same document, block by block.

Used to measure how faithfully the encoder recovers the structure of the
official FRUS TEI from the plain text (``scripts/agreement.py``, and the
tests).  Positions are character offsets into a block's words, so that a note
or page break "in the same place" means the same thing in both encodings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import (
    Block, Container, Document, Inline, LineBreak, ListBlock, Note, PageBreak, Para, Span, Table, Text, plain,
)
from .totext import _note_text


@dataclass(frozen=True)
class Outline:
    """What is compared: each block's kind and words, and where notes and page breaks sit."""

    head: str
    blocks: tuple[tuple[str, str], ...]  # (kind, words)
    notes: tuple[tuple[str, int, int, str], ...]  # (n, block index (-1: head), offset, text)
    pages: tuple[tuple[str, int, int], ...]  # (n, block index, offset)
    subject: tuple[str, ...]


def outline(doc: Document) -> Outline:
    blocks: list[tuple[str, str]] = []
    notes: list[tuple[str, int, int, str]] = []
    pages: list[tuple[str, int, int]] = []
    subject: list[str] = []

    def words(content: tuple[Inline, ...], index: int) -> str:
        out: list[str] = []

        def walk(nodes):
            for node in nodes:
                if isinstance(node, Text):
                    out.append(node.text)
                elif isinstance(node, Span):
                    walk(node.children)
                elif isinstance(node, LineBreak):
                    out.append(" ")
                elif isinstance(node, Note):
                    notes.append((node.n, index, len("".join(out)), _note_text(node).split(". ", 1)[1]))
                elif isinstance(node, PageBreak):
                    pages.append((node.n, index, len("".join(out))))

        walk(content)
        return "".join(out).strip()

    def add(kind: str, content) -> None:
        blocks.append((kind, words(content, len(blocks))))

    def visit(block: Block) -> None:
        if isinstance(block, PageBreak):
            pages.append((block.n, len(blocks), 0))
        elif isinstance(block, Para):
            if block.kind != "dateline":  # not in the text format
                add(block.kind, block.content)
        elif isinstance(block, ListBlock):
            if block.type == "subject":
                for item in block.items:
                    subject.append(words(item.content, -2))
                return
            if block.head is not None:
                add("list-head", block.head)
            for item in block.items:
                add("item", item.content)
                for sub in item.sublists:
                    visit(sub)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    add("cell", cell)
        elif isinstance(block, Container):
            for child in block.children:
                visit(child)

    head = words(((doc.page_before_head,) if doc.page_before_head else ()) + doc.head, -1)
    for block in doc.blocks:
        visit(block)
    return Outline(head, tuple(blocks), tuple(notes), tuple(pages), tuple(subject))


@dataclass
class Agreement:
    doc: str
    head: bool
    blocks_official: int
    blocks_text_equal: int  # same words at the same index
    kinds_equal: int  # ... and the same kind of block
    paragraphs_official: int  # official <p>
    paragraphs_equal: int  # official <p> whose words our block at that index has
    notes_official: int
    notes_equal: int  # same number, text, block and offset
    pages_official: int
    pages_equal: int
    subject_equal: bool
    differences: list[str] = field(default_factory=list)


def compare(ours: Document, official: Document) -> Agreement:
    a, b = outline(ours), outline(official)
    diffs: list[str] = []
    if a.head != b.head:
        diffs.append(f"head: {a.head!r} ≠ {b.head!r}")
    text_equal = kinds_equal = para_equal = 0
    for i, (kind, words) in enumerate(b.blocks):
        mine = a.blocks[i] if i < len(a.blocks) else None
        if mine and mine[1] == words:
            text_equal += 1
            if kind == "p":
                para_equal += 1
            if mine[0] == kind:
                kinds_equal += 1
            else:
                diffs.append(f"block {i + 1} ({words[:40]!r}): ours is {mine[0]}, official is {kind}")
        else:
            diffs.append(f"block {i + 1}: {mine[1][:60] if mine else None!r} ≠ {words[:60]!r}")
    if len(a.blocks) != len(b.blocks):
        diffs.append(f"{len(a.blocks)} blocks ≠ {len(b.blocks)} official")
    notes_equal = sum(1 for note in b.notes if note in a.notes)
    for note in b.notes:
        if note not in a.notes:
            diffs.append(f"note {note[0]} differs")
    pages_equal = sum(1 for page in b.pages if page in a.pages)
    for page in b.pages:
        if page not in a.pages:
            diffs.append(f"page {page[0]} at block {page[1]} offset {page[2]} differs")
    if a.subject != b.subject:
        diffs.append(f"subject: {a.subject} ≠ {b.subject}")
    return Agreement(
        doc=official.xml_id,
        head=a.head == b.head,
        blocks_official=len(b.blocks),
        blocks_text_equal=text_equal,
        kinds_equal=kinds_equal,
        paragraphs_official=sum(1 for kind, _ in b.blocks if kind == "p"),
        paragraphs_equal=para_equal,
        notes_official=len(b.notes),
        notes_equal=notes_equal,
        pages_official=len(b.pages),
        pages_equal=pages_equal,
        subject_equal=a.subject == b.subject,
        differences=diffs,
    )


# ------------------------------------------------------------------ tagging

_TAG_KINDS = {"persName": ("person", "corresp"), "gloss": ("term", "target"), "placeName": ("place", "corresp")}


def tags(doc: Document) -> set[tuple[str, str, str, int, str]]:
    """Every tagged name: (kind, register id, unit, offset in the unit's words, words).

    A unit is the head, a block of the body (in reading order) or a footnote."""
    from .model import notes as all_notes

    found: set[tuple[str, str, str, int, str]] = set()

    def unit(content: tuple[Inline, ...], name: str) -> None:
        offset = 0

        def walk(nodes):
            nonlocal offset
            for node in nodes:
                if isinstance(node, Text):
                    offset += len(node.text)
                elif isinstance(node, LineBreak):
                    offset += 1
                elif isinstance(node, Span):
                    start = offset
                    walk(node.children)
                    kind = _TAG_KINDS.get(node.kind)
                    ref = node.attr(kind[1]) if kind else None
                    if kind and ref:
                        words = plain(node.children, line_break="")
                        found.add((kind[0], ref.lstrip("#"), name, start, words))

        walk(content)

    def blocks(items, prefix: str, counter: list[int]) -> None:
        for block in items:
            if isinstance(block, Para) and block.kind == "dateline":
                continue  # not in the text format, so not in ours
            if isinstance(block, Para):
                counter[0] += 1
                unit(block.content, f"{prefix}{counter[0]}")
            elif isinstance(block, ListBlock):
                if block.head is not None:
                    counter[0] += 1
                    unit(block.head, f"{prefix}{counter[0]}")
                for item in block.items:
                    counter[0] += 1
                    unit(item.content, f"{prefix}{counter[0]}")
                    blocks(item.sublists, prefix, counter)
            elif isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        counter[0] += 1
                        unit(cell, f"{prefix}{counter[0]}")
            elif isinstance(block, Container):
                blocks(block.children, prefix, counter)

    unit(doc.head, "head")
    blocks(doc.blocks, "block", [0])
    for note in all_notes(doc):
        blocks(note.blocks, f"note{note.n}.", [0])
    return found

