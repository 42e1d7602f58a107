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

Steps 5 and 6 live in ``structure`` and ``markings``.

The result is a :class:`~edition.model.Document`; ``teiwrite`` turns it into TEI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import callouts, markings, structure
from .errors import EditionError
from .model import (
    Container, Document, Inline, Item, LineBreak, ListBlock, Note, PageBreak, Para, Text,
)
from .seeds import SourceText
from .textformat import ITEM_START, PAGE_MARKER, Layout, Line, RawBlock, split_layout

HEAD = re.compile(r"(\d+)\. (?=\S)")
PAGE_TRIGGER = re.compile(r"\[\s*page\b", re.IGNORECASE)
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
                    content = markings.mark_source_note(content)
                blocks.append(Para("p", tuple(content)))
            if items:
                blocks.append(ListBlock(None, None, tuple(items)))
            first_text = raw.lines[0].text
            note_type = "source" if raw.n == 1 and first_text.startswith("Source:") else None
            self.notes[raw.n] = Note(str(raw.n), f"d{self.doc_number}fn{raw.n}", tuple(blocks), note_type)

    # -- blocks --------------------------------------------------------------

    def body(self, blocks: list[list[list[_Run]]], raws: tuple[RawBlock, ...]) -> list:
        pieces: list[structure.Piece] = []
        for raw, lines in zip(raws, blocks):
            lead: list[PageBreak] = []
            while lines and lines[0] and lines[0][0].page is not None:
                lead.append(self._page(lines[0].pop(0).page))
            for extra in raw.lines[1:]:
                if ITEM_START.match(extra.text):
                    raise EditionError(self.loc(extra.offset), "a list item must be a block of its own, after a blank line")
            pieces.append(self._piece(lead, lines, raw))
        return structure.assemble(pieces)

    def _piece(self, lead, lines, raw: RawBlock) -> structure.Piece:
        item = ITEM_START.match(raw.lines[0].text) if not lead else None
        if item:
            level = len(item.group(1)) // 2
            content = _strip_prefix(self.inlines(lines), len(item.group(0)))
            return structure.Piece("item", lead, content, level=level)
        if any("\t" in line.text for line in raw.lines):
            rows = []
            for runs in lines:
                rows.append(tuple(tuple(self.inlines([cell])) for cell in _split_cells(runs)))
            return structure.Piece("table", lead, [], rows=rows)
        content = self.inlines(lines)
        return structure.Piece("text", lead, content)


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


def _strip_prefix(content: list[Inline], length: int) -> list[Inline]:
    """Drop the first ``length`` characters (a bullet) from the leading text."""
    if content and isinstance(content[0], Text):
        rest = content[0].text[length:]
        return ([Text(rest)] if rest else []) + list(content[1:])
    return content


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
