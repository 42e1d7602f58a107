"""Pygments highlighting of a TEI file, one HTML fragment per line.

Lines are cut by us rather than by the formatter, so that every line can carry
its own anchor (``#L12``) and a token spanning lines (a long attribute, a
comment) still closes its ``<span>`` on each line (:func:`numbered`).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import Markup, escape
from pygments.formatters import HtmlFormatter
from pygments.lexers import XmlLexer
from pygments.token import STANDARD_TYPES, Error, Text, Whitespace, _TokenType

CSS_SCOPE = ".source"
_ID = re.compile(r'xml:id="([^"]+)"')
_WORDS_AND_SPACES = (r"[^<&\s]+", r"[^<&\S]+")  # XmlLexer's rules for character data


class TeiLexer(XmlLexer):
    """Pygments' XML lexer, with the character data between two tags one token.

    XmlLexer cuts it into words and spaces, each a token of its own (``Text``,
    ``Whitespace``): three in four of a TEI file's tokens, and in the source view a
    ``<span class="w">`` around every space between two words, styled only in the colour
    of a space.  Here the run is one ``Text`` token: the same characters, shown the
    same, with a quarter of the tokens.  Everything else is XmlLexer's own rules.
    """

    tokens = {
        **XmlLexer.tokens,
        "root": [(r"[^<&]+", Text), *(rule for rule in XmlLexer.tokens["root"] if rule[0] not in _WORDS_AND_SPACES)],
    }


class CombinedTeiLexer(TeiLexer):
    """:class:`TeiLexer`, its rules tried at once rather than one by one.

    A ``RegexLexer`` tries each rule of a state in turn until one matches; here each
    state's rules are one regular expression of alternatives in the same order (an
    alternation also takes the first that matches), so that finding a token is one
    call rather than up to eight.  The tokens are TeiLexer's own, made from its rules
    (tests/test_highlight.py compares the two on every TEI file at hand and on
    generated text).  Half the time of the highlighting went to trying the rules.
    """

    def __init__(self, **options):
        super().__init__(**options)
        self._states = {state: _combined(rules) for state, rules in self._tokens.items()}

    def get_tokens_unprocessed(self, text, stack=("root",)):
        states = list(stack)
        match, actions = self._states[states[-1]]
        pos = 0
        while True:
            m = match(text, pos)
            if m:
                token, new_state = actions[m.lastindex]
                yield pos, token, m.group()
                pos = m.end()
                if new_state is not None:  # as RegexLexer changes state
                    if isinstance(new_state, int):  # a pop (of at most all but the root)
                        del states[new_state if abs(new_state) < len(states) else 1:]
                    else:
                        for state in new_state:
                            if state == "#pop":
                                if len(states) > 1:
                                    states.pop()
                            else:
                                states.append(states[-1] if state == "#push" else state)
                    match, actions = self._states[states[-1]]
            elif pos >= len(text):
                return
            elif text[pos] == "\n":  # as RegexLexer: at the end of a line, back to the root state
                states = ["root"]
                match, actions = self._states["root"]
                yield pos, Whitespace, "\n"
                pos += 1
            else:
                yield pos, Error, text[pos]
                pos += 1


def _combined(rules):
    """One state's rules as one expression (``match``) and, by the group of each
    alternative, the token it yields and the states it goes to."""
    parts, actions, group = [], {}, 1
    flags = None
    for rexmatch, token, new_state in rules:
        pattern = rexmatch.__self__
        # XmlLexer's rules: a token each, and states pushed (a tuple, as compiled) or popped (a negative number)
        if type(token) is not _TokenType or not (new_state is None or isinstance(new_state, (tuple, int))):
            raise TypeError(f"not a rule this lexer can combine: {pattern.pattern!r}")
        if flags not in (None, pattern.flags):
            raise TypeError("rules compiled with different flags")
        flags = pattern.flags
        parts.append(f"({pattern.pattern})")
        actions[group] = (token, new_state)
        group += 1 + pattern.groups
    return re.compile("|".join(parts), flags).match, actions


_LEXER = CombinedTeiLexer()  # stateless between calls: each get_tokens() is a fresh token stream


def lines(data: bytes) -> list[str]:
    """The file as highlighted HTML (escaped already), a fragment per line (1-based:
    ``lines[0]`` is line 1)."""
    text = _LEXER._preprocess_lexer_input(data.decode("utf-8"))  # as Pygments' get_tokens has it
    html_text = _by_pieces(text)
    if html_text is None:
        html_text = _tokens_html(text)
    # a token's HTML has a newline only where its text has one (each line of it in a span
    # of its own), so that the lines of the whole are the lines of the file
    out = html_text.split("\n")
    if out and not out[-1]:
        out.pop()  # the final newline
    return out


def _tokens_html(text: str) -> str:
    """The HTML of the lexer's tokens of ``text``, lexed from the root state."""
    known = _pieces  # a token as HTML: most are tags, names and indents seen before
    out = []
    for _, token, value in _LEXER.get_tokens_unprocessed(text):
        key = (token, value)
        piece = known.get(key)
        if piece is None:
            piece = _html(token, value)
            if len(value) <= _SHORT and len(known) < _KNOWN_MAX:
                known[key] = piece
        out.append(piece)
    return "".join(out)


