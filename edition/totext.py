"""Document model → the plain-text format (rules 1–18 of ``examples/README.md``).

This is the inverse of ``encode``: for every text the encoder accepts,
``render(encode(text)) == text``.  It renders official FRUS TEI too, which is
how the tests check that this module and the format description agree.
"""

from __future__ import annotations

from .model import (
    Block, Container, Document, Inline, Item, LineBreak, ListBlock, Note, PageBreak, Para, Span, Table, Text,
    notes,
)


def _inline_text(content: tuple[Inline, ...], line_break: str) -> str:
    out: list[str] = []

    def walk(nodes):
        for node in nodes:
            if isinstance(node, Text):
                text = node.text
                if out and out[-1].endswith("] ") and out[-1].startswith("[Page ") and text.startswith(" "):
                    text = text[1:]  # the marker's own space stands for this one
                out.append(text)
            elif isinstance(node, Span):
                walk(node.children)
            elif isinstance(node, PageBreak):
                out.append(f"[Page {node.n}] ")
            elif isinstance(node, Note):
                _strip_end(out)
                out.append(node.n)
            elif isinstance(node, LineBreak):
                _strip_end(out)
                out.append(line_break)

    walk(content)
    _strip_end(out)
    return "".join(out)


def _strip_end(out: list[str]) -> None:
    while out and out[-1] != out[-1].rstrip(" "):
        stripped = out[-1].rstrip(" ")
        if stripped:
            out[-1] = stripped
            return
        out.pop()


def _lines(block: Block, level: int = 0, lb: str = "\n") -> list[str]:
    """The block lines (each one block of the text) that a block renders as."""
    if isinstance(block, PageBreak):
        return [f"[Page {block.n}] "]  # glued to the next block by ``_join``
    if isinstance(block, Para):
        if block.kind == "dateline":
            return []  # rule 12
        return [_inline_text(block.content, lb)]
    if isinstance(block, ListBlock):
        lines: list[str] = []
        if block.head is not None and block.type != "subject":
            if level:
                lines.append("  " * level + "• " + _inline_text(block.head, " "))
            else:
                lines.append(_inline_text(block.head, " "))
        for item in block.items:
            lines.extend(_item_lines(item, level + 1, nested_head=block.head is not None and level > 0))
        return lines
    if isinstance(block, Table):
        lines = [_inline_text(block.head, " ")] if block.head else []
        rows = ["\t".join(_inline_text(cell, " ") for cell in row) for row in block.rows]
        if rows:
            lines.append("\n".join(rows))
        return lines
    if isinstance(block, Container):
        lines = []
        for child in block.children:
            lines.extend(_lines(child, level, lb))
        return lines
    raise TypeError(block)  # pragma: no cover


def _item_lines(item: Item, level: int, nested_head: bool) -> list[str]:
    lines = []
    if item.content or not item.sublists:
        lines.append("  " * level + "• " + _inline_text(item.content, "\n"))
    for sub in item.sublists:
        if sub.head is not None and not item.content:
            # A nested list's head carries the bullet of the item it sits in (rule 14).
            lines.append("  " * level + "• " + _inline_text(sub.head, " "))
            sub = ListBlock(sub.type, None, sub.items)
        for sub_item in sub.items:
            lines.extend(_item_lines(sub_item, level + 1, False))
    return lines


def _join(lines: list[str]) -> list[str]:
    """Glue a page marker standing between blocks to the following block (rule 13)."""
    out: list[str] = []
    carry = ""
    for line in lines:
        if line.startswith("[Page ") and line.endswith("] ") and line.count("[") == 1 and not line[6:-2].count(" "):
            carry += line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry.rstrip(" "))
    return out


def _note_text(note: Note) -> str:
    lines: list[str] = []
    for block in note.blocks:
        lines.extend(_lines(block, lb=" "))
    lines = _join(lines)
    return f"  {note.n}. " + "\n".join(lines)


def render(doc: Document) -> str:
    """The document in the plain-text format (no trailing newline)."""
    head = _inline_text(doc.head, " ")
    if doc.page_before_head:
        head = f"[Page {doc.page_before_head.n}] " + head
    body: list[str] = []
    for block in doc.blocks:
        body.extend(_lines(block))
    body = _join(body)
    parts = [head]
    if body:
        parts.append("\n\n\n" + "\n\n".join(body))
    footnotes = [_note_text(n) for n in notes(doc)]
    if footnotes:
        parts.append("\n\n" + "\n\n".join(footnotes))
    return "".join(parts)
