"""Registers of persons, terms and places: reading them, and the name forms to match.

Two formats are read:

* TOML kept by the editor (``seeds/registers/persons.toml`` …), one table per
  entry keyed by its id (``[p_CWP_1]``), with ``name``, optional ``forms``,
  ``description``, ``dates``, ``wikidata``, ``viaf``;
* the official FRUS lists (``persons.xml``, ``terms.xml``: a ``div`` with
  ``persName``/``term`` entries carrying ``xml:id``).

The forms an entry is recognised by are derived from its name by fixed rules
(``Reagan, Ronald W.`` → ``Ronald W. Reagan``, ``Ronald Reagan``, ``R. Reagan``,
``Reagan``; a nickname in parentheses gives ``Mac Baldrige``), plus any forms
the editor lists.  Nothing else is guessed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import EditionError, Location
from .seeds import decode_text

KINDS = ("person", "term", "place")
_ID = re.compile(r"(p|t|pl)_[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*")
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
TEI = "{http://www.tei-c.org/ns/1.0}"


@dataclass(frozen=True)
class RegisterEntry:
    id: str
    kind: str  # person, term, place
    name: str  # as the register prints it: "Clark, William P.", "NSC"
    forms: tuple[str, ...]  # what the text may say
    surname_forms: tuple[str, ...] = ()  # forms that are a bare surname (ambiguity is checked on these)
    description: str = ""
    dates: str = ""
    authorities: tuple[tuple[str, str], ...] = ()  # (label, URL)
    source: str = ""

    @property
    def display(self) -> str:
        """``William P. Clark`` for a person, the term itself otherwise."""
        if self.kind == "person" and "," in self.name:
            surname, given = self.name.split(",", 1)
            given = re.sub(r"\s*\(.*?\)", "", given).strip().rstrip(",")
            given = re.sub(r",?\s*Jr\.$", "", given).strip()
            return f"{given} {surname}".strip()
        return self.name


@dataclass(frozen=True)
class Registers:
    entries: tuple[RegisterEntry, ...] = ()

    def by_id(self, entry_id: str) -> RegisterEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def of_kind(self, kind: str) -> tuple[RegisterEntry, ...]:
        return tuple(e for e in self.entries if e.kind == kind)

    def merged(self, other: "Registers") -> "Registers":
        mine = {e.id for e in self.entries}
        return Registers(self.entries + tuple(e for e in other.entries if e.id not in mine))


# ------------------------------------------------------------------ forms


def person_forms(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(all forms, bare-surname forms) of ``Surname, Given (Nick)``."""
    forms: list[str] = []
    surnames: list[str] = []
    names = [name]
    also = re.search(r"\(also ([^)]+)\)", name)
    if also:
        names.append(also.group(1))
        name = name.replace(also.group(0), "")
    names[0] = name
    for full in names:
        if "," not in full:
            forms.append(full.strip())
            continue
        surname, given = full.split(",", 1)
        surname = surname.strip()
        nick = re.search(r"\(([^)]+)\)", given)
        given = re.sub(r"\s*\([^)]*\)", "", given)
        given = re.sub(r",?\s*Jr\.?", "", given).strip().strip(",").strip()
        parts = [p for p in re.split(r"\s+", given) if p]
        words = [p for p in parts if not re.fullmatch(r"[A-Z]\.?", p)]
        if parts:
            forms.append(f"{' '.join(parts)} {surname}")
        if words:
            forms.append(f"{words[0]} {surname}")
            forms.append(f"{words[0][0]}. {surname}")
        if nick:
            forms.append(f"{nick.group(1)} {surname}")
        forms.append(surname)
        surnames.append(surname)
    return tuple(dict.fromkeys(f for f in forms if f)), tuple(dict.fromkeys(surnames))


# ------------------------------------------------------------------ TOML


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EditionError(Location(str(path)), f"cannot read this register: {exc.strerror}") from None


def read_toml(path: str | Path, kind: str) -> Registers:
    path = Path(path)
    name = str(path)
    text = decode_text(name, _read(path)).text
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
        raise EditionError(Location(name, line, col), f"not valid TOML: {re.sub(r' [(]at .*', '', str(exc))}") from None
    lines = text.split("\n")
    entries = []
    for entry_id, data in raw.items():
        where = _table_location(name, lines, entry_id)
        if not _ID.fullmatch(entry_id) or not isinstance(data, dict):
            raise EditionError(where, f"'{entry_id}' is not a register entry such as [p_CWP_1] or [t_NSC_1]")
        entry_name = data.get("name")
        if not isinstance(entry_name, str) or not entry_name.strip():
            raise EditionError(where, f"[{entry_id}] needs a name")
        extra = data.get("forms", [])
        if not isinstance(extra, list) or not all(isinstance(f, str) and f.strip() for f in extra):
            raise EditionError(where, f"[{entry_id}] forms must be a list of strings")
        if kind == "person":
            forms, surnames = person_forms(entry_name)
        else:
            forms, surnames = (entry_name,), ()
        authorities = []
        if data.get("wikidata"):
            authorities.append(("Wikidata", f"https://www.wikidata.org/wiki/{data['wikidata']}"))
        if data.get("viaf"):
            authorities.append(("VIAF", f"https://viaf.org/viaf/{data['viaf']}"))
        entries.append(RegisterEntry(
            id=entry_id, kind=kind, name=entry_name, forms=tuple(dict.fromkeys((*forms, *extra))),
            surname_forms=surnames, description=str(data.get("description", "")), dates=str(data.get("dates", "")),
            authorities=tuple(authorities), source=f"{name}:{where.line}",
        ))
    return Registers(tuple(entries))


