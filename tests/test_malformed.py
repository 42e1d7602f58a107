"""Malformed TEI and registers: refused with a clear, pinned message, never a traceback."""

from __future__ import annotations

import pytest

from edition import cli

from .conftest import FIXTURES, ROOT

MALFORMED = FIXTURES / "malformed"
TEI_CASES = sorted(p.name for p in MALFORMED.glob("*.xml"))
REGISTER_CASES = sorted(p.name for p in MALFORMED.glob("*.toml"))


@pytest.mark.parametrize("name", TEI_CASES)
def test_malformed_tei_is_refused_with_its_message(name, capsys):
    path = (MALFORMED / name).relative_to(ROOT)
    assert cli.main(["totext", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == (MALFORMED / name).with_suffix(".expected").read_text(encoding="utf-8")
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("name", REGISTER_CASES)
def test_malformed_register_is_refused_with_its_message(name, tmp_path, capsys):
    path = (MALFORMED / name).relative_to(ROOT)
    out = tmp_path / "x.xml"
    assert cli.main(["encode", "seeds/frus1981-88v03-d156.txt", "--persons", str(path), "-o", str(out)]) == 1
    assert capsys.readouterr().err == (MALFORMED / name).with_suffix(".expected").read_text(encoding="utf-8")
    assert not out.exists()


def test_no_entity_is_ever_expanded(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT", encoding="utf-8")
    xxe = tmp_path / "d1.xml"
    xxe.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE div [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
                   '<div xmlns="http://www.tei-c.org/ns/1.0" type="document" n="1" xml:id="d1"><head>1. M</head><p>&x;</p></div>\n',
                   encoding="utf-8")
    assert cli.main(["totext", str(xxe)]) == 1
    captured = capsys.readouterr()
    assert "TOP SECRET" not in captured.out + captured.err


def test_the_corpus_of_malformed_inputs_has_at_least_25_cases():
    cases = (list((FIXTURES / "errors").iterdir()) + list((FIXTURES / "annotations").iterdir())
             + [p for p in MALFORMED.iterdir() if p.suffix in (".xml", ".toml")])
    assert len(cases) >= 25


def test_text_that_looks_like_markup_stays_text(tmp_path):
    """A seed, a register and an annotation holding HTML and script: on the page only as text."""
    import shutil

    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    text = seeds / "frus1981-88v03-d156.txt"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "in two respects:", 'in two respects: <script>alert(1)</script> <img src=x onerror="alert(2)"> javascript:alert(3)'),
        encoding="utf-8")
    persons = seeds / "registers" / "persons.toml"
    persons.write_text(persons.read_text(encoding="utf-8").replace(
        'description = "Fortieth President', 'description = "<b onmouseover=alert(4)>Fortieth</b> President'), encoding="utf-8")
    notes = seeds / "annotations" / "d156.md"
    notes.write_text(notes.read_text(encoding="utf-8") + "\n## quid pro quos\nprefix: advantageous\n\n<script>alert(5)</script> [x](javascript:alert(6))\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["build", "--seeds", str(seeds), "--out", str(out)]) == 0
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html, page
        assert 'href="javascript:' not in html, page
    reading = (out / "frus1981-88v03" / "d156.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reading


def test_every_page_has_a_content_security_policy_without_inline_scripts(site):
    import base64
    import hashlib

    import lxml.html

    for page in site.rglob("*.html"):
        tree = lxml.html.parse(str(page))
        (csp,) = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert "'unsafe-inline'" not in directives["script-src"] and directives["object-src"] == "'none'"
        allowed = {s.strip("'") for s in directives["script-src"].split() if s.startswith("'sha256-")}
        for script in tree.xpath("//script[not(@src)]"):
            digest = "sha256-" + base64.b64encode(hashlib.sha256(script.text.encode("utf-8")).digest()).decode()
            assert digest in allowed, page
