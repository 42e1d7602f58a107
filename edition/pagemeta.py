"""What a reading page's ``<head>`` tells machines: the metadata reference managers
(Zotero's Embedded Metadata translator reads the Highwire Press tags) and search engines
(Dublin Core, Open Graph, schema.org JSON-LD) read."""

from __future__ import annotations

import json

from markupsafe import Markup

from . import docinfo
from .model import Document, Edition, Volume


def meta_tags(doc: Document, vol: Volume, edition: Edition, item: dict, title: str) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of the <meta> tags reference managers and search engines read:
    Highwire Press (Zotero's Embedded Metadata), Dublin Core, Open Graph."""
    pages = docinfo.page_range(doc)
    url = item.get("URL", "")
    date = docinfo.date(doc) or vol.year
    tags = [
        ("name", "citation_title", title),
        ("name", "citation_book_title", vol.title),
        ("name", "citation_series_title", vol.series),
        ("name", "citation_volume", vol.number),
        *[("name", "citation_editor", p.name) for p in vol.editors],
        ("name", "citation_publisher", vol.publisher),
        ("name", "citation_date", vol.year),
        ("name", "citation_language", "en"),
    ]
    if pages:
        tags += [("name", "citation_firstpage", pages[0]), ("name", "citation_lastpage", pages[1])]
    if url:
        tags.append(("name", "citation_public_url", url))
    tags += [
        ("name", "DC.title", title),
        ("name", "DC.date", date),
        ("name", "DC.type", "Text"),
        ("name", "DC.identifier", url or f"{vol.id}/{doc.xml_id}"),
        ("name", "DC.rights", "Public domain"),
        ("name", "DC.language", "en"),
        ("property", "og:type", "article"),
        ("property", "og:title", f"{doc.n}. {title}"),
        ("property", "og:site_name", edition.title),
    ]
    if url:
        tags.append(("property", "og:url", url))
    return tags


def json_ld(doc: Document, vol: Volume, edition: Edition, item: dict) -> Markup:
    data = {
        "@context": "https://schema.org",
        "@type": "Chapter",
        "name": item["title"],
        "isPartOf": {"@type": "Book", "name": vol.title, "volumeNumber": vol.number,
                     "isPartOf": {"@type": "BookSeries", "name": vol.series},
                     "publisher": {"@type": "Organization", "name": vol.publisher}, "datePublished": vol.year,
                     "editor": [{"@type": "Person", "name": p.name} for p in vol.editors]},
        "position": doc.n,
        "inLanguage": "en",
        "license": edition.licence_url,
    }
    if item.get("URL"):
        data["url"] = item["URL"]
    if docinfo.date(doc):
        data["dateCreated"] = docinfo.date(doc)
    if item.get("page"):
        first, _, last = item["page"].partition("-")
        data["pageStart"], data["pageEnd"] = first, last or first
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c"))  # nothing in it can close the script element


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script (and no other)."""
    import base64
    import hashlib

    return "sha256-" + base64.b64encode(hashlib.sha256(str(script).encode("utf-8")).digest()).decode("ascii")
