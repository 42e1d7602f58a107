"""Reading what the editor wrote: decode, check, and keep line numbers.

The text is decoded strictly as UTF-8.  Three things an ordinary text editor
adds are accepted and undone here, so that every later phase sees the text in
the format's canonical form: a UTF-8 byte-order mark, CRLF line ends, and one
final newline.  ``SourceText`` remembers that they were there.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import EditionError, Location

BOM = "\ufeff"
# C0 and C1 controls other than LF and TAB (TAB separates table cells) are not text.
_ALLOWED_CONTROLS = {"\n", "\t"}
# the characters a text may not hold: the other control characters (Unicode category Cc),
# a carriage return left alone, a byte-order mark past the start, the line and paragraph
# separators; one search finds the first (a loop over every character took most of the read)
# (Cc is exactly U+0000–U+001F and U+007F–U+009F, fixed by Unicode's stability policy)
_FORBIDDEN = re.compile("[" + "".join(re.escape(chr(c)) for c in (*range(0x20), *range(0x7F, 0xA0))
                                      if chr(c) not in _ALLOWED_CONTROLS)
                        + re.escape(BOM) + "\u2028\u2029]")


@dataclass(frozen=True)
class SourceText:
    path: str
    text: str  # canonical: no BOM, LF only, no final newline
    had_bom: bool = False
    had_crlf: bool = False
    had_final_newline: bool = False

    def location(self, offset: int) -> Location:
        """``path:line:col`` of a character offset into ``text`` (1-based)."""
        starts = self._line_starts
        line = bisect.bisect_right(starts, offset) - 1
        col = offset - starts[line] + 1
        # The BOM was a character on line 1 of the file as the editor sees it.
        if line == 0 and self.had_bom:
            col += 1
        return Location(self.path, line + 1, col)

    @functools.cached_property  # asked for by every location in the text: counted once
    def _line_starts(self) -> list[int]:
        starts = [0]
        text = self.text
        i = text.find("\n")
        while i != -1:
            starts.append(i + 1)
            i = text.find("\n", i + 1)
        return starts


def read_text(path: str | Path) -> SourceText:
    """Read one plain-text FRUS document, or raise :class:`EditionError`."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise EditionError(Location(name), "no such file") from None
    except IsADirectoryError:
        raise EditionError(Location(name), "is a folder, not a text file") from None
    except OSError as exc:
        raise EditionError(Location(name), f"cannot read: {exc.strerror}") from None
    return decode_text(name, data)


def decode_text(name: str, data: bytes) -> SourceText:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        # Column in characters of the valid text before the bad byte.
        col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        byte = data[exc.start]
        raise EditionError(
            Location(name, line, col),
            f"not valid UTF-8: byte 0x{byte:02X} at offset {exc.start} ({exc.reason});"
            " save the file as UTF-8",
        ) from None
    had_bom = text.startswith(BOM)
    if had_bom:
        text = text[1:]
    had_crlf = "\r\n" in text
    if had_crlf:
        text = text.replace("\r\n", "\n")
    provisional = SourceText(name, text, had_bom, had_crlf)
    found = _FORBIDDEN.search(text)
    if found:
        offset, char = found.start(), found.group()
        if char == "\r":
            raise EditionError(
                provisional.location(offset),
                "carriage return without line feed; use LF or CRLF line ends",
            )
        if char == BOM:
            raise EditionError(
                provisional.location(offset),
                "byte-order mark (U+FEFF) inside the text; only the first character of a file may be one",
            )
        raise EditionError(
            provisional.location(offset),
            f"control character U+{ord(char):04X} ({_control_name(char)}) is not allowed in the text",
        )
    had_final_newline = text.endswith("\n")
    if had_final_newline:
        text = text[:-1]
    if not text.strip():
        raise EditionError(Location(name), "the file is empty")
    return SourceText(name, text, had_bom, had_crlf, had_final_newline)


_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BACKSPACE", 11: "VERTICAL TAB", 12: "FORM FEED", 27: "ESCAPE", 127: "DELETE"}


def _control_name(char: str) -> str:
    code = ord(char)
    return _CONTROL_NAMES.get(code) or unicodedata.name(char, f"control {code}")
