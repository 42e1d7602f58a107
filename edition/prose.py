"""Markdown pages of the edition (about, editorial method, encoding notes).

CommonMark through markdown-it-py with raw HTML switched off: what the editor
writes in Markdown can format text but never inject markup or script.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

from .errors import EditionError, Location
from .seeds import decode_text

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@dataclass(frozen=True)
class ProsePage:
    name: str  # file stem: "about" → about.html
    title: str
    body: Markup  # with its title as <h1>
    source: str
    text: Markup  # without the title, for a page that supplies its own heading


def render(text: str) -> Markup:
    return Markup(_MD.render(text))


def read_page(path: Path) -> ProsePage:
    source = decode_text(str(path), path.read_bytes())
    text = source.text
    title = ""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("# "):
            title = line[2:].strip()
            break
        if line.strip():
            raise EditionError(Location(str(path), number), "a page must start with its title, as in '# About this edition'")
    if not title:
        raise EditionError(Location(str(path)), "a page must start with its title, as in '# About this edition'")
    rest = text.split("\n", number)[-1] if "\n" in text else ""
    return ProsePage(path.stem, title, render(text), str(path), render(rest))


def read_pages(folder: str) -> list[ProsePage]:
    if not folder or not Path(folder).is_dir():
        return []
    return [read_page(p) for p in sorted(Path(folder).glob("*.md"))]
