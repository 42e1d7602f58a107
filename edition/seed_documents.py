"""One seed → its documents: a plain text encoded (checked against its file name,
given the facts the editor states of it, its names tagged, its annotations anchored), or
a TEI file read (ours or official FRUS, tagged already and not tagged again).  Also the
commands that encode texts to TEI files and turn TEI back into text."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from . import annotations, docinfo, encode, markings, registers, seeds, tagging, tei, teiwrite, totext
from .errors import EditionError, Location, warning_text
from .model import Document, Edition, Volume

_FILE_DOC = re.compile(r"(?:^|-)d(\d+)$")


def encode_source(source: seeds.SourceText) -> Document:
    doc = encode.encode_text(source)
    stated = _FILE_DOC.search(Path(source.path).stem)
    if stated and stated.group(1) != doc.n:
        raise EditionError(
            source.location(len(f"[Page {doc.page_before_head.n}] ") if doc.page_before_head else 0),
            f"the file name says document {stated.group(1)} but the head line says {doc.n}",
        )
    return dataclasses.replace(doc, source=source.path)


def load_registers(volume: Volume) -> registers.Registers:
    return registers.load({kind: list(files) for kind, files in volume.registers})


def encode_text_seed(path: str | Path, edition: Edition, regs: registers.Registers) -> tuple[Document, list[str]]:
    """One plain text → the document model: encoded, given its facts, names tagged.
    Returns the warnings too (names the registers leave ambiguous)."""
    source = seeds.read_text(path)
    doc = with_facts(encode_source(source), edition)
    facts = edition.facts(doc.xml_id)
    rules = tagging.Rules(edition.resolve, edition.skip).merged(
        tagging.Rules(facts.resolve, facts.skip) if facts else None)
    doc, ambiguities = tagging.tag(doc, regs, rules)
    doc = annotations.for_document(doc, edition.annotations_dir)
    warnings = []
    for amb in ambiguities:
        where = _occurrence(source, amb.form, amb.occurrence)
        choices = " or ".join(f"{i} ({regs.by_id(i).name})" for i in amb.ids)
        warnings.append(warning_text(where, f"'{amb.form}' could be {choices}; left untagged"
                                            f" (choose one with resolve = {{ \"{amb.form}\" = \"…\" }})"))
    return doc, warnings


def _occurrence(source: seeds.SourceText, form: str, k: int) -> Location:
    # a callout may follow the name ("Reagan1"), a letter may not
    matches = list(re.finditer(rf"(?<![\w’']){re.escape(form)}(?![^\W\d_])", source.text))
    offset = matches[min(k, len(matches)) - 1].start() if matches else 0
    return source.location(offset)


def encode_files(paths: list[str], edition: Edition) -> list[tuple[str, bytes, list[str]]]:
    """Read texts, encode them, and return each standalone TEI file's bytes (and warnings).
    The registers are read once for all of them."""
    regs = load_registers(edition.volume)
    out = []
    for path in paths:
        doc, warnings = encode_text_seed(path, edition, regs)
        out.append((str(path), teiwrite.to_bytes(doc, edition), warnings))
    return out


def with_facts(doc: Document, edition: Edition) -> Document:
    """Add what the editor states of the document in the config (its dateline)."""
    facts = edition.facts(doc.xml_id)
    return docinfo.with_dateline(doc, facts.place, facts.date) if facts else doc


def text_of_tei(path: str | Path) -> str:
    """The plain text of every document in a TEI file (``totext``)."""
    return "\n\n\n".join(totext.render(doc) for doc in tei.read_documents(path))


def read_seed(path: str, edition: Edition, regs: registers.Registers) -> tuple[list[Document], list[str]]:
    """A seed is one of our plain texts (encoded here) or a TEI file (ours or official FRUS,
    tagged already and not tagged again)."""
    if path.endswith(".xml"):
        return [markings.recognise(doc) for doc in tei.read_documents(path)], []
    if path.endswith(".txt"):
        doc, warnings = encode_text_seed(path, edition, regs)
        return [doc], warnings
    raise EditionError(Location(path), "a text must be a plain-text document (.txt) or a TEI file (.xml)")
