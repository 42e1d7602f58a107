"""The search records, the bundle and the search box, without a browser."""

from __future__ import annotations

import json
import posixpath
import re

import lxml.html
import pytest

from edition import cli, config, markup, registers, search, tei
from edition.errors import EditionError
from edition.pagefind_index import LEFT_OUT, page_html

from .conftest import EXAMPLES, ROOT, copy_seeds


@pytest.mark.parametrize("doc_id, kind", [
    ("d160", "Report"), ("d161", "Memorandum"), ("d163", "Handwritten Letter"),
    ("d164", "Information Memorandum"), ("d165", "Telegram"), ("d166", "Letter"),
    ("d171", "National Security Decision Directive"),
])
def test_the_document_type_is_the_genre_the_head_names(doc_id, kind):
    (doc,) = tei.read_documents(EXAMPLES / "tei" / f"{doc_id}.xml")
    assert search.document_type(doc) == kind


@pytest.fixture(scope="module")
def d156(edition):
    from edition import seed_documents

    regs = seed_documents.load_registers(edition.volume)
    doc, _ = seed_documents.encode_text_seed(ROOT / "seeds" / "frus1981-88v03-d156.txt", edition, regs)
    numbers = markup.number_paragraphs(doc)
    found = registers.occurrences(doc, numbers)
    return search.document_page(doc, "frus1981-88v03/d156.html", numbers, regs, found)


def test_a_document_gives_a_section_per_paragraph_note_and_annotation(d156):
    labels = [s.label for s in d156.sections]
    assert labels[0] == "heading" and d156.sections[0].anchor == "d156"
    assert [s for s in labels if s.startswith("¶")] == [f"¶{n}" for n in range(1, 7)]
    assert "source note" in labels  # d156 has no other footnote; d161 has (below)
    assert sum(label.startswith("editorial annotation") for label in labels) == 6
    (p2,) = [s for s in d156.sections if s.anchor == "d156p2"]
    assert "Gromyko has been involved in diplomacy" in p2.content
    assert all("\n" not in s.content and s.content == s.content.strip() for s in d156.sections)


def test_footnotes_of_an_official_frus_file_are_sections_too():
    (doc,) = tei.read_documents(EXAMPLES / "tei" / "d161.xml")
    page = search.document_page(doc, "frus1981-88v05/d161.html", markup.number_paragraphs(doc), None, [])
    notes = {s.anchor: s.label for s in page.sections if "note" in s.label}
    assert notes["d161fn1"] == "source note" and notes["d161fn3"] == "note 3"
    assert dict(page.filters)["person"] == ()  # no registers given: no names to filter by


def test_the_filters_are_the_documents(d156):
    filters = dict(d156.filters)
    assert filters["type"] == ("Memorandum",)
    assert filters["classification"] == ("Secret",)
    assert filters["year"] == ("1982",)
    assert "Andrei A. Gromyko" in filters["person"] and "William P. Clark" in filters["person"]
    assert "NSC" in filters["term"]


def test_the_page_pagefind_reads_escapes_text_and_heads_each_section():
    page = search.SearchPage("v/d1.html", 'Document 1: <script>alert(1)</script>',
                             (("person", ('"onload=x', "A, B")),),
                             (search.Section("d1p1", "¶1", '<img src=x onerror="alert(2)">'),))
    tree = lxml.html.fromstring(page_html(page))
    assert tree.xpath("//script") == [] and tree.xpath("//img") == []
    assert tree.xpath("//main/h2[@id='d1p1']/text()") == ["¶1"]
    assert tree.xpath("//main/h2[@id='d1p1']/following-sibling::p[1]/text()") == ['<img src=x onerror="alert(2)">']
    assert tree.xpath("//*[@data-pagefind-filter='person']/text()") == ['"onload=x', "A, B"]
    # the filters stand outside the indexed body, so they are not searched as words
    assert tree.xpath("//main//*[@data-pagefind-filter]") == []


