"""Automatic tagging of persons, terms and places, FRUS style.

Rules, all of them (an editor can predict every decision):

* a name is tagged where one of its register forms stands as a whole word,
  case-sensitively (``START`` the treaty, not ``start``; ``US``, not ``us``);
  the longest form wins (``George Shultz`` before ``Shultz``);
* persons: a possessive stays outside the tag (``<persName>Brezhnev</persName>’s``);
  terms: a plural or verb ending belongs to it (``SLBMs``, ``MIRVed``);
* a term of one letter (``S``, ``C``) is tagged only inside a classification
  marking ``(S)``; elsewhere a capital letter is not a term;
* a name broken by a page (``Hart[Page 746] man``) is one name; a hyphen does not
  join two names into one (``Shultz-Dobrynin``, ``US-Soviet``);
* a form that belongs to two entries (``Reagan``: Ronald and Nancy) is left
  untagged with a warning, unless the editor resolves it (``resolve``);
* forms the editor lists in ``skip`` are never tagged (in one document or all);
* a person's name followed by ``Library`` is the archive (``Reagan Library``), not the person.

Official FRUS TEI is tagged by hand and is not tagged again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .model import merge_texts, Container, Document, Inline, Item, ListBlock, Note, PageBreak, Para, Span, Table, Text
from .registers import Registers

_TAGS = {"person": ("persName", "corresp"), "term": ("gloss", "target"), "place": ("placeName", "corresp")}
_NO_TAGGING_INSIDE = {"persName", "gloss", "placeName", "ref", "orgName", "term"}


@dataclass(frozen=True)
class Rules:
    resolve: tuple[tuple[str, str], ...] = ()  # form → entry id
    skip: tuple[str, ...] = ()

    def merged(self, other: "Rules | None") -> "Rules":
        """These rules with a document's own on top."""
        if other is None:
            return self
        return Rules(tuple((dict(self.resolve) | dict(other.resolve)).items()), self.skip + other.skip)


@dataclass
class Ambiguity:
    form: str
    ids: tuple[str, ...]
    occurrence: int  # 1 for the first time this form stands in the document, in file order
    line: int = 0  # of the block, for TEI seeds


@dataclass
class _Matcher:
    pattern: re.Pattern
    letter_pattern: re.Pattern | None
    owners: dict[str, tuple[str, ...]]  # form → entry ids
    kinds: dict[str, str]  # entry id → kind
    resolved: dict[str, str]
    ambiguities: list[Ambiguity] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)


# The matcher of the last registers and rules asked for: every document of a volume is
# tagged with the same (its own rules are merged in only when it has some), and making one
# (the expression of every form) took a third of tagging's time.  The registers kept are
# held, so that their identity cannot pass to others.
_last_made: list = []


def _made_for(registers: Registers, rules: Rules) -> _Matcher | None:
    if _last_made and _last_made[0] is registers and _last_made[1] == rules:
        return _last_made[2]
    made = _matcher(registers, rules)
    _last_made[:] = [registers, rules, made]
    return made


def _matcher(registers: Registers, rules: Rules) -> _Matcher | None:
    owners: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for entry in registers.entries:
        kinds[entry.id] = entry.kind
        for form in entry.forms:
            if form in rules.skip:
                continue
            owners.setdefault(form, [])
            if entry.id not in owners[form]:
                owners[form].append(entry.id)
    if not owners:
        return None
    words = sorted((f for f in owners if len(f) > 1), key=len, reverse=True)
    letters = sorted(f for f in owners if len(f) == 1)

    def alternation(forms):
        return "|".join(re.escape(f) for f in forms)

    # a term may carry a plural or verb ending; a person's possessive is not matched
    # hyphens do not join names: "Shultz-Dobrynin", "US-Soviet" name two
    pattern = re.compile(rf"(?<![\w’'])({alternation(words)})((?:s|es|ing|ed)?)(?!\w)") if words else re.compile(r"(?!x)x")
    letter = re.compile(rf"(?<=\()({alternation(letters)})()(?=[)/])") if letters else None
    return _Matcher(pattern, letter, {f: tuple(ids) for f, ids in owners.items()}, kinds, dict(rules.resolve))


def tag(doc: Document, registers: Registers, rules: Rules = Rules()) -> tuple[Document, list[Ambiguity]]:
    """The document with names tagged, and the ambiguities that were left untagged."""
    made = _made_for(registers, rules)
    if made is None:
        return doc, []
    matcher = replace(made, ambiguities=[], seen={})  # what it counts is the document's own
    head = _inlines(doc.head, matcher, 0, in_mark=False)
    blocks = tuple(_block(b, matcher) for b in doc.blocks)
    tagged = replace(doc, head=head, blocks=blocks)
    # Notes are tagged last, in number order: that is the order of the text file,
    # so "the k-th occurrence of a form" means the same in both.
    tagged = _tag_notes(tagged, matcher)
    return tagged, matcher.ambiguities


