"""The layout of the plain-text format: head line, blocks, footnote block.

This module only cuts the text into pieces and remembers where each piece came
from; deciding what a piece *means* (a callout, a signature, a marking) is
``encode``'s job.  The rules are those of ``examples/README.md``:

    head line
    <blank>
    <blank>
    block            (blocks separated by exactly one blank line;
    <blank>           a block's lines are joined by single line feeds)
    block
    <blank>
      1. footnote    (two spaces, number, ". ", text; footnote paragraphs
    more of it        after the first line start flush left)
    <blank>
      2. footnote

Anything the format cannot carry back byte for byte (a second blank line,
white space at a line end, two spaces in a row) is refused with its place,
because accepting it would mean silently changing the editor's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import EditionError
from .seeds import SourceText

FOOTNOTE_START = re.compile(r"  (\d+)\. ")
ITEM_START = re.compile(r"((?:  )+)• ")
PAGE_MARKER = re.compile(r"\[Page ([0-9]+|[ivxlcdm]+)\]")


@dataclass(frozen=True)
class Line:
    text: str
    offset: int  # of text[0] in the source


@dataclass(frozen=True)
class RawBlock:
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class RawNote:
    n: int
    number: Line  # the digits of "  N. ", for error messages
    lines: tuple[Line, ...]  # first line without its "  N. " prefix


@dataclass(frozen=True)
class Layout:
    head: Line
    blocks: tuple[RawBlock, ...]
    notes: tuple[RawNote, ...]


def split_layout(source: SourceText) -> Layout:
    lines: list[Line] = []
    offset = 0
    for text in source.text.split("\n"):
        lines.append(Line(text, offset))
        offset += len(text) + 1
    for line in lines:
        _check_spacing(source, line)

    head = lines[0]
    if not head.text:
        raise EditionError(source.location(0), "the first line must be the document head, but it is blank")
    rest = lines[1:]
    if not rest:
        return Layout(head, (), ())

    groups = _groups(source, rest)
    # The head is followed by two blank lines before the first block (rule 3),
    # by one before the footnotes of a document that has no blocks at all.
    blank_after_head = groups[0][0]
    first_is_note = FOOTNOTE_START.match(groups[0][1][0].text) is not None
    wanted = 1 if first_is_note else 2
    if blank_after_head != wanted:
        at = rest[0] if blank_after_head == 0 else rest[blank_after_head - 1]
        raise EditionError(
            source.location(at.offset),
            f"the head line must be followed by {'two blank lines' if wanted == 2 else 'one blank line'},"
            f" found {blank_after_head}",
        )
    for blanks, group in groups[1:]:
        if blanks != 1:
            raise EditionError(
                source.location(group[0].offset),
                f"blocks are separated by exactly one blank line; found {blanks} before this one",
            )

    blocks: list[RawBlock] = []
    notes: list[RawNote] = []
    for _, group in groups:
        start = FOOTNOTE_START.match(group[0].text)
        if start is None and notes:
            raise EditionError(
                source.location(group[0].offset),
                "text after the footnotes: every block after the first footnote must be a footnote"
                " starting with two spaces, its number and '. '",
            )
        if start is None:
            _check_indent(source, group)
            blocks.append(RawBlock(tuple(group)))
            continue
        first = group[0]
        number = Line(start.group(1), first.offset + 2)
        body = Line(first.text[start.end():], first.offset + start.end())
        _check_indent(source, group[1:])
        notes.append(RawNote(int(start.group(1)), number, (body, *group[1:])))
    return Layout(head, tuple(blocks), tuple(notes))


def _groups(source: SourceText, lines: list[Line]) -> list[tuple[int, list[Line]]]:
    """Runs of non-blank lines, each with the count of blank lines before it."""
    groups: list[tuple[int, list[Line]]] = []
    blanks = 0
    current: list[Line] = []
    for line in lines:
        if line.text == "":
            if current:
                groups.append((blanks, current))
                current, blanks = [], 0
            blanks += 1
        else:
            current.append(line)
    if current:
        groups.append((blanks, current))
    elif blanks:
        last = lines[-1]
        raise EditionError(source.location(last.offset), "blank line at the end of the file")
    if not groups:
        raise EditionError(source.location(lines[0].offset), "nothing follows the head but blank lines")
    return groups


def _check_spacing(source: SourceText, line: Line) -> None:
    text = line.text
    if text and not text.strip(" \t"):
        raise EditionError(source.location(line.offset), "line holds only white space; leave it empty")
    if text != text.rstrip(" \t"):
        col = len(text.rstrip(" \t"))
        raise EditionError(source.location(line.offset + col), "white space at the end of the line")
    body = text.lstrip(" ")
    indent = len(text) - len(body)
    double = body.find("  ")
    if double != -1:
        raise EditionError(
            source.location(line.offset + indent + double),
            "two spaces in a row; the text format uses single spaces between words",
        )


def _check_indent(source: SourceText, lines) -> None:
    for line in lines:
        if line.text.startswith(" ") and not ITEM_START.match(line.text):
            raise EditionError(
                source.location(line.offset),
                "a line may start with spaces only as a list item ('  • ') or a footnote ('  1. ')",
            )
        if line.text.startswith("\t"):
            raise EditionError(source.location(line.offset), "a line may not start with a tab")
