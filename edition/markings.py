"""Classification markings: recognising them, and the taxonomy they point into.

Three forms occur in FRUS documents of this period:

* paragraph markings ``(S)``, ``(C)``, ``(U)``, ``(TS)``, with caveats
  (``(S/NF)``), at the start or the end of a line of text;
* the telegram forms ``S—Entire text``, ``(S—Entire text)``,
  ``Confidential—Entire text``;
* the document's classification in the source note: ``Secret.``,
  ``Secret; Sensitive.``, ``No classification marking.``

A parenthesised acronym such as ``(NSC)`` or ``(US)`` is not a marking: only the
codes below are.  Every marking keeps its text unchanged; recognising it only
adds a pointer to a category of the taxonomy declared in the TEI header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Inline, LineBreak, Note, PageBreak, Span, Text

# category id, label, the codes and words that name it
LEVELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("class-top-secret", "Top Secret", ("TS", "Top Secret")),
    ("class-secret", "Secret", ("S", "Secret")),
    ("class-confidential", "Confidential", ("C", "Confidential")),
    ("class-limited-official-use", "Limited Official Use", ("LOU", "Limited Official Use")),
    ("class-unclassified", "Unclassified", ("U", "Unclassified")),
    ("class-no-marking", "No classification marking", ("No classification marking",)),
)
CAVEATS: dict[str, tuple[str, str]] = {
    "NF": ("caveat-noforn", "Not Releasable to Foreign Nationals (NOFORN)"),
    "NOFORN": ("caveat-noforn", "Not Releasable to Foreign Nationals (NOFORN)"),
    "ORCON": ("caveat-orcon", "Dissemination and Extraction of Information Controlled by Originator (ORCON)"),
    "WN": ("caveat-wnintel", "Warning Notice: Intelligence Sources or Methods Involved (WNINTEL)"),
    "WNINTEL": ("caveat-wnintel", "Warning Notice: Intelligence Sources or Methods Involved (WNINTEL)"),
    "SI": ("caveat-si", "Special Intelligence (SI)"),
    "TK": ("caveat-tk", "Talent Keyhole (TK)"),
    "REL": ("caveat-rel", "Releasable to named foreign nationals (REL)"),
}
_BY_NAME = {name: cat for cat, _, names in LEVELS for name in names}
LABELS = {cat: label for cat, label, _ in LEVELS} | {cat: label for cat, label in CAVEATS.values()}

_CODES = "TS|LOU|S|C|U"
_WORDS = "Top Secret|Limited Official Use|Secret|Confidential|Unclassified"
PARAGRAPH = re.compile(rf"\(({_CODES})((?:/(?:{'|'.join(CAVEATS)}))*)\)")
ENTIRE_TEXT = re.compile(rf"\(({_CODES}|{_WORDS})—Entire [Tt]ext\)|\b({_CODES}|{_WORDS})—Entire [Tt]ext\b")
DOCUMENT = re.compile(rf"(?:(?<=^)|(?<=\. )|(?<=; ))({_WORDS}|No classification marking)(?=[.;—]|$)")


@dataclass(frozen=True)
class Marking:
    start: int
    end: int
    subtype: str  # "paragraph", "entire-text" or "document"
    categories: tuple[str, ...]  # level first, then caveats

    @property
    def ana(self) -> str:
        return " ".join("#" + c for c in self.categories)


def in_line(text: str, line_start: bool, line_end: bool) -> list[Marking]:
    """Paragraph and telegram markings in one run of text.

    ``line_start``/``line_end`` say whether the run begins/ends its line (a
    callout after the run does not count as text).  A paragraph marking must
    stand at the start of its line (after a paragraph number, if any) or at
    its end: in mid-sentence ``(C)`` is more likely an enumerator.
    """
    found: list[Marking] = []
    for match in PARAGRAPH.finditer(text):
        before = text[: match.start()]
        after = text[match.end():]
        at_start = line_start and re.fullmatch(r"(?:\d+\. )?", before) is not None
        at_end = line_end and re.fullmatch(r"[.;:]?", after) is not None
        if at_start or at_end:
            caveats = tuple(CAVEATS[c][0] for c in match.group(2).split("/") if c)
            found.append(Marking(match.start(), match.end(), "paragraph", (_level(match.group(1)),) + caveats))
    for match in ENTIRE_TEXT.finditer(text):
        code = match.group(1) or match.group(2)
        found.append(Marking(match.start(), match.end(), "entire-text", (_level(code),)))
    found.sort(key=lambda m: m.start)
    return found


def in_source_note(text: str) -> Marking | None:
    """The document's classification in the first line of a source note."""
    match = DOCUMENT.search(text)
    if match is None:
        return None
    return Marking(match.start(1), match.end(1), "document", (_BY_NAME[match.group(1)],))


