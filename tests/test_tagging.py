"""Registers and automatic tagging: the rules, the warnings, and the measured scores."""

from __future__ import annotations

import subprocess
import sys

import lxml.html
import pytest
from lxml import etree

from edition import cli, encode, registers, tagging, teiwrite
from edition.seeds import decode_text

from .conftest import EXAMPLES, FIXTURES, ROOT

NS = {"t": "http://www.tei-c.org/ns/1.0"}


@pytest.fixture(scope="module")
def regs():
    return registers.load({"person": [str(EXAMPLES / "persons.xml")], "term": [str(EXAMPLES / "terms.xml")]})


def _tagged(text: str, regs, rules=tagging.Rules()) -> tuple[str, list]:
    doc = encode.encode_text(decode_text("t.txt", ("9. Memorandum\n\n\n" + text).encode("utf-8")))
    doc, amb = tagging.tag(doc, regs, rules)
    div = teiwrite.body_div(doc)
    p = div.find("t:p", NS)
    return etree.tostring(p, encoding="unicode").replace(' xmlns="http://www.tei-c.org/ns/1.0"', ""), amb


CASES = [
    ("Gorbachev’s letter.", '<persName corresp="#p_GMS_1">Gorbachev</persName>’s letter.'),
    ("Ambassador Hart[Page 746] man spoke.", 'Ambassador <persName corresp="#p_HAA_1">Hart<pb n="746" xml:id="pg_746"/>man</persName> spoke.'),
    ("Secretary George Shultz said.", 'Secretary <persName corresp="#p_SGP_1">George Shultz</persName> said.'),
    ("The START talks will start soon.", 'The <gloss target="#t_START_1">START</gloss> talks will start soon.'),
    ("Let us tell the US side.", 'Let us tell the <gloss target="#t_US_1">US</gloss> side.'),
    ("Two SLBMs were MIRVed.", 'Two <gloss target="#t_SLBM_1">SLBMs</gloss> were <gloss target="#t_MIRV_1">MIRVed</gloss>.'),
    ("The S and C in a sentence.", "The S and C in a sentence."),
    ("It is done. (S)", 'It is done. <seg type="classification" subtype="paragraph" ana="#class-secret">(<gloss target="#t_S_1">S</gloss>)</seg>'),
    ("Papers are in the Reagan Library.", "Papers are in the Reagan Library."),
    ("Dobrynin met Baldrige.", '<persName corresp="#p_DA_1">Dobrynin</persName> met <persName corresp="#p_BHM_1">Baldrige</persName>.'),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0] for c in CASES])
def test_tagging_rules(regs, text, expected):
    xml, _ = _tagged(text, regs, tagging.Rules(resolve=(("Reagan", "p_RRW_1"),)))
    assert xml == f'<p xml:id="d9p1">{expected}</p>'


def test_an_ambiguous_surname_is_left_untagged_until_the_editor_resolves_it(regs):
    xml, amb = _tagged("Reagan wrote to Gorbachev.", regs)
    assert xml.startswith('<p xml:id="d9p1">Reagan wrote')
    assert [(a.form, a.ids) for a in amb] == [("Reagan", ("p_RN_1", "p_RRW_1"))]
    xml, amb = _tagged("Reagan wrote to Gorbachev.", regs, tagging.Rules(resolve=(("Reagan", "p_RRW_1"),)))
    assert xml.startswith('<p xml:id="d9p1"><persName corresp="#p_RRW_1">Reagan</persName>') and amb == []


def test_each_document_counts_its_own_occurrences_with_the_same_registers(regs):
    # the matcher of the same registers and rules serves document after document
    for _ in range(2):
        _, amb = _tagged("Reagan wrote. Reagan signed.", regs)
        assert [(a.form, a.occurrence) for a in amb] == [("Reagan", 1), ("Reagan", 2)]
    _, amb = _tagged("Reagan wrote. Reagan signed.", regs, tagging.Rules(resolve=(("Reagan", "p_RRW_1"),)))
    assert amb == []  # other rules: another matcher
    _, amb = _tagged("Reagan wrote.", regs)
    assert [(a.form, a.occurrence) for a in amb] == [("Reagan", 1)]


def test_skip_keeps_a_form_untagged(regs):
    xml, _ = _tagged("The START talks.", regs, tagging.Rules(skip=("START",)))
    assert "gloss" not in xml


def test_ambiguity_warning_names_file_line_and_column(tmp_path, capsys):
    text = (FIXTURES / "golden-site" / "seeds" / "frus1981-88v03-d156.txt").read_text(encoding="utf-8")
    source = tmp_path / "d156.txt"
    source.write_text(text, encoding="utf-8")
    status = cli.main(["encode", str(source), "--persons", str(EXAMPLES / "persons.xml"), "-o", str(tmp_path / "x.xml")])
    assert status == 0
    err = capsys.readouterr().err.splitlines()
    col = text.split("\n")[0].index("Reagan") + 1
    assert (f"{source}:1:{col}: warning: 'Reagan' could be p_RRW_1 (Reagan, Ronald W.) or p_RN_1 (Reagan, Nancy);"
                      " left untagged (choose one with resolve = { \"Reagan\" = \"…\" })") in err


