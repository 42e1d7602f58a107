"""The edition as data: per-document JSON, the whole edition as one zip, and a teiCorpus.

All of it is deterministic: entries sorted, zip times set to the release date, so two
builds of the same inputs give the same bytes.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import docinfo, teiwrite, urls, ziparchive
from .docinfo import EDITION_EDITOR
from .model import Document, Edition, Outline, Para, notes, page_breaks, paragraphs, plain
from .write import Streamed

ZIP = "downloads/edition.zip"


def corpus_path(volume_id: str) -> str:
    """One corpus per volume: page ids (``pg_524``) are unique within a volume, not across."""
    return f"downloads/{volume_id}-corpus.xml"


def document_json(doc: Document, volume_id: str, paragraph_numbers: dict[str, int], url: str) -> bytes:
    data = {
        "id": doc.xml_id,
        "volume": volume_id,
        "number": doc.n,
        "title": docinfo.document_title(doc),
        "date": docinfo.date(doc),
        "classification": docinfo.classification_label(doc),
        "pages": list(docinfo.page_range(doc) or ()),
        "url": url or None,
        "paragraphs": [{"id": p.xml_id, "n": paragraph_numbers.get(p.xml_id), "text": plain(p.content)}
                       for p in paragraphs(doc.blocks)],
        "notes": [{"id": n.xml_id, "n": n.n, "type": n.type,
                   "text": " ".join(plain(b.content) for b in n.blocks if isinstance(b, Para))} for n in notes(doc)],
        "pageBreaks": [{"id": pb.xml_id, "n": pb.n} for pb in page_breaks(doc)],
        "annotations": [{"id": a.xml_id, "n": a.n,
                         "text": " ".join(plain(b.content) for b in a.blocks if isinstance(b, Para))}
                        for a in doc.annotations],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@dataclass(frozen=True)
class PreviousZip:
    """The previous build's zip (``path``), whose members may be taken over if ``trusted``
    vouches for its digest (that this zlib made it); ``made`` is told the new zip's digest."""
    path: Path
    trusted: Callable[[str], bool]
    made: Callable[[str], None]


def zip_members(volume_id: str, xml_id: str) -> list[tuple[str, str]]:
    """(kind, site path) of a document's files in the edition's zip."""
    return [("xml", urls.tei_download(volume_id, xml_id)), ("txt", urls.text_download(volume_id, xml_id)),
            ("json", urls.json_download(volume_id, xml_id))]


# the zip's members waited for at a time: a few dozen documents' files (the zip trails the
# documents by that much; its thread is woken once for them, not once for each document)
ZIP_BATCH = 96


def edition_zip(documents: list[Outline], read, digest, edition: Edition,
                previous: PreviousZip | None = None, ready=lambda paths: None) -> tuple[str, Streamed, str]:
    """The zip of the ``documents``' files (outlines with their volume: ``(volume id,
    outline)``), and a SHA256SUMS manifest of them, written as it is made:
    ``ready(site paths)`` waits until those files are written (it is asked for
    :data:`ZIP_BATCH` members at a time), then ``digest(site path)`` gives a member's
    SHA-256 and ``read(site path)`` its bytes.  A member that the ``previous`` zip holds
    unchanged (by its SHA256SUMS) is taken over from it, deflated already, without being
    read.  (path, file, source)."""
    date = tuple(int(x) for x in edition.date.split("-"))
    # in reading order (each document's files by name), the order the documents are made in
    # a full build: the zip is deflated as they come, not all at the end (names sorted
    # would want d1000 second)
    members = [member for vol_id, doc in documents
               for member in sorted((f"{vol_id}/{doc.xml_id}.{kind}", path)
                                    for kind, path in zip_members(vol_id, doc.xml_id))]

    def produce(handle) -> None:
        old = ziparchive.Previous.open(previous.path, previous.trusted) if previous else None
        try:
            old_sums = _sums(old)
            sums = []
            archive = ziparchive.Writer(handle, date)
            for start in range(0, len(members), ZIP_BATCH):
                batch = members[start:start + ZIP_BATCH]
                ready([path for _, path in batch])
                unchanged: list[tuple[str, str]] = []  # a run of members the previous zip holds as they are
                for name, path in batch:
                    sha = digest(path)
                    sums.append((name, sha))
                    if old_sums.get(name) == sha:
                        unchanged.append((name, path))
                        continue
                    _take_over(archive, old, unchanged, read)
                    archive.add(f"edition/{name}", read(path))
                _take_over(archive, old, unchanged, read)
            archive.add("edition/SHA256SUMS", "".join(f"{sha}  {name}\n" for name, sha in sorted(sums)).encode("utf-8"))
            archive.close()
        finally:
            if old is not None:
                old.close()
        if previous is not None:
            previous.made(archive.digest())

    return ZIP, Streamed(produce), edition.config_path


