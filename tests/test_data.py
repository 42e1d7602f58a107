"""The edition as data: downloads, the static DTS API, sitemap and robots.txt."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import lxml.html
from lxml import etree

from edition import dts

from .conftest import BASE

NS = {"t": "http://www.tei-c.org/ns/1.0", "dts": "https://w3id.org/dts/api#"}


def test_per_document_json(site):
    data = json.loads((site / "frus1981-88v03" / "d156.json").read_text(encoding="utf-8"))
    assert data["id"] == "d156" and data["volume"] == "frus1981-88v03" and data["date"] == "1982-04-05"
    assert data["classification"] == "Secret" and data["pages"] == ["523", "524"]
    assert [p["id"] for p in data["paragraphs"]] == [f"d156p{k}" for k in range(1, 7)]
    assert data["paragraphs"][2]["text"].startswith("2. Negotiations arouse expectations")
    assert data["notes"][0]["id"] == "d156fn1" and data["notes"][0]["type"] == "source"
    assert len(data["annotations"]) == 6


def test_the_edition_zip_holds_every_file_and_a_checksum_manifest(site):
    archive = zipfile.ZipFile(io.BytesIO((site / "downloads" / "edition.zip").read_bytes()))
    names = archive.namelist()
    assert names == ["edition/frus1981-88v03/d156.json", "edition/frus1981-88v03/d156.txt",
                     "edition/frus1981-88v03/d156.xml", "edition/SHA256SUMS"]
    sums = archive.read("edition/SHA256SUMS").decode("utf-8").splitlines()
    assert len(sums) == 3
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(f"edition/{name}")).hexdigest() == digest
        assert archive.read(f"edition/{name}") == (site / name).read_bytes()


def test_the_corpus_file_is_valid_tei_with_every_document(site, tei_all):
    corpus = etree.parse(str(site / "downloads" / "frus1981-88v03-corpus.xml"))
    assert tei_all.validate(corpus), tei_all.error_log
    assert corpus.getroot().tag == "{http://www.tei-c.org/ns/1.0}teiCorpus"
    assert corpus.xpath("count(/t:teiCorpus/t:TEI)", namespaces=NS) == 1.0
    ids = corpus.xpath("//@xml:id")
    assert len(ids) == len(set(ids))


def test_the_home_page_links_the_downloads_with_their_sizes(site):
    page = lxml.html.parse(str(site / "index.html"))
    items = page.xpath("//ul[@class='downloads']/li")
    assert [li.xpath("string(a/@href)") for li in items] == ["downloads/edition.zip", "downloads/frus1981-88v03-corpus.xml"]
    for li in items:
        size = (site / li.xpath("string(a/@href)")).stat().st_size
        assert f"({size / 1024:.0f} KB)" in li.text_content()
    assert page.xpath("string(//td[@class='data']/a[3]/@href)") == "frus1981-88v03/d156.json"


# ------------------------------------------------------------------- DTS

def _local(url: str, site: Path) -> Path:
    assert url.startswith(BASE), url
    return site / url[len(BASE):]


def test_dts_entry_point_and_every_template_expands_to_a_file(published):
    entry = json.loads((published / "dts" / "index.json").read_text(encoding="utf-8"))
    assert entry["@type"] == "EntryPoint" and entry["dtsVersion"]
    for key in ("collection", "navigation", "document"):
        assert re.search(r"\{/\w+\}", entry[key]), entry[key]
    root = json.loads(_local(dts.expand(entry["collection"]), published).read_text(encoding="utf-8"))
    assert root["@type"] == "Collection" and root["totalChildren"] == 1
    volume = json.loads(_local(dts.expand(entry["collection"], id="frus1981-88v03"), published).read_text(encoding="utf-8"))
    (resource,) = volume["member"]
    assert resource["@id"] == "frus1981-88v03-d156" and resource["@type"] == "Resource"
    assert [t.get("identifier") for t in resource["citationTrees"]] == [None, "pages"]
    assert _local(resource["document"], published).read_bytes() == (published / "frus1981-88v03" / "d156.xml").read_bytes()
    for tree in (None, "pages"):
        nav_url = dts.expand(entry["navigation"], resource=resource["@id"], tree=tree)
        nav = json.loads(_local(nav_url, published).read_text(encoding="utf-8"))
        assert nav["@type"] == "Navigation" and nav["member"]
        for member in nav["member"]:
            fragment = _local(dts.expand(entry["document"], resource=resource["@id"], ref=member["identifier"]), published)
            wrapper = etree.parse(str(fragment)).getroot()
            assert wrapper.tag == "{https://w3id.org/dts/api#}wrapper"
            assert member["identifier"] in wrapper.xpath(".//@xml:id")


def test_dts_navigation_has_paragraphs_with_their_notes_and_pages(published):
    nav = json.loads((published / "dts" / "navigation" / "frus1981-88v03-d156.json").read_text(encoding="utf-8"))
    assert [m["identifier"] for m in nav["member"] if m["level"] == 1] == [f"d156p{k}" for k in range(1, 7)]
    pages = json.loads((published / "dts" / "navigation" / "frus1981-88v03-d156" / "pages.json").read_text(encoding="utf-8"))
    assert [m["identifier"] for m in pages["member"]] == ["pg_524"]
    fragment = etree.parse(str(published / "dts" / "document" / "frus1981-88v03-d156" / "d156p3.xml"))
    assert fragment.xpath("string(/dts:wrapper/t:p/@xml:id)", namespaces=NS) == "d156p3"


def test_no_dts_sitemap_or_robots_without_a_base_url(site):
    assert not (site / "dts").exists() and not (site / "sitemap.xml").exists() and not (site / "robots.txt").exists()


def test_sitemap_and_robots_with_a_base_url(published):
    sitemap = etree.parse(str(published / "sitemap.xml"))
    locs = sitemap.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert BASE + "frus1981-88v03/d156.html" in locs and BASE + "index.html" in locs
    assert all(_local(loc, published).is_file() for loc in locs)
    assert (published / "robots.txt").read_text(encoding="utf-8") == f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"


def test_the_changelog_is_a_page_and_every_page_shows_the_version(site):
    page = lxml.html.parse(str(site / "changelog.html"))
    assert page.xpath("string(//h1)") == "Changelog"
    assert "Version 0.1.0" in page.xpath("string(//h2)")
    for html in site.rglob("*.html"):
        assert "version 0.1.0" in lxml.html.parse(str(html)).xpath("string(//footer)")


def test_a_published_build_is_valid_html_and_links_resolve(published):
    from .sitecheck import broken_links, vnu_errors

    assert broken_links(published) == []
    assert vnu_errors(sorted(published.rglob("*.html"))) == []