def _block(block, matcher: _Matcher):
    if isinstance(block, Para):
        return replace(block, content=_inlines(block.content, matcher, block.line, in_mark=False))
    if isinstance(block, ListBlock):
        head = _inlines(block.head, matcher, 0, False) if block.head is not None and block.type != "subject" else block.head
        return replace(block, head=head, items=tuple(_item(i, matcher) for i in block.items))
    if isinstance(block, Table):
        return replace(block, rows=tuple(tuple(_inlines(c, matcher, 0, False) for c in row) for row in block.rows))
    if isinstance(block, Container):
        return replace(block, children=tuple(_block(c, matcher) for c in block.children))
    return block


def _item(item: Item, matcher: _Matcher) -> Item:
    return Item(_inlines(item.content, matcher, 0, False), tuple(_block(s, matcher) for s in item.sublists))


def _tag_notes(doc: Document, matcher: _Matcher) -> Document:
    from .model import map_content, notes

    done: dict[str, Note] = {}
    for note in notes(doc):
        done[note.xml_id or note.n] = replace(note, blocks=tuple(_block(b, matcher) for b in note.blocks))

    def swap(content):
        out = []
        for node in content:
            if isinstance(node, Note):
                out.append(done.get(node.xml_id or node.n, node))
            elif isinstance(node, Span):
                out.append(replace(node, children=tuple(swap(node.children))))
            else:
                out.append(node)
        return tuple(out)

    return map_content(doc, swap)


def _inlines(content: tuple[Inline, ...], matcher: _Matcher, line: int, in_mark: bool) -> tuple[Inline, ...]:
    """Tag runs of text (a page break may stand inside a name); notes are done later."""
    out: list[Inline] = []
    run: list[Inline] = []

    def flush():
        if run:
            out.extend(_tag_run(run, matcher, line, in_mark))
            run.clear()

    for node in content:
        if isinstance(node, (Text, PageBreak)):
            run.append(node)
            continue
        flush()
        if isinstance(node, Span) and node.kind not in _NO_TAGGING_INSIDE:
            mark = node.kind == "seg" and node.attr("type") == "classification" and node.attr("subtype") == "paragraph"
            out.append(replace(node, children=_inlines(node.children, matcher, line, mark)))
        else:
            out.append(node)  # a note, a line break, a name already tagged
    flush()
    return tuple(out)


def _tag_run(run: list[Inline], matcher: _Matcher, line: int, in_mark: bool) -> list[Inline]:
    text = "".join(n.text for n in run if isinstance(n, Text))
    spans: list[tuple[int, int, str, str]] = []  # start, end, entry id, kind
    pattern = matcher.letter_pattern if in_mark else matcher.pattern
    if pattern is None:
        return run
    for match in pattern.finditer(text):
        form = match.group(1)
        ids = matcher.owners[form]
        matcher.seen[form] = matcher.seen.get(form, 0) + 1
        archive = matcher.kinds[ids[0]] == "person" and text.startswith(" Library", match.end(2))
        if len(ids) > 1 and not archive and not (matcher.kinds[ids[0]] != "term" and match.group(2)):
            chosen = matcher.resolved.get(form)
            if chosen not in ids:
                matcher.ambiguities.append(Ambiguity(form, ids, matcher.seen[form], line))
                continue
            ids = (chosen,)
        entry_id = ids[0]
        kind = matcher.kinds[entry_id]
        if kind != "term" and match.group(2):
            continue  # "Reagans" is not the name "Reagan"
        if kind == "person" and text.startswith(" Library", match.end(2)):
            continue
        spans.append((match.start(1), match.end(2), entry_id, kind))
    if not spans:
        return run
    return _wrap(run, spans)


def _wrap(run: list[Inline], spans: list[tuple[int, int, str, str]]) -> list[Inline]:
    """Cut the run's Text nodes at the span edges and wrap each span (with any page break inside it)."""
    # positions: a PageBreak sits at the offset of the text that follows it
    pieces: list[tuple[int, Inline]] = []
    offset = 0
    for node in run:
        if isinstance(node, Text):
            pieces.append((offset, node))
            offset += len(node.text)
        else:
            pieces.append((offset, node))
    out: list[Inline] = []
    current: list[Inline] | None = None
    span_index = 0

    for start_offset, node in pieces:
        if not isinstance(node, Text):
            (current if current is not None else out).append(node)
            continue
        text = node.text
        pos = 0
        while pos < len(text):
            absolute = start_offset + pos
            if current is None:
                if span_index < len(spans) and spans[span_index][0] < start_offset + len(text):
                    s_start = spans[span_index][0]
                    if s_start > absolute:
                        out.append(Text(text[pos: s_start - start_offset]))
                        pos = s_start - start_offset
                    current = []
                    continue
                out.append(Text(text[pos:]))
                pos = len(text)
            else:
                s_end = spans[span_index][1]
                if s_end <= start_offset + len(text):
                    current.append(Text(text[pos: s_end - start_offset]))
                    pos = s_end - start_offset
                    out.append(_span(spans[span_index], current))
                    current = None
                    span_index += 1
                else:
                    current.append(Text(text[pos:]))
                    pos = len(text)
    if current is not None:  # pragma: no cover - spans end inside the run
        out.extend(current)
    return merge_texts(out)


def _span(span: tuple[int, int, str, str], children: list[Inline]) -> Span:
    _, _, entry_id, kind = span
    tag, attr = _TAGS[kind]
    return Span(tag, tuple(merge_texts(children)), ((attr, f"#{entry_id}"),))