def test_d156_is_tagged_from_the_editions_registers(site):
    tei = etree.parse(str(site / "frus1981-88v03" / "d156.xml"))
    names = [(e.get("corresp") or e.get("target"), e.text) for e in tei.iterfind(".//t:body//*[@corresp]", NS)]
    names += [(e.get("target"), e.text) for e in tei.iterfind(".//t:body//t:gloss", NS)]
    for expected in [("#p_CWP_1", "Clark"), ("#p_RRW_1", "Reagan"), ("#p_GA_1", "Gromyko"), ("#p_BL_1", "Brezhnev"),
                     ("#p_SJ_1", "Stalin"), ("#p_PR_2", "Pipes"), ("#t_NSC_1", "NSC"), ("#t_USSR_1", "USSR"),
                     ("#t_DIA_1", "DIA"), ("#pl_Moscow_1", "Moscow"), ("#pl_SovietUnion_1", "Soviet Union")]:
        assert expected in names


REGISTER = [
    ("persons.html", "string(//dt[@id='p_CWP_1'])", "Clark, William P. (1931–2013)"),
    ("persons.html", "string(//dt[@id='p_GA_1']/following-sibling::dd[1]//p[@class='places']/a/@href)", "d156.html#d156p2"),
    ("persons.html", "string(//dt[@id='p_SJ_1']/following-sibling::dd[1]//p[@class='authorities']/a/@href)", "https://www.wikidata.org/wiki/Q855"),
    ("persons.html", "count(//dt)", 6.0),
    ("terms.html", "string(//dt[@id='t_DIA_1']/following-sibling::dd[1]/p[1])", "Defense Intelligence Agency"),
    ("places.html", "count(//dt[@id='pl_Moscow_1']/following-sibling::dd[1]//p[@class='places']/a)", 4.0),
    ("d156.html", "string(//p[@id='d156p2']//a[@class='person name']/@href)", "persons.html#p_GA_1"),
    ("d156.html", "starts-with(//p[@id='d156p2']//a[@class='person name']/@data-desc, 'Andrei A. Gromyko: Soviet diplomat')", True),
    ("d156.html", "count(//aside[@class='in-document']//a)", 11.0),
    ("d156.html", "string(//aside[@class='in-document']//a[.='Andrei A. Gromyko']/@href)", "persons.html#p_GA_1"),
]


@pytest.mark.parametrize("page, xpath, expected", REGISTER, ids=[r[1] for r in REGISTER])
def test_register_pages_and_links_xpath_table(site, page, xpath, expected):
    tree = lxml.html.parse(str(site / "frus1981-88v03" / page))
    assert tree.xpath(xpath) == expected


def test_official_frus_tei_links_to_the_official_lists(golden_site):
    page = lxml.html.parse(str(golden_site / "frus1981-88v05" / "d161.html"))
    assert page.xpath("string(//a[@class='person name'][.='Shultz']/@href)") == "persons.html#p_SGP_1"
    persons = lxml.html.parse(str(golden_site / "frus1981-88v05" / "persons.html"))
    assert "d161.html#d161fn1" in persons.xpath("//dt[@id='p_SGP_1']/following-sibling::dd[1]//a/@href")


def test_a_name_no_register_defines_is_a_warning_and_plain_text(tmp_path, capsys):
    import shutil

    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURES / "golden-site" / "seeds", seeds)
    cfg = seeds / "edition.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('persons = "persons.xml"\n', ""), encoding="utf-8")
    assert cli.main(["build", "--seeds", str(seeds), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    shultz = etree.parse(str(seeds / "d161.xml")).xpath("//t:persName[@corresp='#p_SGP_1']", namespaces=NS)
    assert f"{seeds / 'd161.xml'}:{shultz[0].sourceline}: warning: #p_SGP_1 is defined by no register of this volume" \
           f" (and {len(shultz) - 1} more places); the name is shown as plain text" in err
    page = (tmp_path / "out" / "frus1981-88v05" / "d161.html").read_text(encoding="utf-8")
    assert "persons.html#p_SGP_1" not in page and "Shultz" in page


def test_the_scores_script_runs_and_meets_the_targets():
    result = subprocess.run([sys.executable, "scripts/tagging_scores.py", str(EXAMPLES)], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    print(result.stdout)
    for kind in ("person", "term"):
        row = next(l for l in lines if l.startswith(kind)).split()
        precision, recall = float(row[1]), float(row[2])
        assert precision >= 0.95 and recall >= 0.90, row
