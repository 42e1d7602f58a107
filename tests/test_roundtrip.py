"""Lossless: text → TEI → text gives back the input byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition import cli, encode, seeds, tei, teiwrite, totext

from .conftest import EXAMPLE_IDS, EXAMPLES, FIXTURES, ROOT, SEED

FEATURES = sorted(FIXTURES.glob("features/*/*.txt"))


def _roundtrip(path: Path, edition) -> tuple[str, str]:
    source = seeds.read_text(path)
    data = teiwrite.to_bytes(encode.encode_text(source), edition)
    back = tei.documents_from(tei.parse_bytes(str(path), data), str(path))
    return source.text, totext.render(back[0])


def test_the_seed_is_the_shared_text_byte_for_byte():
    import hashlib

    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == (
        "4605ece8bd8c7b93f732f893d15442d84a90ea310bc7091917cec5dd4ea9b0b8"
    )


def test_seed_roundtrip_through_the_command_line(tmp_path, capsysbinary):
    out = tmp_path / "d156.xml"
    assert cli.main(["encode", "seeds/frus1981-88v03-d156.txt", "-o", str(out)]) == 0
    capsysbinary.readouterr()
    assert cli.main(["totext", str(out)]) == 0
    assert capsysbinary.readouterr().out == SEED.read_bytes()


@pytest.mark.parametrize("doc", EXAMPLE_IDS)
def test_example_text_roundtrip(doc, edition):
    original, back = _roundtrip(EXAMPLES / "text" / f"{doc}.txt", edition)
    assert back == original


@pytest.mark.parametrize("path", FEATURES, ids=lambda p: p.parent.name)
def test_feature_fixture_roundtrip(path, edition):
    original, back = _roundtrip(path, edition)
    assert back == original


@pytest.mark.parametrize("doc", EXAMPLE_IDS)
def test_totext_of_official_frus_tei_is_the_example_text(doc):
    """Our reading of the text format's rules agrees with the converter that made the examples."""
    official = tei.read_documents(EXAMPLES / "tei" / f"{doc}.xml")[0]
    assert totext.render(official) == (EXAMPLES / "text" / f"{doc}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", EXAMPLE_IDS)
def test_reading_our_tei_back_gives_the_same_model(doc, edition):
    model = encode.encode_text(seeds.read_text(EXAMPLES / "text" / f"{doc}.txt"))
    data = teiwrite.to_bytes(model, edition)
    assert tei.documents_from(tei.parse_bytes(doc, data), doc)[0] == model


@pytest.mark.parametrize("case", ["bom", "crlf", "final-newline"])
def test_bom_crlf_and_final_newline_are_accepted_and_totext_gives_the_canonical_text(case, tmp_path, capsysbinary):
    source = FIXTURES / "accepted" / case / "frus1981-88v03-d156.txt"
    out = tmp_path / "d156.xml"
    assert cli.main(["encode", str(source.relative_to(ROOT)), "-o", str(out)]) == 0
    capsysbinary.readouterr()
    assert cli.main(["totext", str(out)]) == 0
    assert capsysbinary.readouterr().out == SEED.read_bytes()