# The pieces of XML as lxml writes it (the TEI of every source view is ours, written so):
# a tag (its attributes' values quoted, without '<' or a newline; or the XML declaration)
# with the spaces after it, or character data whose every '&' begins an entity.  The lexer
# comes to each such tag in its root state, and its tokens end within the piece and leave it
# in the root state again, so that a piece's tokens are the same wherever it stands: its
# HTML is made once (most tags recur: an element's end, an indented start).  Character data
# is one Text token, which is shown as its characters escaped (no span), so that it may be
# cut anywhere (at the spaces taken with a tag).  Any other text is lexed whole.
_PIECE = re.compile(r'(?:<\?xml[^<>?]*\?>|<[\w:.-]+(?:\s+[\w.:-]+\s*=\s*"[^"<\n]*")*\s*/?>|</[\w:.-]+\s*>)\s*'
                    r'|([^<]+)')
_CHARACTER_DATA = re.compile(r"(?:[^&]|&[\w#]+;)*")


def _by_pieces(text: str) -> str | None:
    """The HTML of ``text`` made piece by piece (see ``_PIECE``); None if it is not all such
    pieces (then it is lexed whole)."""
    out = []
    pos = 0
    known = _tags
    for match in _PIECE.finditer(text):
        if match.start() != pos:
            return None
        pos = match.end()
        data = match.group(1)
        if data is None:  # a tag and the spaces after it
            tag = match.group()
            piece = known.get(tag)
            if piece is None:
                piece = _tokens_html(tag)
                if len(known) < _KNOWN_MAX:
                    known[tag] = piece
            out.append(piece)
        elif "&" not in data:
            out.append(html.escape(data))
        elif _CHARACTER_DATA.fullmatch(data):
            out.append(_tokens_html(data))  # its entities are tokens of their own
        else:
            return None
    return "".join(out) if pos == len(text) else None


def _html(token, value: str) -> str:
    """A token as HTML: escaped here, once, and joined as plain strings (Markup.format
    per token is slow); each of its lines in a span of its own (none for an empty one)."""
    css = _css_class(token)
    if not css:
        return html.escape(value)
    return "\n".join(f'<span class="{css}">{html.escape(part)}</span>' if part else "" for part in value.split("\n"))


def numbered(data: bytes, back: dict[int, list[tuple[str, str]]]) -> Markup:
    """The highlighted file as the source view shows it: each line a block with its own
    anchor (``#L12``), its number, and ``back`` links (label, href) to where the reading
    text has what the line holds."""
    out = []
    for n, code in enumerate(lines(data), start=1):
        links = "".join(f'<a href="{escape(href)}">{escape(label)}</a>' for label, href in back.get(n, ()))
        out.append(f'<span class="line" id="L{n}"><a class="ln" href="#L{n}">{n}</a>'
                   f'<span class="back">{links}</span>{code}</span>')
    return Markup("".join(out))


_pieces: dict = {}
_tags: dict = {}  # a tag with the spaces after it → its HTML (``_by_pieces``)
_SHORT, _KNOWN_MAX = 24, 50_000  # short tokens recur (a tag, an attribute, an indent); bounded


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
