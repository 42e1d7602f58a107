"""Pygments highlighting of a TEI file, one HTML fragment per line.

Lines are cut by us rather than by the formatter, so that every line can carry
its own anchor (``#L12``) and a token spanning lines (a long attribute, a
comment) still closes its ``<span>`` on each line.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import Markup
from pygments import lex
from pygments.formatters import HtmlFormatter
from pygments.lexers import XmlLexer
from pygments.token import STANDARD_TYPES

CSS_SCOPE = ".source"
_ID = re.compile(r'xml:id="([^"]+)"')
_LEXER = XmlLexer()  # stateless between calls: lex() asks it for fresh token streams


def lines(data: bytes) -> list[Markup]:
    """The file as highlighted HTML, a fragment per line (1-based: ``lines[0]`` is line 1)."""
    text = data.decode("utf-8")
    out: list[list[str]] = [[]]
    for token, value in lex(text, _LEXER):
        css = _css_class(token)
        for k, piece in enumerate(value.split("\n")):
            if k:
                out.append([])
            if piece:
                # escaped here, once; joined as plain strings (Markup.format per token is slow)
                out[-1].append(f'<span class="{css}">{html.escape(piece)}</span>' if css else html.escape(piece))
    if out and not out[-1]:
        out.pop()  # the final newline
    return [Markup("".join(parts)) for parts in out]


def id_lines(data: bytes) -> dict[str, int]:
    """The line on which each ``xml:id`` stands in the file."""
    found: dict[str, int] = {}
    for number, line in enumerate(data.decode("utf-8").split("\n"), start=1):
        for match in _ID.finditer(line):
            found.setdefault(match.group(1), number)
    return found


@lru_cache(maxsize=None)
def _css_class(token) -> str:
    while token not in STANDARD_TYPES:
        token = token.parent
    return STANDARD_TYPES[token]


def stylesheet(style: str) -> str:
    return HtmlFormatter(style=style).get_style_defs(CSS_SCOPE)
