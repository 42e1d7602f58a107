"""Editorial annotations: anchored by quotation, stand-off in the TEI, the editor's on the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from edition import annotations, cli, encode, seeds, tei
from edition.errors import EditionError

from .conftest import FIXTURES, ROOT, SEED

NS = {"t": "http://www.tei-c.org/ns/1.0"}


def _doc():
    return encode.encode_text(seeds.read_text(SEED))


@pytest.mark.parametrize("case, message", [
    ("not-found", "3:1: error: the quoted words “some 50 years” are not in d156 (quote them exactly, without footnote numbers or page markers)"),
    ("found-twice", "3:1: error: the quoted words “Moscow” stand 4 times in d156 (d156p1, d156p3, d156p4, d156p5); add a prefix: or suffix: line to choose one"),
    ("unsupported-markdown", "5:1: error: blockquote is not used in annotations; write paragraphs and lists, with emphasis and links"),
])
def test_annotation_errors_name_the_file_and_line(case, message):
    path = FIXTURES / "annotations" / case / "d156.md"
    with pytest.raises(EditionError) as err:
        annotations.attach(_doc(), path)
    assert str(err.value) == f"{path}:{message}"


def test_markdown_cannot_inject_html():
    doc = annotations.attach(_doc(), FIXTURES / "annotations" / "raw-html" / "d156.md")
    words = "".join(n.text for n in doc.annotations[0].blocks[0].content if hasattr(n, "text"))
    assert "<script>alert(1)</script>" in words  # kept as text, never as markup


def test_d156_annotations_in_the_tei(site):
    root = etree.parse(str(site / "frus1981-88v03" / "d156.xml"))
    notes = root.xpath("//t:back/t:div[@type='annotations']/t:note[@type='annotation']", namespaces=NS)
    assert len(notes) >= 5
    assert {n.get("resp") for n in notes} == {"#edition-editor"}
    assert root.xpath("string(//t:editor[@xml:id='edition-editor'])", namespaces=NS)
    for note in notes:
        start, end = note.get("target")[1:], note.get("targetEnd")[1:]
        assert len(root.xpath(f"//t:anchor[@xml:id='{start}']", namespaces=NS)) == 1
        assert len(root.xpath(f"//t:anchor[@xml:id='{end}']", namespaces=NS)) == 1
    gromyko = root.xpath("//t:note[@xml:id='d156ann2']", namespaces=NS)[0]
    assert "1957" in "".join(gromyko.itertext())
    # the anchored words are exactly the quoted ones
    p = root.xpath("//t:p[t:anchor[@xml:id='d156ann2-start']]", namespaces=NS)[0]
    text = etree.tostring(p, encoding="unicode")
    assert 'for <anchor xml:id="d156ann2-start"/>some 40 years<anchor xml:id="d156ann2-end"/>)' in text


def test_annotations_survive_reading_the_tei_back(site):
    doc = tei.read_documents(site / "frus1981-88v03" / "d156.xml")[0]
    built = annotations.attach(_doc(), ROOT / "seeds" / "annotations" / "d156.md")
    assert doc.annotations == built.annotations


ANNOTATED = [
    ("count(//section[@class='annotations']//ol/li)", 6.0),
    ("string(//a[@class='annref'][@href='#d156ann2']/@id)", "d156ann2-ref"),
    ("string(//a[@class='annref'][@href='#d156ann2']/ancestor::p/@id)", "d156p2"),
    ("normalize-space(//a[@class='annref'][@href='#d156ann2'])", "editorial annotation b"),
    ("string(//li[@id='d156ann2']//a[@role='doc-backlink']/@href)", "#d156ann2-ref"),
    ("boolean(//section[@class='notes' or @class='annotations'][1][@class='annotations'] or not(//section[@class='notes']))", True),
    ("normalize-space(//li[@id='d156ann3']//p[@class='quote'])", "On “as soon as Brezhnev leaves office”"),
]


@pytest.mark.parametrize("xpath, expected", ANNOTATED, ids=[a[0] for a in ANNOTATED])
def test_annotations_on_the_page(site, xpath, expected):
    page = lxml.html.parse(str(site / "frus1981-88v03" / "d156.html"))
    assert page.xpath(xpath) == expected


def test_a_bad_annotation_stops_the_build_and_keeps_the_old_site(tmp_path, capsys):
    seeds_dir = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds_dir)
    out = tmp_path / "_site"
    assert cli.main(["build", "--seeds", str(seeds_dir), "--out", str(out)]) == 0
    before = (out / "frus1981-88v03" / "d156.html").read_bytes()
    bad = FIXTURES / "annotations" / "not-found" / "d156.md"
    shutil.copy(bad, seeds_dir / "annotations" / "d156.md")
    capsys.readouterr()
    assert cli.main(["build", "--seeds", str(seeds_dir), "--out", str(out)]) == 1
    assert "error: the quoted words “some 50 years” are not in d156" in capsys.readouterr().err
    assert (out / "frus1981-88v03" / "d156.html").read_bytes() == before


def test_annotation_fixtures_exist():
    assert {p.name for p in (FIXTURES / "annotations").iterdir()} >= {"not-found", "found-twice"}
    assert Path(FIXTURES / "annotations" / "not-found" / "d156.md").is_file()
