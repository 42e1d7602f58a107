"""Anchors that never break: the manifest of citable ids, and keeping ids across releases.

Every build writes ``anchors.json``: each citable id (document, paragraph,
footnote, page, annotation, register entry) with a short hash of its words.
Given the previous release's manifest (``[edition] previous_anchors``), a build

* keeps paragraph ids: today's paragraphs are matched to the published ones by
  their words (the same words, or nearly the same after a correction), so an
  inserted paragraph gets a new id and the ones after it keep theirs;
* fails, naming each id, when a published anchor would disappear or now stand on
  other words, unless the editor records where it went in ``[aliases]``
  (``d156p3 = "d156p4"``); an alias keeps resolving, as a second id on the page.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import pickle
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import EditionError, Location
from .model import Container, Document, Para, notes, page_breaks, paragraphs, plain
from .write import Streamed

# Two versions of a paragraph are "the same paragraph, corrected" at this similarity.
SAME_PARAGRAPH = 0.85
_PARA_ID = re.compile(r"(d\d+)p(\d+)$")
# Anchors whose words must not change: the document's head, its footnotes, its pages.
# A paragraph may be corrected (its id then follows it, see keep_paragraph_ids); the
# editor's annotations and register descriptions are the editor's to revise.
_FIXED_WORDS = {"document", "note", "page"}


def digest(words: str) -> str:
    return hashlib.sha256(" ".join(words.split()).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)  # one per anchor of the edition: kept small
class Citable:
    id: str
    kind: str  # document, paragraph, note, page, annotation, person, term, place
    page: str  # the site page it is on
    hash: str
    words: str  # the first words, for messages
    full: str = ""  # a paragraph's words


def document_anchors(doc: Document, page: str) -> list[Citable]:
    out = [Citable(doc.xml_id, "document", page, digest(plain(doc.head)), plain(doc.head)[:60])]
    for para in paragraphs(doc.blocks):
        if para.xml_id:
            words = plain(para.content)
            out.append(Citable(para.xml_id, "paragraph", page, digest(words), words[:60], words))
    for note in notes(doc):
        if note.xml_id:
            words = " ".join(plain(b.content) for b in note.blocks if isinstance(b, Para))
            out.append(Citable(note.xml_id, "note", page, digest(words), words[:60]))
    for pb in page_breaks(doc):
        if pb.xml_id:
            out.append(Citable(pb.xml_id, "page", page, digest(f"page {pb.n}"), f"page {pb.n}"))
    for ann in doc.annotations:
        words = " ".join(plain(b.content) for b in ann.blocks if isinstance(b, Para))
        out.append(Citable(ann.xml_id, "annotation", page, digest(words), words[:60]))
    return out


def manifest_rows(anchors: list[Citable]) -> bytes:
    """The manifest's rows of these anchors (one page's, or a few pages'), in the order
    of the manifest; a paragraph's words are kept too, so that the next release can tell
    a corrected paragraph from a different one."""
    entries = []
    for a in sorted(anchors, key=lambda a: (a.page, a.id)):
        entry = {"id": a.id, "kind": a.kind, "page": a.page, "hash": a.hash}
        if a.kind == "paragraph":
            entry["text"] = a.full
        entries.append(entry)
    # one anchor a line, each by the C encoder (json's indent= takes its slow pure-Python path)
    return ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries).encode("utf-8")


def without_words(anchors: list[Citable]) -> bytes:
    """The anchors as the check needs them, without a paragraph's whole words (those are
    in the manifest rows), packed: what a build keeps of every anchor until the end when
    there is a release to check them against (see :func:`unpacked`), and carries in the
    build cache for every document even when there is none."""
    return pickle.dumps(tuple((a.id, a.kind, a.page, a.hash, a.words) for a in anchors), pickle.HIGHEST_PROTOCOL)


def unpacked(packed: bytes) -> list[Citable]:
    return [Citable(*fields) for fields in pickle.loads(packed)]


def manifest(spool) -> Streamed:
    """``anchors.json``, from rows spooled under their page (``write.Spool``), by page."""
    def produce(handle) -> None:
        handle.write(b'{"version": 1, "anchors": [\n')
        first = True
        for page in sorted(spool.keys()):
            rows = spool.get(page)
            if rows:
                handle.write(rows if first else b",\n" + rows)
                first = False
        handle.write(b"\n]}\n")
    return Streamed(produce)


@dataclass(frozen=True)
class Previous:
    """The previous release's manifest."""

    path: str
    anchors: dict[tuple[str, str], dict]  # (page, id) → entry

    def paragraphs_of(self, page: str) -> list[dict]:
        found = [e for (p, _), e in self.anchors.items() if p == page and e["kind"] == "paragraph"]
        return sorted(found, key=lambda e: int(_PARA_ID.search(e["id"]).group(2)) if _PARA_ID.search(e["id"]) else 0)


