"""Anchors that never break: the manifest, kept paragraph ids, and aliases."""

from __future__ import annotations

import json
import shutil

import lxml.html
import pytest

from edition import cli

from .conftest import ROOT


def _build(seeds, out, capsys=None) -> int:
    return cli.main(["build", "--seeds", str(seeds), "--out", str(out)])


def _ids(page) -> dict[str, str]:
    tree = lxml.html.parse(str(page))
    return {el.get("id"): " ".join(el.text_content().split()) for el in tree.iter() if el.get("id")}


@pytest.fixture
def released(tmp_path):
    """The edition built once and released: its anchors.json committed to the seeds."""
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    out = tmp_path / "_site"
    assert _build(seeds, out) == 0
    shutil.copy(out / "anchors.json", seeds / "anchors.json")
    cfg = seeds / "edition.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("[edition]\n", '[edition]\nprevious_anchors = "anchors.json"\n', 1),
                   encoding="utf-8")
    return seeds, out


def test_the_manifest_lists_every_citable_id(tmp_path):
    out = tmp_path / "_site"
    assert _build(ROOT / "seeds", out) == 0
    entries = json.loads((out / "anchors.json").read_text(encoding="utf-8"))["anchors"]
    kinds = {(e["id"], e["kind"]) for e in entries}
    for expected in [("d156", "document"), ("d156p3", "paragraph"), ("d156fn1", "note"), ("pg_524", "page"),
                     ("d156ann2", "annotation"), ("p_CWP_1", "person"), ("t_NSC_1", "term"), ("pl_Moscow_1", "place")]:
        assert expected in kinds
    assert all(len(e["hash"]) == 12 for e in entries)


def test_a_typo_fix_and_an_inserted_paragraph_keep_every_old_anchor(released, capsys):
    seeds, out = released
    page = out / "frus1981-88v03" / "d156.html"
    before = _ids(page)
    text = seeds / "frus1981-88v03-d156.txt"
    original = text.read_text(encoding="utf-8")
    corrected = original.replace("which enables Moscow", "which enable Moscow")  # a correction in ¶3
    corrected = corrected.replace("for some 40 years).\n\n", "for some 40 years).\n\nA paragraph inserted in a correction.\n\n")
    assert corrected != original
    text.write_text(corrected, encoding="utf-8")
    assert _build(seeds, out) == 0, capsys.readouterr().err
    after = _ids(page)
    for anchor in ("d156p1", "d156p2", "d156p3", "d156p4", "d156p5", "d156p6", "d156fn1", "pg_524", "d156ann2"):
        assert anchor in after
    assert "which enable Moscow" in after["d156p3"]          # the corrected paragraph kept its id
    assert after["d156p4"] == before["d156p4"]               # the ones after it were not renumbered
    assert "A paragraph inserted in a correction." in after["d156p7"]  # the new one got a new id
    tei = (out / "frus1981-88v03" / "d156.xml").read_text(encoding="utf-8")
    assert '<p xml:id="d156p7">A paragraph inserted in a correction.</p>' in tei


def test_a_paragraph_that_disappears_fails_the_build_until_aliased(released, capsys):
    seeds, out = released
    text = seeds / "frus1981-88v03-d156.txt"
    paragraphs = text.read_text(encoding="utf-8").split("\n\n")
    removed = [p for p in paragraphs if not p.startswith("The current economic and imperial crisis")]
    text.write_text("\n\n".join(removed), encoding="utf-8")
    capsys.readouterr()
    assert _build(seeds, out) == 1
    err = capsys.readouterr().err
    assert err == (
        f"{seeds / 'anchors.json'}:1:1: error: 1 published anchor(s) would break:"
        " frus1981-88v03/d156.html#d156p6 (paragraph) was published and would disappear."
        f" Keep them, or record where each went in [aliases] of {seeds / 'edition.toml'}\n"
    )
    cfg = seeds / "edition.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + '\n[aliases]\nd156p6 = "d156p5"\n', encoding="utf-8")
    assert _build(seeds, out) == 0
    page = lxml.html.parse(str(out / "frus1981-88v03" / "d156.html"))
    assert page.xpath("string(//span[@id='d156p6'][@class='alias']/parent::p/@id)") == "d156p5"
