"""The TEI source view's highlighting: Pygments' XML tokens, exactly, and the lines made
of them, on every TEI file at hand and on generated text (broken XML too)."""

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
    """What the source view shows, made the plain way: XmlLexer's tokens, one by one."""
    out: list[list[str]] = [[]]
    for token, value in lex(data.decode("utf-8"), XmlLexer()):
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
        assert list(highlight.CombinedXmlLexer().get_tokens(text)) == list(XmlLexer().get_tokens(text)), path
        assert [str(line) for line in highlight.lines(data)] == _plain_lines(data), path


_XMLISH = st.lists(st.sampled_from(list("<>&;=\"'/!?-[] \n\tabcp:._") + ["<!--", "-->", "<![CDATA[", "]]>", "<?", "?>",
                                                                     "<p ", "</p>", 'n="3"', "&amp;", "\r\n", "\ufeff"]),
                   max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(_XMLISH)
def test_any_text_lexes_as_pygments_xml_lexer_lexes_it(text):
    assert list(highlight.CombinedXmlLexer().get_tokens_unprocessed(text)) == \
        list(XmlLexer().get_tokens_unprocessed(text))
    data = text.encode("utf-8")
    assert [str(line) for line in highlight.lines(data)] == _plain_lines(data)