def _sums(old: "ziparchive.Previous | None") -> dict[str, str]:
    """The previous zip's SHA256SUMS, by name (none if it has none that can be read)."""
    try:
        data = old.read("edition/SHA256SUMS") if old is not None else None
        text = data.decode("utf-8") if data is not None else ""
    except (OSError, ValueError, zlib.error, zipfile.BadZipFile):
        return {}
    return {name: digest for digest, _, name in (line.partition("  ") for line in text.splitlines())}


def _take_over(archive: "ziparchive.Writer", old: "ziparchive.Previous", members: list[tuple[str, str]], read) -> None:
    """Add ``members`` ((name, site path), unchanged since the previous zip), taken over
    from it in runs where it can, deflated anew where it cannot; ``members`` is emptied."""
    while members:
        try:
            taken = archive.take_run(old, [f"edition/{name}" for name, _ in members])
        except (OSError, zipfile.BadZipFile):
            taken = 0
        if not taken:  # deflated anew, here
            name, path = members[0]
            archive.add(f"edition/{name}", read(path))
            taken = 1
        del members[:taken]


def corpus_member(tree) -> bytes:
    """A document's TEI as it stands in its volume's corpus, from the tree of its TEI file
    (:func:`teiwrite.tei_document`, once that file is written: the tree is changed here):
    without the ids its header shares with every other (``#class-secret``,
    ``#edition-editor``: they stand once, in the corpus header) and the namespace declared
    there.  Made with the document."""
    ns = teiwrite.T
    for decl in list(tree.iter(ns + "classDecl")):
        decl.getparent().remove(decl)
    for el in tree.iter(ns + "editor"):
        el.attrib.pop(teiwrite.XML_ID, None)
    text = etree.tostring(tree, encoding="UTF-8").decode("utf-8")
    return text.replace(f' xmlns="{teiwrite.TEI_NS}"', "", 1).encode("utf-8")


def corpora(documents: list, member, edition: Edition):
    """Each volume's corpus (path, file, source), from its ``documents`` (``(volume id,
    outline)``, in order) and their :func:`corpus_member` (``member(site path of the TEI
    file)``)."""
    by_volume: dict[str, list] = {}
    for vol_id, doc in documents:
        by_volume.setdefault(vol_id, []).append((doc, urls.tei_download(vol_id, doc.xml_id)))
    for vol_id, docs in by_volume.items():
        yield corpus_path(vol_id), corpus(edition.volume_by_id(vol_id).title, docs, member, edition), edition.config_path


def corpus(volume_title: str, documents: list[tuple[Outline, str]], read, edition: Edition) -> Streamed:
    """Every document of one volume in a ``teiCorpus`` with the edition's own header,
    written one document at a time: ``read(site path of its TEI file)`` gives its
    :func:`corpus_member`."""
    ns = teiwrite.T
    root = etree.Element(ns + "teiCorpus", nsmap={None: teiwrite.TEI_NS})
    header = etree.SubElement(root, ns + "teiHeader")
    file_desc = etree.SubElement(header, ns + "fileDesc")
    title_stmt = etree.SubElement(file_desc, ns + "titleStmt")
    etree.SubElement(title_stmt, ns + "title").text = edition.title
    if documents:
        etree.SubElement(title_stmt, ns + "title", type="volume").text = volume_title
    for k, person in enumerate(edition.editors):
        editor = etree.SubElement(title_stmt, ns + "editor", role="edition")
        editor.text = person.name
        if k == 0:
            editor.set(teiwrite.XML_ID, EDITION_EDITOR)
    edition_stmt = etree.SubElement(file_desc, ns + "editionStmt")
    etree.SubElement(edition_stmt, ns + "edition", n=edition.version).text = f"Version {edition.version}"
    pub = etree.SubElement(file_desc, ns + "publicationStmt")
    etree.SubElement(pub, ns + "publisher").text = edition.publisher
    etree.SubElement(pub, ns + "date", when=edition.date).text = edition.date
    avail = etree.SubElement(pub, ns + "availability", status="free")
    etree.SubElement(avail, ns + "licence", target=edition.licence_url).text = "Public domain."
    source = etree.SubElement(file_desc, ns + "sourceDesc")
    etree.SubElement(source, ns + "p").text = "The documents of the edition, each with its own header."
    used: list[str] = []
    for outline, _ in documents:
        used.extend(c for c in outline.categories if c not in used)
    # ids shared by every document's header (#class-secret, #edition-editor) stand once, here
    teiwrite.class_decl(etree.SubElement(header, ns + "encodingDesc"), used)
    placeholder = etree.SubElement(root, ns + "TEI")
    teiwrite.indent(root)
    head, _, tail = etree.tostring(root, xml_declaration=True, encoding="UTF-8").partition(b"<TEI/>")

    def produce(handle) -> None:
        handle.write(head)
        for k, (_, path) in enumerate(documents):
            if k:
                handle.write(b"\n")
            handle.write(read(path))
        handle.write(tail + b"\n")

    del placeholder
    return Streamed(produce)
