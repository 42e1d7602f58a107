"""Bad input: one fixture folder per case, each pinning its exact message."""

from __future__ import annotations


import pytest

from edition import cli

from .conftest import FIXTURES, ROOT

CASES = sorted(p.name for p in (FIXTURES / "errors").iterdir() if p.is_dir())


def test_there_is_a_fixture_for_every_case_the_issue_names():
    named = {
        "callout-without-footnote", "footnote-without-callout", "duplicate-footnote", "missing-footnote-number",
        "unclosed-page-marker", "malformed-page-marker", "empty-file", "not-utf8", "nul-character",
        "control-character", "head-without-number",
    }
    assert named <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_clear_line_exit_1_and_no_output(case, tmp_path, capsys):
    folder = FIXTURES / "errors" / case
    source = folder / "frus1981-88v03-d156.txt"
    before = source.read_bytes()
    out = tmp_path / "out.xml"
    rel = source.relative_to(ROOT)
    status = cli.main(["encode", str(rel), "-o", str(out)])
    captured = capsys.readouterr()
    expected = (folder / "expected-error.txt").read_text(encoding="utf-8")
    assert status == 1
    assert captured.err == expected
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith(f"{rel}:") and ": error: " in captured.err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # not even a temporary file is left
    assert source.read_bytes() == before  # the editor's file is never touched


def test_a_bad_file_among_several_means_no_file_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    good = ROOT / "seeds" / "frus1981-88v03-d156.txt"
    bad = FIXTURES / "errors" / "nul-character" / "frus1981-88v03-d156.txt"
    status = cli.main(["--config", str(ROOT / "seeds" / "edition.toml"), "encode", str(good), str(bad)])
    assert status == 1
    assert "U+0000 (NUL)" in capsys.readouterr().err
    assert not (tmp_path / "_build").exists()


def test_a_missing_input_file_is_an_error_not_a_traceback(capsys):
    assert cli.main(["encode", "seeds/no-such-file.txt"]) == 1
    assert capsys.readouterr().err == "seeds/no-such-file.txt:1:1: error: no such file\n"


def test_config_errors_name_their_line(tmp_path, capsys):
    config = tmp_path / "edition.toml"
    config.write_text((ROOT / "seeds" / "edition.toml").read_text(encoding="utf-8").replace(
        'id = "frus1981-88v03"', 'id = "volume three"'), encoding="utf-8")
    line = next(i for i, l in enumerate(config.read_text().split("\n"), 1) if l.startswith("id = "))
    assert cli.main(["--config", str(config), "encode", "seeds/frus1981-88v03-d156.txt", "-o", "-"]) == 1
    assert capsys.readouterr().err == (
        f"{config}:{line}:1: error: [volume] id 'volume three' is not a FRUS volume id such as 'frus1981-88v03'\n"
    )


def test_toml_syntax_errors_carry_the_parsers_position(tmp_path, capsys):
    config = tmp_path / "edition.toml"
    config.write_text('[edition]\ntitle = = "x"\n', encoding="utf-8")
    assert cli.main(["--config", str(config), "build"]) == 1
    assert capsys.readouterr().err == f"{config}:2:9: error: not valid TOML: Invalid value\n"
    config.write_text('[edition]\ntitle = "unclosed', encoding="utf-8")
    assert cli.main(["--config", str(config), "build"]) == 1
    assert capsys.readouterr().err == f"{config}:2:18: error: not valid TOML: Unterminated string\n"