def _table_location(name: str, lines: list[str], entry_id: str) -> Location:
    for i, line in enumerate(lines, start=1):
        if line.strip() == f"[{entry_id}]":
            return Location(name, i, 1)
    return Location(name, 1, 1)


# ------------------------------------------------------------------ TEI


def read_tei_list(path: str | Path) -> Registers:
    """An official FRUS persons or terms list (``div xml:id="persons"``/``"terms"``)."""
    from .tei import parse_bytes

    root = parse_bytes(str(path), _read(Path(path)))
    entries = []
    for el in root.iter(TEI + "persName", TEI + "term"):
        entry_id = el.get(XML_ID)
        if not entry_id:
            continue
        text = _words(el)
        item = el.getparent()
        while item is not None and etree.QName(item).localname != "item":
            item = item.getparent()
        whole = _words(item) if item is not None else text
        description = whole[len(text):].lstrip(" ,") if whole.startswith(text) else whole
        if etree.QName(el).localname == "persName":
            forms, surnames = person_forms(text)
            kind = "person"
        else:
            forms, surnames, kind = (text,), (), "term"
        entries.append(RegisterEntry(entry_id, kind, text, forms, surnames, description.strip(), "", (),
                                     f"{path}:{el.sourceline}"))
    if not entries:
        raise EditionError(Location(str(path)), "no persName or term with an xml:id in this list")
    return Registers(tuple(entries))


def _words(el) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def load(paths: dict[str, list[str]]) -> Registers:
    """Registers from files by kind: ``{"person": [...], "term": [...], "place": [...]}``."""
    result = Registers()
    for kind in KINDS:
        for path in paths.get(kind, []):
            if str(path).endswith(".xml"):
                result = result.merged(read_tei_list(path))
            else:
                result = result.merged(read_toml(path, kind))
    return result


# ------------------------------------------------------------ occurrences

_REF_ATTR = {"persName": "corresp", "gloss": "target", "placeName": "corresp"}


@dataclass(frozen=True, slots=True)  # one per name in the edition: kept small
class Occurrence:
    entry_id: str
    anchor: str  # the xml:id of the paragraph, footnote or document it stands in
    label: str  # "¶3", "note 1", "head"
    words: str

    def __reduce__(self):  # pickled as its fields: read back from the build cache twice as fast
        return (Occurrence, (self.entry_id, self.anchor, self.label, self.words))


def occurrences(doc, paragraph_numbers: dict[str, int]) -> list[Occurrence]:
    """Every tagged name of a document, with the anchor a reader is sent to."""
    from .model import Container, ListBlock, Note, Para, Span, Table, Text

    found: list[Occurrence] = []

    def words(nodes) -> str:
        return "".join(n.text if isinstance(n, Text) else words(n.children) if isinstance(n, Span) else ""
                       for n in nodes)

    def inline(nodes, anchor: str, label: str) -> None:
        for node in nodes:
            if isinstance(node, Span):
                attr = _REF_ATTR.get(node.kind)
                ref = node.attr(attr) if attr else None
                if ref and ref.startswith("#"):
                    found.append(Occurrence(ref[1:], anchor, label, words(node.children)))
                inline(node.children, anchor, label)
            elif isinstance(node, Note):
                for block in node.blocks:
                    visit(block, node.xml_id or doc.xml_id, f"note {node.n}")

    def visit(block, anchor: str, label: str) -> None:
        if isinstance(block, Para):
            if block.kind == "p" and block.xml_id in paragraph_numbers:
                inline(block.content, block.xml_id, f"¶{paragraph_numbers[block.xml_id]}")
            else:
                inline(block.content, anchor, label)
        elif isinstance(block, ListBlock):
            inline(block.head or (), anchor, label)
            for item in block.items:
                inline(item.content, anchor, label)
                for sub in item.sublists:
                    visit(sub, anchor, label)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    inline(cell, anchor, label)
        elif isinstance(block, Container):
            for child in block.children:
                visit(child, anchor, label)

    inline(doc.head, doc.xml_id, "head")
    for block in doc.blocks:
        visit(block, doc.xml_id, "text")
    return found