def _level(code: str) -> str:
    return _BY_NAME[code]


# ------------------------------------------------ marking up the model


def mark_paragraph(content: list[Inline]) -> list[Inline]:
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
        out.extend(_wrap(node.text, in_line(node.text, line_start, line_end)))
        line_start = False
    return out


def _until_break(content: list[Inline], k: int):
    for node in content[k:]:
        if isinstance(node, LineBreak):
            return
        yield node


def _wrap(text: str, found: list[Marking]) -> list[Inline]:
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


def _seg(text: str, mark: Marking) -> Span:
    return Span("seg", (Text(text),), _seg_attrs(mark))


def mark_source_note(content: list[Inline]) -> list[Inline]:
    """In ``Source: <archive>; Secret. …``: the archival source and the classification."""
    if not content or not isinstance(content[0], Text):
        return content
    text = content[0].text
    mark = in_source_note(text)
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


# ------------------------------------------- markings in TEI we did not encode


def recognise(doc):
    """Mark up the classification markings of a document read from official FRUS
    TEI, where they are plain text or ``(<gloss>S</gloss>)``, so that every
    document renders them alike.  A document with markings already marked up
    is returned as it is."""
    from dataclasses import replace

    from .model import Container, Para, document_inlines, iter_inlines

    if any(isinstance(n, Span) and n.attr("type") == "classification"
           for n in iter_inlines(document_inlines(doc), into_notes=True)):
        return doc

    def blocks(items):
        out = []
        for block in items:
            if isinstance(block, Para) and block.kind == "p":
                block = replace(block, content=tuple(mark_paragraph(_glossed(list(block.content)))))
            elif isinstance(block, Container):
                block = replace(block, children=tuple(blocks(block.children)))
            out.append(block)
        return out

    head = tuple(_source_note_marked(node) if isinstance(node, Note) and node.type == "source" else node
                 for node in doc.head)
    return replace(doc, head=head, blocks=tuple(blocks(doc.blocks)))


def _glossed(content: list[Inline]) -> list[Inline]:
    """``(`` + ``<gloss>S</gloss>`` + ``)`` → one classification ``seg``."""
    work = list(content)
    out: list[Inline] = []
    k = 0
    while k < len(work):
        node = work[k]
        if (k + 2 < len(work) and isinstance(node, Text) and node.text.endswith("(")
                and isinstance(work[k + 1], Span) and work[k + 1].kind == "gloss"
                and isinstance(work[k + 2], Text) and work[k + 2].text.startswith(")")):
            gloss = work[k + 1]
            code = "".join(c.text for c in gloss.children if isinstance(c, Text))
            match = PARAGRAPH.fullmatch(f"({code})")
            if match:
                if node.text[:-1]:
                    out.append(Text(node.text[:-1]))
                caveats = tuple(CAVEATS[c][0] for c in match.group(2).split("/") if c)
                mark = Marking(0, 0, "paragraph", (_level(match.group(1)),) + caveats)
                out.append(Span("seg", (Text("("), gloss, Text(")")), _seg_attrs(mark)))
                rest = work[k + 2].text[1:]
                if rest:
                    work[k + 2] = Text(rest)
                    k += 2
                else:
                    k += 3
                continue
        out.append(node)
        k += 1
    return out


def _source_note_marked(note: Note) -> Note:
    from dataclasses import replace

    from .model import Para

    if not note.blocks or not isinstance(note.blocks[0], Para):
        return note
    first = note.blocks[0]
    content: list[Inline] = []
    done = False
    for node in first.content:
        if not done and isinstance(node, Text):
            mark = in_source_note(node.text)
            if mark:
                text = node.text
                content.extend([Text(text[: mark.start])] if mark.start else [])
                content.append(Span("seg", (Text(text[mark.start:mark.end]),), _seg_attrs(mark)))
                if mark.end < len(text):
                    content.append(Text(text[mark.end:]))
                done = True
                continue
        content.append(node)
    return replace(note, blocks=(replace(first, content=tuple(content)),) + note.blocks[1:])


def _seg_attrs(mark: Marking) -> tuple[tuple[str, str], ...]:
    return (("type", "classification"), ("subtype", mark.subtype), ("ana", mark.ana))
