"""The program in one page: what happens, in which order.

``encode_file``: one plain-text document → TEI bytes.
``build_edition``: every text of the edition → the site folder, atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import encode, seeds, teiwrite, tei, totext
from .errors import EditionError, Location
from .model import Document, Edition
from .write import SiteWriter

_FILE_DOC = re.compile(r"(?:^|-)d(\d+)$")


def encode_source(source: seeds.SourceText) -> Document:
    doc = encode.encode_text(source)
    stated = _FILE_DOC.search(Path(source.path).stem)
    if stated and stated.group(1) != doc.n:
        raise EditionError(
            source.location(len(f"[Page {doc.page_before_head.n}] ") if doc.page_before_head else 0),
            f"the file name says document {stated.group(1)} but the head line says {doc.n}",
        )
    return doc


def encode_file(path: str | Path, edition: Edition) -> bytes:
    """Read one text, encode it, and return the standalone TEI file's bytes."""
    return teiwrite.to_bytes(encode_source(seeds.read_text(path)), edition)


def text_of_tei(path: str | Path) -> str:
    """The plain text of every document in a TEI file (``totext``)."""
    return "\n\n\n".join(totext.render(doc) for doc in tei.read_documents(path))


@dataclass(frozen=True)
class BuildReport:
    site: Path
    files: tuple[str, ...]


def build_edition(edition: Edition, site: str | Path = "_site") -> BuildReport:
    """Encode every text the config lists into ``<site>/<volume>/<doc>.xml``.

    Nothing is written into ``site`` unless every text encodes; the previous
    site stays as it was on any error."""
    if not edition.texts:
        raise EditionError(Location(edition.config_path), "the config lists no texts ([edition] texts)")
    writer = SiteWriter(site)
    try:
        for path in edition.texts:
            doc = encode_source(seeds.read_text(path))
            data = teiwrite.to_bytes(doc, edition)
            writer.write(f"{edition.volume.id}/{doc.xml_id}.xml", data, source=path)
        writer.commit()
    except BaseException:
        writer.abandon()
        raise
    return BuildReport(Path(site), tuple(sorted(writer.written)))
