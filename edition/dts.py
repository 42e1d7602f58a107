"""A static Distributed Text Services (DTS 1.0) API, Level 0: plain JSON and XML files.

The endpoints use path-style URI templates (RFC 6570 ``{/var}``), which a static
host can serve::

    dts/index.json                                    entry point
    dts/collection{/id}.json                          collection.json, collection/<volume>.json
    dts/navigation{/resource}{/tree}.json             navigation/<resource>.json (paragraphs
                                                      with their notes), …/<resource>/pages.json
    dts/document{/resource}{/ref}.xml                 document/<resource>.xml (the TEI),
                                                      …/<resource>/<ref>.xml (one citable unit)

A resource is ``<volume>-<document>`` (``frus1981-88v03-d156``); a ref is the TEI
``xml:id`` of a paragraph, note or page.  Every URL is absolute, made from the
configured base URL, so the API exists only for an edition that has one.
"""

from __future__ import annotations

import json

from lxml import etree

from . import docinfo, urls
from .model import Document, Edition, Note, Outline, Volume, iter_inlines, page_breaks, paragraphs

CONTEXT = "https://distributed-text-services.github.io/specifications/context/1-alpha1.json"
VERSION = "1-alpha"
DTS_NS = "https://w3id.org/dts/api#"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

ENTRY = "dts/index.json"
COLLECTION = "dts/collection{/id}.json"
NAVIGATION = "dts/navigation{/resource}{/tree}.json"
DOCUMENT = "dts/document{/resource}{/ref}.xml"
PAGES_TREE = "pages"


def expand(template: str, **values: str | None) -> str:
    """RFC 6570 path-segment expansion, the only kind these templates use."""
    out = template
    for name in ("id", "resource", "tree", "ref"):
        value = values.get(name)
        out = out.replace("{/" + name + "}", f"/{value}" if value else "")
    return out


def resource_id(volume: Volume, doc: Document | Outline) -> str:
    return f"{volume.id}-{doc.xml_id}"


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _trees() -> list[dict]:
    return [
        {"@type": "CitationTree",
         "citeStructure": [{"@type": "CiteStructure", "citeType": "paragraph",
                            "citeStructure": [{"@type": "CiteStructure", "citeType": "note"}]}]},
        {"@type": "CitationTree", "identifier": PAGES_TREE,
         "citeStructure": [{"@type": "CiteStructure", "citeType": "page"}]},
    ]


def _url(edition: Edition, path: str) -> str:
    return urls.absolute(edition.base_url, path)


def _templates(edition: Edition) -> dict[str, str]:
    return {"collection": _url(edition, COLLECTION), "navigation": _url(edition, NAVIGATION),
            "document": _url(edition, DOCUMENT)}


def _resource(edition: Edition, vol: Volume, doc: Outline) -> dict:
    rid = resource_id(vol, doc)
    item = {"@id": rid, "@type": "Resource", "title": doc.title, "totalParents": 1,
            "totalChildren": 0, "collection": _url(edition, expand(COLLECTION, id=vol.id)),
            "navigation": _url(edition, expand(NAVIGATION, resource=rid)),
            "document": _url(edition, expand(DOCUMENT, resource=rid)),
            "citationTrees": _trees(), "mediaTypes": ["application/tei+xml"]}
    if doc.date:
        item["dublinCore"] = {"date": doc.date}
    return item