def read_previous(path: str) -> Previous | None:
    if not path:
        return None
    file = Path(path)
    if not file.is_file():
        raise EditionError(Location(path), "the previous release's anchors (previous_anchors) are not here")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        entries = {(e["page"], e["id"]): e for e in data["anchors"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise EditionError(Location(path), f"not an anchors manifest written by a build: {exc}") from None
    return Previous(path, entries)


# ------------------------------------------------------------ keeping ids


def keep_paragraph_ids(doc: Document, page: str, previous: Previous | None) -> Document:
    """Give today's paragraphs the ids they were published under (see the module text)."""
    if previous is None:
        return doc
    old = previous.paragraphs_of(page)
    words_of = {e["id"]: e.get("text") for e in old}
    if not old:
        return doc
    today = list(paragraphs(doc.blocks))
    old_hashes = [e["hash"] for e in old]
    new_hashes = [digest(plain(p.content)) for p in today]
    assigned: dict[int, str] = {}
    matcher = difflib.SequenceMatcher(a=old_hashes, b=new_hashes, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                assigned[j1 + k] = old[i1 + k]["id"]
        elif tag == "replace":
            # published paragraphs whose words changed: each follows the most similar
            # paragraph of today's, in order, if they are close enough to be a correction
            start = j1
            for i in range(i1, i2):
                old_words = words_of.get(old[i]["id"]) or ""
                scored = [(_similarity(old_words, plain(today[j].content)), j) for j in range(start, j2)]
                best = max(scored, default=(0.0, -1), key=lambda s: (s[0], -s[1]))
                if best[0] >= SAME_PARAGRAPH:
                    assigned[best[1]] = old[i]["id"]
                    start = best[1] + 1
    used = {e["id"] for e in old}
    highest = max((int(m.group(2)) for m in (_PARA_ID.search(i) for i in used) if m), default=0)
    ids: dict[int, str] = {}
    for j in range(len(today)):
        if j in assigned:
            ids[j] = assigned[j]
        else:
            highest += 1
            ids[j] = f"{doc.xml_id}p{highest}"
    renames = {p.xml_id: ids[j] for j, p in enumerate(today)}
    return _rename(doc, renames)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio()


def _rename(doc: Document, renames: dict[str, str]) -> Document:
    def walk(blocks):
        out = []
        for block in blocks:
            if isinstance(block, Para) and block.kind == "p" and block.xml_id in renames:
                block = replace(block, xml_id=renames[block.xml_id])
            elif isinstance(block, Container):
                block = replace(block, children=tuple(walk(block.children)))
            out.append(block)
        return tuple(out)

    return replace(doc, blocks=walk(doc.blocks))


# ------------------------------------------------------------ checking


def check(current: list[Citable], previous: Previous | None, aliases: dict[str, str], config_path: str) -> None:
    """Fail when a published anchor would disappear or stand on other words (and has no alias)."""
    if previous is None:
        return
    now = {(a.page, a.id): a for a in current}
    ids_now = {a.id for a in current}
    problems = []
    for (page, anchor_id), entry in sorted(previous.anchors.items()):
        if anchor_id in aliases:
            if aliases[anchor_id] not in ids_now:
                problems.append(f"{anchor_id}: its alias points to {aliases[anchor_id]}, which is not in this build")
            continue
        here = now.get((page, anchor_id))
        if here is None:
            problems.append(f"{page}#{anchor_id} ({entry['kind']}) was published and would disappear")
        elif here.hash != entry["hash"] and entry["kind"] in _FIXED_WORDS:
            problems.append(f"{page}#{anchor_id} ({entry['kind']}) would stand on other words: “{here.words}…”")
    if problems:
        listed = "; ".join(problems)
        raise EditionError(
            Location(previous.path),
            f"{len(problems)} published anchor(s) would break: {listed}."
            f" Keep them, or record where each went in [aliases] of {config_path}",
        )