def test_the_fallback_index_is_a_classic_script_with_every_section(site):
    text = (site / "search" / "fallback.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"window\.editionSearchFallback = (.*);\n", text, re.S)
    data = json.loads(match.group(1))
    pages = {p[0]: p for p in data["pages"]}
    d156 = pages["frus1981-88v03/d156.html"]
    sections = {s[0]: s for s in d156[3]}
    assert "Gromyko" in sections["d156p2"][2]
    filters = [data["filters"][code] for code in d156[2]]
    assert ["person", "Andrei A. Gromyko"] in filters and ["type", "Memorandum"] in filters
    persons = pages["frus1981-88v03/persons.html"]
    assert any(s[0] == "p_GA_1" and s[1] == "Andrei A. Gromyko" for s in persons[3])
    assert [data["filters"][c] for c in persons[2]] == [["type", search.REGISTER_TYPE]]


def test_every_page_has_the_search_box_but_the_search_page(site):
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        tree = lxml.html.parse(str(page))
        forms = tree.xpath("//header//form[@role='search']")
        if rel == "search.html":
            assert forms == []
            (form,) = tree.xpath("//main//form[@role='search']")
        else:
            (form,) = forms
            assert form.xpath("label/@for") == form.xpath("input[@type='search']/@id")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), form.get("action")))
        assert target == "search.html" and form.get("method") == "get", rel
        assert form.xpath("input[@type='search']/@name") == ["q"]


def test_only_the_search_page_may_run_webassembly(site):
    for page in site.rglob("*.html"):
        (csp,) = lxml.html.parse(str(page)).xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        script_src = dict(d.strip().split(" ", 1) for d in csp.split(";"))["script-src"]
        assert ("'wasm-unsafe-eval'" in script_src) == (page.name == "search.html"), page
        assert "'unsafe-eval'" not in script_src.split()


def test_the_bundle_is_pagefinds_without_its_ready_made_interfaces(site):
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert list(bundle.glob("wasm.*.pagefind")) and list((bundle / "fragment").iterdir())
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]
    assert not [name for name in LEFT_OUT if (bundle / name).exists()]


def test_search_can_be_turned_off(tmp_path):
    seeds = copy_seeds(tmp_path, {"edition.toml": ("[edition]\n", "[edition]\nsearch = false\n")})
    out = tmp_path / "out"
    assert cli.main(["build", "--seeds", str(seeds), "--out", str(out)]) == 0
    assert not (out / "search.html").exists() and not (out / "pagefind").exists() and not (out / "search").exists()
    assert 'role="search"' not in (out / "frus1981-88v03" / "d156.html").read_text(encoding="utf-8")


def test_the_search_switch_must_be_true_or_false(tmp_path):
    seeds = copy_seeds(tmp_path, {"edition.toml": ("[edition]\n", '[edition]\nsearch = "yes"\n')})
    cfg = seeds / "edition.toml"
    with pytest.raises(EditionError) as caught:
        config.load(cfg)
    assert str(caught.value) == f"{cfg}:5:1: error: [edition] search must be true or false"


def test_a_failing_pagefind_is_an_error_and_the_site_stays(tmp_path, monkeypatch):
    from edition import pipeline

    seeds = copy_seeds(tmp_path)
    edition = config.load(seeds / "edition.toml")
    pipeline.build_edition(edition, tmp_path / "site")
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: the index could not be written' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))  # where Pagefind's package looks first
    with pytest.raises(EditionError) as caught:  # anew: with the cache, the same pages' index is reused
        pipeline.build_edition(edition, tmp_path / "site", cache=False)
    assert str(caught.value) == (f"{seeds / 'edition.toml'}:1:1: error: Pagefind could not build the search index:"
                                 " Error: the index could not be written")
    assert {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("given", [None, "/opt/elsewhere/pagefind"])
def test_the_build_finds_pagefind_where_its_own_package_does(monkeypatch, given):
    from pagefind.service import get_executable

    from edition.pagefind_index import pagefind_program

    if given is None:
        monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    else:
        monkeypatch.setenv("PAGEFIND_BINARY_PATH", given)
    assert pagefind_program() == str(get_executable())


def test_a_bundle_not_as_expected_is_left_as_pagefind_wrote_it():
    from edition import pagefind_stable

    odd = [("pagefind-entry.json", b'{"languages": {"en": {"hash": "en_1"}}}'), ("pagefind.en_1.pf_meta", b"not gzip")]
    assert pagefind_stable.stabilise(odd) == odd


@pytest.mark.parametrize("n, part", [("156", "frus1981-88v03-001"), ("99", "frus1981-88v03-000"),
                                     ("1000", "frus1981-88v03-010"), ("12a", "frus1981-88v03-000"),
                                     ("A", "frus1981-88v03-other")])
def test_a_documents_part_of_the_index_follows_from_its_number(n, part):
    assert search.document_shard("frus1981-88v03", n) == part
