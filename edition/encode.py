"""Text → document model: reading the plain-text FRUS format.

``textformat`` cuts the text into head, blocks and footnotes; this module
decides what each piece is.  In order:

1. the head: an optional ``[Page N]``, the document number, the title;
2. the footnote block: numbers must run 1, 2, 3…;
3. ``[Page N]`` markers inside every line;
4. the callouts of all footnotes at once (``callouts.resolve``);
5. what each block is: subject line, list item, table, attachment label,
   salutation, signature or paragraph;
6. classification markings, as data (``markings``).

The result is a :class:`~edition.model.Document`; ``teiwrite`` turns it into TEI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import callouts, markings
from .errors import EditionError
from .model import (
    Container, Document, Inline, Item, LineBreak, ListBlock, Note, PageBreak, Para, Span, Table, Text,
)
from .seeds import SourceText
from .textformat import ITEM_START, PAGE_MARKER, Layout, Line, RawBlock, split_layout

HEAD = re.compile(r"(\d+)\. (?=\S)")
PAGE_TRIGGER = re.compile(r"\[\s*page\b", re.IGNORECASE)
SALUTATION = re.compile(r"(?:Dear|My dear) [^!?\n]{1,80}[,:]")
_NAME_WORD = r"(?:[A-Z][A-Za-z’'\-]*[a-z])"
SIGNATURE = re.compile(rf"(?:(?:{_NAME_WORD}|[A-Z]\.(?:[A-Z]\.)?|de|van|von|da) ){{0,4}}{_NAME_WORD}")
ATTACHMENT_LABEL = re.compile(
    r"(?:Tab [A-Z0-9]+|Attachment(?: [A-Z0-9]+)?|Attachments|Enclosure(?: [A-Z0-9]+)?|Annex(?: [A-Z0-9]+)?)"
)
LIST_HEAD = re.compile(r"[A-Z][A-Z0-9 .,:;’'()\-–—/&]*[A-Z.:)]")

# ------------------------------------------------------------------ tokens


@dataclass(frozen=True)
class _Run:
    """A piece of one line: text, or a page marker."""

    text: str | None
    offset: int
    page: str | None = None


def _tokenize(source: SourceText, line: Line, pages: dict[str, int], in_note: bool = False) -> list[_Run]:
    """Split a line at its ``[Page N]`` markers; ``pages`` records every page seen.

    Page numbers must rise through the head and body; a footnote's page break
    (a long note running onto the next page) is exempt, as footnotes stand
    after the body in the text but on their own pages in print."""
    runs: list[_Run] = []
    text, pos = line.text, 0
    for trigger in PAGE_TRIGGER.finditer(text):
        start = trigger.start()
        if start < pos:
            continue
        match = PAGE_MARKER.match(text, start)
        where = source.location(line.offset + start)
        if match is None and re.match(r"\[Page (?:[0-9]+|[ivxlcdm]+)(?![0-9ivxlcdm\]])", text[start:]):
            raise EditionError(where, "unclosed page marker: '[Page N' needs its closing ']'")
        if match is None:
            raise EditionError(
                where,
                "malformed page marker: expected '[Page N]' with N a page number, as in '[Page 524]'",
            )
        end = match.end()
        if end < len(text) and text[end] != " ":
            raise EditionError(source.location(line.offset + end), "a page marker must be followed by a space")
        number = match.group(1)
        if number in pages:
            first = source.location(pages[number])
            raise EditionError(where, f"page {number} is marked twice (first at {first.line}:{first.col})")
        last = [p for p in pages if p.isdigit()]
        if not in_note and number.isdigit() and last and int(number) < int(last[-1]):
            raise EditionError(where, f"page {number} comes after page {last[-1]}; page numbers must increase")
        pages[number] = line.offset + start
        if start > pos:
            runs.append(_Run(text[pos:start], line.offset + pos))
        runs.append(_Run(None, line.offset + start, page=number))
        pos = end + 1 if end < len(text) else end
    if pos < len(text):
        runs.append(_Run(text[pos:], line.offset + pos))
    return runs


# ------------------------------------------------------------------ encoder


class _Encoder:
    def __init__(self, source: SourceText):
        self.source = source
        self.layout: Layout = split_layout(source)
        self.pages: dict[str, int] = {}
        self.doc_number = ""
        self.callout_at: dict[int, tuple[int, int]] = {}  # offset → (length, note number)
        self.notes: dict[int, Note] = {}

    def loc(self, offset: int):
        return self.source.location(offset)

    # -- head and numbering ------------------------------------------------

    def head(self) -> tuple[PageBreak | None, list[_Run]]:
        line = self.layout.head
        runs = _tokenize(self.source, line, self.pages)
        page = None
        if runs and runs[0].page is not None:
            page = self._page(runs.pop(0).page)
        first = runs[0] if runs else None
        match = HEAD.match(first.text) if first and first.text else None
        if match is None:
            at = first.offset if first else line.offset
            raise EditionError(
                self.loc(at),
                "the head line must start with the document number and a full stop, as in"
                " '156. Memorandum From …'",
            )
        self.doc_number = match.group(1)
        return page, runs

    def check_note_numbers(self) -> None:
        expected = 1
        seen: dict[int, int] = {}
        for note in self.layout.notes:
            where = self.loc(note.number.offset)
            if note.n in seen:
                first = self.loc(seen[note.n])
                raise EditionError(where, f"footnote {note.n} appears twice (first at {first.line}:{first.col})")
            if note.n != expected:
                if note.n > expected:
                    missing = (
                        f"footnote {expected} is missing" if note.n == expected + 1
                        else f"footnotes {expected}–{note.n - 1} are missing"
                    )
                    raise EditionError(where, f"{missing}: footnote {note.n} follows footnote {expected - 1}")
                raise EditionError(where, f"footnote {note.n} is out of order: footnote {expected} was expected")
            seen[note.n] = note.number.offset
            expected += 1

    def _page(self, n: str) -> PageBreak:
        return PageBreak(n, f"pg_{n}")

    # -- callouts ------------------------------------------------------------

    def find_callouts(self, head_runs: list[_Run], body: list[list[list[_Run]]]) -> None:
        segments: list[tuple[str, int]] = []
        for run in head_runs:
            if run.text is not None:
                segments.append((run.text, run.offset))
        # the document number itself ("171.") is not text a callout can hide in
        number_len = len(self.doc_number) + 2
        text0, off0 = segments[0]
        segments[0] = (text0[number_len:], off0 + number_len)
        for block in body:
            for line in block:
                segments.extend((r.text, r.offset) for r in line if r.text is not None)
        count = len(self.layout.notes)
        try:
            chosen = callouts.resolve(segments, count)
        except callouts.NoCallout as missing:
            note = self.layout.notes[missing.number - 1]
            hint = ""
            if missing.after is not None:
                prev = self.loc(missing.after.offset)
                hint = f" after the callout of footnote {missing.number - 1} at {prev.line}:{prev.col}"
            raise EditionError(
                self.loc(note.number.offset),
                f"footnote {missing.number} has no callout in the text{hint}"
                f" (a callout is the number glued to the word before it, as in 'Reagan{missing.number}')",
            ) from None
        last = chosen[-1].offset if chosen else -1
        stray = callouts.stray_callout(segments, count + 1, last)
        if stray is not None:
            have = {0: "there are no footnotes", 1: "there is only footnote 1"}.get(count, f"the footnotes run 1–{count}")
            raise EditionError(
                self.loc(stray.offset),
                f"callout {count + 1} has no footnote ({have}); add footnote {count + 1}"
                " at the end or remove the callout",
            )
        for n, cand in enumerate(chosen, start=1):
            self.callout_at[cand.offset] = (cand.length, n)

    # -- inline content ------------------------------------------------------

    def inlines(self, lines: list[list[_Run]]) -> list[Inline]:
        out: list[Inline] = []
        for i, runs in enumerate(lines):
            if i:
                out.append(LineBreak())
            for run in runs:
                if run.page is not None:
                    out.append(self._page(run.page))
                    continue
                out.extend(self._split_callouts(run))
        return out

    def _split_callouts(self, run: _Run) -> list[Inline]:
        out: list[Inline] = []
        start = 0
        text = run.text or ""
        for offset in sorted(o for o in self.callout_at if run.offset <= o < run.offset + len(text)):
            length, n = self.callout_at[offset]
            i = offset - run.offset
            if i > start:
                out.append(Text(text[start:i]))
            out.append(self.notes[n])
            start = i + length
        if start < len(text):
            out.append(Text(text[start:]))
        return out

    # -- footnotes -----------------------------------------------------------

    def build_notes(self) -> None:
        for raw in self.layout.notes:
            blocks: list = []
            items: list[Item] = []
            for i, line in enumerate(raw.lines):
                runs = _tokenize(self.source, line, self.pages, in_note=True)
                item = ITEM_START.match(line.text) if i else None
                content = self.inlines([runs])
                if item:
                    content = _strip_prefix(content, len(item.group(0)))
                    items.append(Item(tuple(content)))
                    continue
                if items:
                    blocks.append(ListBlock(None, None, tuple(items)))
                    items = []
                if i == 0 and raw.n == 1 and line.text.startswith("Source:"):
                    content = _mark_source_note(content)
                blocks.append(Para("p", tuple(content)))
            if items:
                blocks.append(ListBlock(None, None, tuple(items)))
            first_text = raw.lines[0].text
            note_type = "source" if raw.n == 1 and first_text.startswith("Source:") else None
            self.notes[raw.n] = Note(str(raw.n), f"d{self.doc_number}fn{raw.n}", tuple(blocks), note_type)

    # -- blocks --------------------------------------------------------------

    def body(self, blocks: list[list[list[_Run]]], raws: tuple[RawBlock, ...]) -> list:
        pieces: list[_Piece] = []
        for raw, lines in zip(raws, blocks):
            lead: list[PageBreak] = []
            while lines and lines[0] and lines[0][0].page is not None:
                lead.append(self._page(lines[0].pop(0).page))
            first_text = raw.lines[0].text
            for extra in raw.lines[1:]:
                if ITEM_START.match(extra.text):
                    raise EditionError(self.loc(extra.offset), "a list item must be a block of its own, after a blank line")
            pieces.append(self._piece(lead, lines, raw, first_text))
        return _assemble(pieces, self)

    def _piece(self, lead, lines, raw: RawBlock, first_text: str) -> "_Piece":
        item = ITEM_START.match(first_text) if not lead else None
        if item:
            level = len(item.group(1)) // 2
            content = _strip_prefix(self.inlines(lines), len(item.group(0)))
            return _Piece("item", lead, content, level=level)
        if any("\t" in line.text for line in raw.lines):
            rows = []
            for runs in lines:
                rows.append(tuple(tuple(_clean(self.inlines([cell])) for cell in _split_cells(runs))))
            return _Piece("table", lead, [], rows=rows)
        content = self.inlines(lines)
        return _Piece("text", lead, content)


@dataclass
class _Piece:
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


def _assemble(pieces: list[_Piece], enc: _Encoder) -> list:
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
    sections: list[list[_Piece]] = [[]]
    labels: list[_Piece] = []
    for piece in pieces[i:]:
        if piece.kind == "text" and piece.single_line and ATTACHMENT_LABEL.fullmatch(piece.plain) and _bare(piece):
            sections.append([])
            labels.append(piece)
        sections[-1].append(piece)
    main = _section(sections[0], is_main=True)
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
        children.extend(_section(rest, is_main=False))
        out.append(Container("attachment", tuple(children)))
    return out


def _bare(piece: _Piece) -> bool:
    """No callout or marking inside: a label, not a sentence that looks like one."""
    return all(isinstance(n, Text) for n in piece.content)


def _section(pieces: list[_Piece], is_main: bool) -> list:
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


def _nest(items: list[_Piece], head) -> ListBlock:
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


def _split_cells(runs: list[_Run]) -> list[list[_Run]]:
    cells: list[list[_Run]] = [[]]
    for run in runs:
        if run.text is None:
            cells[-1].append(run)
            continue
        parts = run.text.split("\t")
        offset = run.offset
        for k, part in enumerate(parts):
            if k:
                cells.append([])
            if part:
                cells[-1].append(_Run(part, offset))
            offset += len(part) + 1
    return cells


def _clean(content: list[Inline]) -> tuple[Inline, ...]:
    return tuple(content)


def _strip_prefix(content: list[Inline], length: int) -> list[Inline]:
    """Drop the first ``length`` characters (a bullet) from the leading text."""
    if content and isinstance(content[0], Text):
        rest = content[0].text[length:]
        return ([Text(rest)] if rest else []) + list(content[1:])
    return content


# ------------------------------------------------------------------ markings


def _mark_paragraph(content: list[Inline]) -> list[Inline]:
    """Wrap classification markings at the start or end of each line in ``seg``."""
    out: list[Inline] = []
    # which Text nodes begin / end their line (notes and page breaks do not count)
    line_start = True
    for k, node in enumerate(content):
        if not isinstance(node, Text):
            out.append(node)
            if isinstance(node, LineBreak):
                line_start = True
            continue
        line_end = all(isinstance(n, (Note, PageBreak)) for n in _until_break(content, k + 1))
        out.extend(_wrap(node.text, markings.in_line(node.text, line_start, line_end)))
        line_start = False
    return out


def _until_break(content: list[Inline], k: int):
    for node in content[k:]:
        if isinstance(node, LineBreak):
            return
        yield node


def _wrap(text: str, found: list[markings.Marking]) -> list[Inline]:
    out: list[Inline] = []
    pos = 0
    for mark in found:
        if mark.start < pos:
            continue
        if mark.start > pos:
            out.append(Text(text[pos:mark.start]))
        out.append(_seg(text[mark.start:mark.end], mark))
        pos = mark.end
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


def _seg(text: str, mark: markings.Marking) -> Span:
    return Span("seg", (Text(text),), (("type", "classification"), ("subtype", mark.subtype), ("ana", mark.ana)))


def _mark_source_note(content: list[Inline]) -> list[Inline]:
    """In ``Source: <archive>; Secret. …``: the archival source and the classification."""
    if not content or not isinstance(content[0], Text):
        return content
    text = content[0].text
    mark = markings.in_source_note(text)
    if mark is None:
        return content
    out: list[Inline] = []
    prefix = "Source: "
    archive_end = mark.start - 2  # the ". " or "; " before the classification
    if text.startswith(prefix) and archive_end > len(prefix):
        out.append(Text(prefix))
        out.append(Span("bibl", (Text(text[len(prefix):archive_end]),), (("type", "archival"),)))
        out.append(Text(text[archive_end:mark.start]))
    else:
        out.append(Text(text[: mark.start]))
    out.append(_seg(text[mark.start:mark.end], mark))
    if mark.end < len(text):
        out.append(Text(text[mark.end:]))
    return out + list(content[1:])


# ------------------------------------------------------------------ entry


def encode_text(source: SourceText) -> Document:
    """Read one document in the plain-text format into the document model."""
    enc = _Encoder(source)
    page, head_runs = enc.head()
    enc.check_note_numbers()
    body_runs = [
        [_tokenize(source, line, enc.pages) for line in raw.lines] for raw in enc.layout.blocks
    ]
    enc.find_callouts(head_runs, body_runs)
    enc.build_notes()
    head = enc.inlines([head_runs])
    blocks = enc.body(body_runs, enc.layout.blocks)
    blocks = _number_paragraphs(blocks, enc.doc_number)
    n = enc.doc_number
    return Document(
        n=n,
        xml_id=f"d{n}",
        head=tuple(head),
        blocks=tuple(blocks),
        page_before_head=page,
        attrs=(("subtype", "historical-document"),),
    )


def _number_paragraphs(blocks: list, n: str) -> list:
    counter = 0

    def walk(items):
        nonlocal counter
        out = []
        for block in items:
            if isinstance(block, Para) and block.kind == "p":
                counter += 1
                block = Para("p", block.content, f"d{n}p{counter}", block.attrs)
            elif isinstance(block, Container):
                block = Container(block.kind, tuple(walk(block.children)), block.attrs)
            out.append(block)
        return out

    return walk(blocks)
