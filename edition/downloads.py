"""The edition as data: per-document JSON, the whole edition as one zip, and a teiCorpus.

All of it is deterministic: entries sorted, zip times set to the release date, so two
builds of the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from lxml import etree

from . import docinfo, teiwrite
from .docinfo import EDITION_EDITOR
from .model import Document, Edition, Para, notes, page_breaks, paragraphs, plain

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


def edition_zip(files: dict[str, bytes], edition: Edition) -> bytes:
    """``files`` (path → bytes) and a SHA256SUMS manifest of them, in one zip."""
    stamp = tuple(int(x) for x in edition.date.split("-")) + (0, 0, 0)
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*sorted(files.items()), ("SHA256SUMS", sums.encode("utf-8"))]:
            info = zipfile.ZipInfo(f"edition/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def corpus(documents: list[tuple[Document, Edition]], edition: Edition) -> bytes:
    """Every document of one volume in a ``teiCorpus`` with the edition's own header."""
    ns = teiwrite.T
    root = etree.Element(ns + "teiCorpus", nsmap={None: teiwrite.TEI_NS})
    header = etree.SubElement(root, ns + "teiHeader")
    file_desc = etree.SubElement(header, ns + "fileDesc")
    title_stmt = etree.SubElement(file_desc, ns + "titleStmt")
    etree.SubElement(title_stmt, ns + "title").text = edition.title
    if documents:
        etree.SubElement(title_stmt, ns + "title", type="volume").text = documents[0][1].volume.title
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
    taxonomy = None
    for doc, doc_edition in documents:
        tei = teiwrite.tei_document(doc, doc_edition)
        # ids shared by every document's header stand once, in the corpus header; the
        # documents' pointers (#class-secret, #edition-editor) resolve to them there
        for decl in tei.iter(ns + "classDecl"):
            taxonomy = taxonomy if taxonomy is not None else decl
            decl.getparent().remove(decl)
        for el in tei.iter(ns + "editor"):
            el.attrib.pop(teiwrite.XML_ID, None)
        root.append(tei)
    if taxonomy is not None:
        encoding = etree.Element(ns + "encodingDesc")
        encoding.append(taxonomy)
        header.append(encoding)
    teiwrite.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
