"""The built site: links, HTML validity, TEI validity, structure of the d156 page."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from edition import cli, config, pipeline
from edition.errors import EditionError

from .conftest import FIXTURES, ROOT
from .sitecheck import broken_links, vnu_errors

GOLDEN = FIXTURES / "golden-site"


def test_site_layout(site):
    for rel in ["index.html", "404.html", "about.html", "method.html", "encoding.html",
                "frus1981-88v03/d156.html", "frus1981-88v03/d156.xml", "frus1981-88v03/d156.txt",
                "frus1981-88v03/d156-source.html", "static/edition.css", "static/edition.js"]:
        assert (site / rel).is_file(), rel


def test_every_internal_link_and_fragment_resolves(site, golden_site):
    assert broken_links(site) == []
    assert broken_links(golden_site) == []


def test_the_link_checker_finds_a_broken_fragment(tmp_path, site):
    copy = tmp_path / "s"
    shutil.copytree(site, copy)
    page = copy / "frus1981-88v03" / "d156.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="#d156p3"', 'href="#d156p99"'), encoding="utf-8")
    assert any("no id 'd156p99'" in b for b in broken_links(copy))


def test_every_page_passes_the_nu_html_checker(site, golden_site):
    pages = sorted(site.rglob("*.html")) + sorted(golden_site.rglob("*.html"))
    assert len(pages) >= 15
    assert vnu_errors(pages) == []


def test_the_nu_html_checker_is_real(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div>block in p</p>", encoding="utf-8")
    assert vnu_errors([bad])


def test_every_tei_file_in_the_site_is_valid(site, golden_site, tei_all):
    files = sorted(site.rglob("*.xml")) + sorted(golden_site.rglob("*.xml"))
    assert len([f for f in files if "downloads" not in f.parts]) == 4  # the documents
    assert len(files) == 7  # and a corpus file per volume
    for path in files:
        assert tei_all.validate(etree.parse(str(path))), f"{path}: {tei_all.error_log}"


def test_the_text_download_is_the_seed(site):
    assert (site / "frus1981-88v03" / "d156.txt").read_bytes() == (ROOT / "seeds" / "frus1981-88v03-d156.txt").read_bytes()


def test_nothing_is_loaded_from_outside_the_site(site, golden_site):
    for page in [*site.rglob("*.html"), *golden_site.rglob("*.html")]:
        tree = lxml.html.parse(str(page))
        for el in tree.iter("script", "link", "img", "iframe", "source", "video", "audio"):
            url = el.get("src") or el.get("href") or ""
            assert "//" not in url, f"{page}: {url}"
    for css in site.rglob("*.css"):
        assert "url(" not in css.read_text(encoding="utf-8") or "http" not in css.read_text(encoding="utf-8")


# An XPath table over the built d156 reading page.
D156 = [
    ("string(/html/@lang)", "en"),
    ("string(//title)", "156. Memorandum From the President’s Assistant for National Security Affairs (Clark) to President Reagan — FRUS Annotated Digital Edition"),
    ("normalize-space(//h1)", "156. Memorandum From the President’s Assistant for National Security Affairs (Clark) to President Reagan note 1"),
    ("normalize-space(//p[@class='banner'])", "Original classification: Secret"),
    ("string(//h1/a[@class='fnref']/@href)", "#d156fn1"),
    ("string(//h1/a[@class='fnref']/@id)", "d156fn1-ref"),
    ("string(//section[@class='provenance']//div[@id='d156fn1']//a[@role='doc-backlink']/@href)", "#d156fn1-ref"),
    ("count(//p[@class='para'])", 6.0),
    ("string(//p[@class='para'][3]/@id)", "d156p3"),
    ("string(//p[@id='d156p3']/span[@class='pnum']/a[1]/@href)", "#d156p3"),
    ("string(//p[@id='d156p3']/span[@class='pnum']/a[1])", "¶3"),
    ("string(//p[@id='d156p3']//abbr/@title)", "Secret"),
    ("string(//p[@id='d156p3']//abbr)", "S"),
    ("count(//abbr[@title='Secret'])", 4.0),
    ("string(//span[@role='doc-pagebreak']/@id)", "pg_524"),
    ("string(//span[@id='pg_524']/@title)", "Page 524"),
    ("string(//a[@class='pb-label']/@href)", "#cite-pg_524"),
    ("count(//p[@id='d156p4']//span[@id='pg_524'])", 1.0),
    ("normalize-space(//p[@class='subject'])", "Subject: When to Negotiate with the Soviet Union editorial annotation a"),
    ("normalize-space(//p[@class='dateline'])", "Washington, April 5, 1982 (dateline supplied by the editor from the printed volume)"),
    ("string(//p[@class='dateline']/time/@datetime)", "1982-04-05"),
    ("string(//a[text()='TEI P5 file']/@href)", "d156.xml"),
    ("string(//a[text()='Plain text']/@href)", "d156.txt"),
    ("string(//a[text()='TEI source view']/@href)", "d156-source.html"),
    ("string(//nav[@class='breadcrumbs']//a[1]/@href)", "../index.html"),
    ("string(//link[@rel='stylesheet']/@href)", "../static/edition.css"),
    ("string(//script/@src)", "../static/edition.js"),
    ("count(//*[@id='d156p1'])", 1.0),
]


@pytest.fixture(scope="session")
def d156_page(site):
    return lxml.html.parse(str(site / "frus1981-88v03" / "d156.html"))


@pytest.mark.parametrize("xpath, expected", D156, ids=[x for x, _ in D156])
def test_d156_page_xpath_table(d156_page, xpath, expected):
    assert d156_page.xpath(xpath) == expected


def _line_of(tei: Path, xml_id: str) -> int:
    return next(n for n, line in enumerate(tei.read_text(encoding="utf-8").split("\n"), 1) if f'xml:id="{xml_id}"' in line)


@pytest.mark.parametrize("xml_id, label", [("d156p3", "¶3"), ("d156fn1", "note 1"), ("pg_524", "page 524")])
def test_reading_page_and_source_view_link_to_each_other(site, xml_id, label):
    folder = site / "frus1981-88v03"
    line = _line_of(folder / "d156.xml", xml_id)
    page = lxml.html.parse(str(folder / "d156.html"))
    assert f"d156-source.html#L{line}" in page.xpath("//a[@class='src']/@href")
    source = lxml.html.parse(str(folder / "d156-source.html"))
    row = source.xpath(f"//span[@id='L{line}']")[0]
    assert (label, f"d156.html#{xml_id}") in [(a.text, a.get("href")) for a in row.xpath(".//span[@class='back']/a")]
    assert f'xml:id="{xml_id}"' in row.text_content()


def test_official_frus_tei_renders_with_its_notes_and_pages(golden_site):
    tree = lxml.html.parse(str(golden_site / "frus1981-88v05" / "d161.html"))
    assert tree.xpath("count(//ol/li[starts-with(@id, 'd161fn')])") == 8.0
    assert tree.xpath("string(//p[@class='dateline']/time/@datetime)") == "1985-11-21"
    assert tree.xpath("normalize-space(//p[@class='banner'])") == "Original classification: Secret"
    assert tree.xpath("string(//p[@class='signed'])") == "Mark Palmer"
    assert tree.xpath("count(//span[@role='doc-pagebreak'])") == 2.0
    assert tree.xpath("string(//a[@rel='prev']/@href)") == "d160.html"


def test_unknown_elements_render_their_text_and_warn(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    shutil.copytree(GOLDEN / "seeds", seeds)
    d160 = seeds / "d160.xml"
    d160.write_text(d160.read_text(encoding="utf-8").replace(
        "SPOT COMMENTARY", "<frobnicate>SPOT</frobnicate> COMMENTARY"), encoding="utf-8")
    line = next(i for i, l in enumerate(d160.read_text(encoding="utf-8").split("\n"), 1) if "frobnicate" in l)
    assert cli.main(["build", "--seeds", str(seeds), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert f"{d160}:{line}: warning: <frobnicate> is not an element the renderer knows; its text is shown as plain text" in err
    page = (tmp_path / "out" / "frus1981-88v05" / "d160.html").read_text(encoding="utf-8")
    assert "SPOT COMMENTARY" in page


def test_build_prints_a_one_line_summary(tmp_path, capsys):
    assert cli.main(["build", "--seeds", str(GOLDEN / "seeds"), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out.strip().split("\n")
    assert len(out) == 1 and out[0].startswith(f"built {tmp_path / 'o'}: 3 documents, 12 pages, 0 warnings in ")


def test_user_templates_are_searched_first(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(GOLDEN / "seeds", seeds)
    (seeds / "theme").mkdir()
    (seeds / "theme" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Lost in the archive</h1>{% endblock %}', encoding="utf-8")
    cfg = seeds / "edition.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("[edition]\n", '[edition]\ntemplates = "theme"\n', 1), encoding="utf-8")
    pipeline.build_edition(config.load(cfg), tmp_path / "out")
    assert "Lost in the archive" in (tmp_path / "out" / "404.html").read_text(encoding="utf-8")
    assert "Skip to content" in (tmp_path / "out" / "404.html").read_text(encoding="utf-8")  # base.html still ours


def test_a_user_template_that_does_not_compile_is_refused_with_its_place_and_the_site_kept(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(GOLDEN / "seeds", seeds)
    cfg = seeds / "edition.toml"
    pipeline.build_edition(config.load(cfg), tmp_path / "out")
    before = (tmp_path / "out" / "404.html").read_bytes()
    (seeds / "theme").mkdir()
    (seeds / "theme" / "404.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}',
                                             encoding="utf-8")
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("[edition]\n", '[edition]\ntemplates = "theme"\n', 1), encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        pipeline.build_edition(config.load(cfg), tmp_path / "out")
    assert str(caught.value) == f"{seeds / 'theme' / '404.html'}:3:1: error: template: Expected an expression, got 'end of statement block'"
    assert (tmp_path / "out" / "404.html").read_bytes() == before


def test_golden_site_is_unchanged(tmp_path):
    from .golden_site import EXPECTED, build, tree

    build(tmp_path / "_site")
    got, want = tree(tmp_path / "_site"), tree(EXPECTED)
    assert sorted(got) == sorted(want), "refresh with: python -m tests.golden_site"
    changed = [name for name in want if got[name] != want[name]]
    assert changed == [], f"changed: {changed}; refresh with: python -m tests.golden_site"


def test_two_builds_are_byte_identical(tmp_path):
    from edition import config, pipeline

    from .golden_site import GOLDEN

    for name in ("a", "b"):  # each from nothing: no work kept from a build before
        pipeline.build_edition(config.load(GOLDEN / "seeds" / "edition.toml"), tmp_path / name, cache=False)
    a, b = (_whole(tmp_path / name) for name in ("a", "b"))
    assert a == b
    assert any(path.startswith("pagefind/filter/") for path in a)  # the search bundle too


def _whole(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