def files(edition: Edition, documents: list[tuple[Volume, Outline]]):
    """(path, bytes) of the API's entry point and collections; each document's own
    files come from :func:`document_files`."""
    templates = _templates(edition)
    yield ENTRY, _json({"@context": CONTEXT, "@id": _url(edition, ENTRY), "@type": "EntryPoint",
                        "dtsVersion": VERSION, **templates})
    volumes: dict[str, tuple[Volume, list]] = {}
    for vol, doc in documents:
        volumes.setdefault(vol.id, (vol, []))[1].append(doc)
    root_members = [{"@id": vol.id, "@type": "Collection", "title": vol.title, "totalParents": 1,
                     "totalChildren": len(docs), "collection": _url(edition, expand(COLLECTION, id=vol.id))}
                    for vol, docs in volumes.values()]
    yield expand(COLLECTION), _json({"@context": CONTEXT, "@id": "edition", "@type": "Collection",
                                     "dtsVersion": VERSION, "title": edition.title, "totalParents": 0,
                                     "totalChildren": len(root_members), "collection": templates["collection"],
                                     "member": root_members})
    for vol, docs in volumes.values():
        yield expand(COLLECTION, id=vol.id), _json({
            "@context": CONTEXT, "@id": vol.id, "@type": "Collection", "dtsVersion": VERSION, "title": vol.title,
            "totalParents": 1, "totalChildren": len(docs), "collection": templates["collection"],
            "member": [_resource(edition, vol, doc) for doc in docs]})


def document_files(edition: Edition, vol: Volume, doc: Document, tei: bytes):
    """(path, bytes) of one document in the API: its navigation, the TEI, each fragment."""
    rid = resource_id(vol, doc)
    members, pages = _members(doc)
    for tree, units in ((None, members), (PAGES_TREE, pages)):
        yield expand(NAVIGATION, resource=rid, tree=tree), _json({
            "@context": CONTEXT, "@id": _url(edition, expand(NAVIGATION, resource=rid, tree=tree)),
            "@type": "Navigation", "dtsVersion": VERSION, "resource": _resource(edition, vol, docinfo.outline(doc)), "member": units})
    yield expand(DOCUMENT, resource=rid), tei
    for ref, fragment in _fragments(tei, doc, [m["identifier"] for m in members + pages]):
        yield expand(DOCUMENT, resource=rid, ref=ref), fragment


def _members(doc: Document) -> tuple[list[dict], list[dict]]:
    """Citable units: paragraphs with their notes (the default tree), and printed pages."""
    members = []
    for para in paragraphs(doc.blocks):
        if not para.xml_id:
            continue
        members.append({"@type": "CitableUnit", "identifier": para.xml_id, "level": 1, "parent": None,
                        "citeType": "paragraph"})
        for node in iter_inlines(para.content):
            if isinstance(node, Note) and node.xml_id:
                members.append({"@type": "CitableUnit", "identifier": node.xml_id, "level": 2,
                                "parent": para.xml_id, "citeType": "note"})
    pages = [{"@type": "CitableUnit", "identifier": pb.xml_id, "level": 1, "parent": None, "citeType": "page",
              "dublinCore": {"title": f"Page {pb.n}"}}
             for pb in page_breaks(doc) if pb.xml_id]
    return members, pages


def _fragments(tei: bytes, doc: Document, refs: list[str]):
    """Each unit's TEI in a ``dts:wrapper``: a paragraph or note as it is; a page as
    the blocks from the one it begins in up to the one the next page begins in."""
    root = etree.fromstring(tei)
    by_id = {el.get(XML_ID): el for el in root.iter() if isinstance(el.tag, str) and el.get(XML_ID)}
    body_div = by_id[doc.xml_id]
    blocks = [child for child in body_div if isinstance(child.tag, str)]
    for ref in refs:
        el = by_id.get(ref)
        if el is None:
            continue
        if etree.QName(el).localname == "pb":
            parts = _page(blocks, el, body_div)
        else:
            parts = [el]
        wrapper = etree.Element(f"{{{DTS_NS}}}wrapper", nsmap={"dts": DTS_NS, None: "http://www.tei-c.org/ns/1.0"})
        for part in parts:
            copy = etree.fromstring(etree.tostring(part))
            copy.tail = None
            wrapper.append(copy)
        yield ref, etree.tostring(wrapper, xml_declaration=True, encoding="UTF-8") + b"\n"


def _page(blocks: list, pb, div) -> list:
    top = pb
    while top.getparent() is not div:
        top = top.getparent()
    start = blocks.index(top)
    out = [blocks[start]]
    for block in blocks[start + 1:]:
        out.append(block)
        if any(etree.QName(e).localname == "pb" for e in block.iter() if isinstance(e.tag, str)):
            break  # the next page begins in this block
    return out
