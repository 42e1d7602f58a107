"""The TEI source view's highlighting: Pygments' XML tokens (the character data between
tags one token), and the lines made of them, on every TEI file at hand and on generated
text (broken XML too)."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from pygments import lex
from pygments.lexers import XmlLexer

from edition import highlight

from .conftest import ROOT, SHARED

def _utf8(path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:  # the malformed inputs' wrong encodings: never shown as source
        return False
    return True


TEI_FILES = sorted(p for p in [*(SHARED / "examples").glob("*/tei/*.xml"), *(ROOT / "tests" / "fixtures").rglob("*.xml")]
                   if _utf8(p))


def _plain_lines(data: bytes) -> list[str]:
    """What the source view shows, made the plain way: TeiLexer's tokens as Pygments'
    own RegexLexer makes them, one by one."""
    out: list[list[str]] = [[]]
    for token, value in lex(data.decode("utf-8"), highlight.TeiLexer()):
        css = highlight._css_class(token)
        for k, piece in enumerate(value.split("\n")):
            if k:
                out.append([])
            if piece:
                out[-1].append(f'<span class="{css}">{html.escape(piece)}</span>' if css else html.escape(piece))
    if out and not out[-1]:
        out.pop()
    return ["".join(parts) for parts in out]


def test_every_tei_file_at_hand_lexes_and_highlights_as_pygments_xml_lexer_does(site):
    files = [*TEI_FILES, *site.rglob("*.xml")]
    assert len(files) >= 15
    for path in files:
        data = path.read_bytes()
        text = data.decode("utf-8")
        assert list(highlight.CombinedTeiLexer().get_tokens(text)) == list(highlight.TeiLexer().get_tokens(text)), path
        assert [str(line) for line in highlight.lines(data)] == _plain_lines(data), path
        _assert_shown_as_xml_lexer_shows(text)


def _classes(tokens) -> list[str]:
    """The CSS class each character is shown in."""
    return [highlight._css_class(token) for token, value in tokens for _ in value]


def _assert_shown_as_xml_lexer_shows(text: str) -> None:
    """Every character in XmlLexer's class, but for a space in character data: shown plain
    rather than in the colour of a space (``w``)."""
    tokens = list(lex(text, highlight.TeiLexer()))
    ours, theirs = _classes(tokens), _classes(lex(text, XmlLexer()))
    assert len(ours) == len(theirs)
    shown = "".join(value for _, value in tokens)  # the text as lexed (without a BOM, with \n for \r\n)
    for k, (mine, xml) in enumerate(zip(ours, theirs)):
        assert mine == xml or (mine, xml) == ("", "w") and shown[k].isspace(), (k, shown[max(0, k - 20):k + 20])
    assert len(theirs) < 40 or "w" in theirs  # the texts do have spaces between words


_XMLISH = st.lists(st.sampled_from(list("<>&;=\"'/!?-[] \n\tabcp:._") + ["<!--", "-->", "<![CDATA[", "]]>", "<?", "?>",
                                                                     "<p ", "</p>", 'n="3"', "&amp;", "\r\n", "\ufeff"]),
                   max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(_XMLISH)
def test_any_text_lexes_as_pygments_xml_lexer_lexes_it(text):
    assert list(highlight.CombinedTeiLexer().get_tokens_unprocessed(text)) == \
        list(highlight.TeiLexer().get_tokens_unprocessed(text))
    data = text.encode("utf-8")
    assert [str(line) for line in highlight.lines(data)] == _plain_lines(data)
    _assert_shown_as_xml_lexer_shows(text)


def test_character_data_is_one_token_where_xml_lexer_makes_a_token_of_each_word_and_space():
    text = '<p n="1">Gromyko  met\n Clark &amp; Haig</p>\n'
    ours = [(str(t), v) for t, v in highlight.CombinedTeiLexer().get_tokens(text)]
    assert ("Token.Text", "Gromyko  met\n Clark ") in ours and ("Token.Text", " Haig") in ours
    assert ("Token.Name.Entity", "&amp;") in ours
    words = [v for t, v in XmlLexer().get_tokens(text) if str(t) in ("Token.Text", "Token.Text.Whitespace")]
    assert "Gromyko" in words and "met" in words
