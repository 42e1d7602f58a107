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


_NAME = st.sampled_from(["p", "persName", "tei:hi", "x.y-z", "pb", "note"])
_ATTRIBUTE = st.tuples(st.sampled_from(["n", "xml:id", "rend", "a.b-c"]), st.sampled_from(["", " ", "\n", " \t"]),
                       st.text(st.sampled_from(list("ab3 >/=&;'-\u00e9\u2003")), max_size=8))
_DATA = st.lists(st.sampled_from(["Gromyko", " ", "\n    ", "&amp;", "&#8217;", "&", ";", ">", "\u00a0", "\u2019", "é"]),
                 max_size=6).map("".join)


@st.composite
def _written_xml(draw) -> str:
    """XML as lxml writes it, mostly (a quoted value may hold what lxml would escape; a
    '&' may begin no entity): the pieces ``highlight`` makes its HTML of one by one."""
    out = [draw(st.sampled_from(["", "<?xml version='1.0' encoding='UTF-8'?>\n"]))]
    for _ in range(draw(st.integers(0, 8))):
        name = draw(_NAME)
        attributes = "".join(f"{space or ' '}{a}=\"{v}\"" for a, space, v in draw(st.lists(_ATTRIBUTE, max_size=3)))
        kind = draw(st.sampled_from(["open", "empty", "close"]))
        out.append(f"</{name}>" if kind == "close" else f"<{name}{attributes}{'/' if kind == 'empty' else ''}>")
        out.append(draw(_DATA))
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(_written_xml())
def test_xml_as_lxml_writes_it_is_highlighted_piece_by_piece_as_the_lexer_highlights_it_whole(text):
    data = text.encode("utf-8")
    assert [str(line) for line in highlight.lines(data)] == _plain_lines(data)


def test_every_tei_file_the_sites_show_is_highlighted_piece_by_piece(site, golden_site):
    files = sorted([*site.rglob("*.xml"), *golden_site.rglob("*.xml")])
    assert len(files) >= 7
    for path in files:  # each written by lxml, as every source view's TEI is
        text = highlight._LEXER._preprocess_lexer_input(path.read_text(encoding="utf-8"))
        assert highlight._by_pieces(text) is not None, path


def test_character_data_is_one_token_where_xml_lexer_makes_a_token_of_each_word_and_space():
    text = '<p n="1">Gromyko  met\n Clark &amp; Haig</p>\n'
    ours = [(str(t), v) for t, v in highlight.CombinedTeiLexer().get_tokens(text)]
    assert ("Token.Text", "Gromyko  met\n Clark ") in ours and ("Token.Text", " Haig") in ours
    assert ("Token.Name.Entity", "&amp;") in ours
    words = [v for t, v in XmlLexer().get_tokens(text) if str(t) in ("Token.Text", "Token.Text.Whitespace")]
    assert "Gromyko" in words and "met" in words
