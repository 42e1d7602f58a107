"""Document model → HTML fragments for the reading page.

Everything is escaped through ``markupsafe``; text from a seed can never become
markup.  An element this module does not know is rendered as its words, and a
warning ``path:line: warning: …`` is recorded (never silently dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from . import markings, urls
from .model import (
    Anchor, Block, Container, Document, Inline, Item, LineBreak, ListBlock, Note, PageBreak, Para, Span, Table, Text,
    plain,
)

# Phrase-level TEI elements and the HTML they become (None: just their words).
_PHRASES = {
    "persName": ("span", "person"), "gloss": ("span", "term"), "placeName": ("span", "place"),
    "orgName": ("span", "org"), "name": ("span", "name"), "term": ("span", "term"),
    "bibl": ("span", "bibl"), "title": ("i", "title"), "foreign": ("i", "foreign"), "emph": ("em", None),
    "q": (None, None), "quote": (None, None), "said": (None, None), "num": (None, None),
    "abbr": (None, None), "expan": (None, None), "choice": (None, None), "sic": (None, None),
    "corr": (None, None), "unclear": ("span", "unclear"), "add": ("span", "add"), "del": ("del", None),
    "time": (None, None), "measure": (None, None), "geogName": ("span", "place"), "rs": (None, None),
    "signed": (None, None), "salute": (None, None), "dateline": (None, None), "label": (None, None),
    "address": (None, None), "addrLine": (None, None), "roleName": (None, None), "seg": ("span", None),
}
_HI = {"italic": "i", "strong": "b", "bold": "b", "underline": "u", "superscript": "sup", "subscript": "sub"}
_CODE = re.compile(r"(\(?)(TS|LOU|S|C|U)((?:/[A-Z]+)*)(.*)", re.S)


def _html(template: str, *args, **kwargs) -> Markup:
    """``Markup(template).format(...)`` at the speed of ``str.format``: each argument is
    escaped (Markup stays as it is) and put in by Python's own formatting, not by
    markupsafe's formatter written in Python; the same HTML, in less than half the time."""
    return Markup(template.format(*[escape(a) for a in args], **{k: escape(v) for k, v in kwargs.items()}))


@dataclass
class Context:
    """What rendering one document's page needs to know."""

    doc: Document
    page: str  # this page's path in the site
    volume: str
    source_page: str  # the TEI source view
    source_lines: dict[str, int]  # xml:id → line in the source view
    documents: dict[str, str]  # doc xml:id → page path, for documents of this volume in the site
    online: str = ""  # the volume on history.state.gov, for documents not in the site
    warnings: list[str] = field(default_factory=list)
    paragraph_numbers: dict[str, int] = field(default_factory=dict)
    registers: object = None  # registers.Registers of the document's volume
    register_pages: dict[str, str] = field(default_factory=dict)  # kind → page path
    undefined: dict[str, list[int]] = field(default_factory=dict)  # ref → [first line, count]
    annotation_ends: dict[str, object] = field(default_factory=dict)  # end anchor id → Annotation
    aliases: dict[str, list[str]] = field(default_factory=dict)  # id → older ids that must still resolve here

    def unresolved_warnings(self) -> None:
        for ref, (line, count) in sorted(self.undefined.items(), key=lambda kv: kv[1][0]):
            more = f" (and {count - 1} more places)" if count > 1 else ""
            self.warn(line, f"{ref} is defined by no register of this volume{more}; the name is shown as plain text")

    def warn(self, line: int, message: str) -> None:
        text = f"{self.doc.source}:{line or 1}: warning: {message}"
        if text not in self.warnings:
            self.warnings.append(text)

    def source_link(self, xml_id: str | None, label: str) -> Markup:
        line = self.source_lines.get(xml_id or "")
        if not line:
            return Markup("")
        href = urls.href(self.page, self.source_page, urls.source_line(line))
        return _html('<a class="src" href="{}" aria-label="{}">TEI</a>', href, f"{label} in the TEI source")


# ------------------------------------------------------------------ inline


def inline(content: tuple[Inline, ...], ctx: Context, plain_links: bool = False) -> Markup:
    return Markup("").join(_inline(node, ctx, plain_links) for node in content)


def _inline(node: Inline, ctx: Context, plain_links: bool) -> Markup:
    if isinstance(node, Text):
        return escape(node.text)
    if isinstance(node, LineBreak):
        return Markup("<br>")
    if isinstance(node, PageBreak):
        return page_marker(node, ctx)
    if isinstance(node, Note):
        return callout(node)
    if isinstance(node, Span):
        return _span(node, ctx, plain_links)
    if isinstance(node, Anchor):
        return _anchor(node, ctx, plain_links)
    raise TypeError(node)  # pragma: no cover


def _anchor(anchor: Anchor, ctx: Context, plain_links: bool) -> Markup:
    """The start of annotated words is an invisible anchor; their end carries the
    annotation's letter, linked to it (and showing it in place with JavaScript)."""
    ann = ctx.annotation_ends.get(anchor.xml_id)
    if ann is None:
        return _html('<span class="ann-start" id="{}"></span>', anchor.xml_id)
    if plain_links:
        return _html('<sup class="annref">{}</sup>', ann.n)
    return _html('<a class="annref" id="{id}-ref" href="#{id}" role="doc-noteref" data-note="{id}">'
        '<sup><span class="visually-hidden"> editorial annotation </span>{n}</sup></a>', id=ann.xml_id, n=ann.n)


def page_marker(pb: PageBreak, ctx: Context) -> Markup:
    """An anchor for the printed page, and its label.  The label stands in the
    margin (CSS), so that a word broken by the page (``longev|ity``) is not split
    on screen; the separator itself is empty, named by its title."""
    label = f"Page {pb.n}"
    if not pb.xml_id:
        return _html('<span class="pb" role="doc-pagebreak" title="{0}"></span><span class="pb-label">[{0}]</span>', label)
    # the label leads to the page's citation (the marker itself is the page's anchor)
    return _html('<span class="pb" id="{id}" role="doc-pagebreak" title="{label}"></span>'
        '<a class="pb-label" href="#cite-{id}" aria-label="{label}: cite this page">[{label}]</a>', id=pb.xml_id, label=label)


def callout(note: Note) -> Markup:
    if not note.xml_id:
        return _html("<sup>{}</sup>", note.n)
    return _html('<a class="fnref" id="{id}-ref" href="#{id}" role="doc-noteref" data-note="{id}">'
        '<sup><span class="visually-hidden"> note </span>{n}</sup></a>', id=note.xml_id, n=note.n)


def _span(span: Span, ctx: Context, plain_links: bool) -> Markup:
    inner = inline(span.children, ctx, plain_links)
    kind = span.kind
    if kind == "seg" and span.attr("type") == "classification":
        return _marking(span, inner)
    if kind == "hi":
        tag = _HI.get(span.attr("rend") or "")
        if tag:
            return _html("<{0}>{1}</{0}>", Markup(tag), inner)
        if span.attr("rend") in ("smallcaps", "sc"):
            return _html('<span class="smallcaps">{}</span>', inner)
        return inner
    if kind == "date":
        when = span.attr("when")
        if when and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", when):
            return _html('<time datetime="{}">{}</time>', when, inner)
        return inner
    if kind == "ref":
        href = None if plain_links else _ref_href(span.attr("target") or "", ctx)
        if href:  # names inside a link are not links themselves
            return _html('<a href="{}">{}</a>', href, inline(span.children, ctx, plain_links=True))
        return inner
    if kind in _NAME_ATTR and span.attr(_NAME_ATTR[kind]):
        return _name(span, inner, ctx, plain_links)
    if kind in _PHRASES:
        tag, cls = _PHRASES[kind]
        if tag is None:
            return inner
        attrs = _html(' class="{}"', cls) if cls else Markup("")
        return _html("<{0}{1}>{2}</{0}>", Markup(tag), attrs, inner)
    ctx.warn(span.line, f"<{kind}> is not an element the renderer knows; its text is shown as plain text")
    return inner


_NAME_ATTR = {"persName": "corresp", "gloss": "target", "placeName": "corresp"}
_NAME_CLASS = {"person": "person", "term": "term", "place": "place"}


def _name(span: Span, inner: Markup, ctx: Context, plain_links: bool) -> Markup:
    """A tagged name: a link to its register entry, describing itself on hover and focus."""
    ref = span.attr(_NAME_ATTR[span.kind]) or ""
    entry = ctx.registers.by_id(ref.lstrip("#")) if ctx.registers is not None else None
    if entry is None or entry.kind not in ctx.register_pages:
        first = ctx.undefined.setdefault(ref, [span.line, 0])
        first[1] += 1
        return inner
    desc = f"{entry.display}: {entry.description}" if entry.description else entry.display
    cls = _NAME_CLASS[entry.kind]
    if plain_links:
        return _html('<span class="{}">{}</span>', cls, inner)
    href = urls.href(ctx.page, ctx.register_pages[entry.kind], entry.id)
    return _html('<a class="{} name" href="{}" data-desc="{}">{}</a>', cls, href, desc, inner)


def _marking(span: Span, inner: Markup) -> Markup:
    cats = [c.lstrip("#") for c in (span.attr("ana") or "").split()]
    title = "; ".join(markings.LABELS.get(c, c) for c in cats)
    words = plain(span.children, line_break="")
    match = _CODE.fullmatch(words)
    if span.attr("subtype") == "document" or not match:
        return _html('<span class="marking">{}</span>', inner)
    opening, code, caveats, rest = match.groups()
    return _html('<span class="marking">{}<abbr title="{}">{}</abbr>{}</span>', opening, title, code + caveats, rest)


def _ref_href(target: str, ctx: Context) -> str | None:
    match = re.fullmatch(r"#(d\d+)(fn\d+)?", target)
    if match:
        doc = match.group(1)
        if doc == ctx.doc.xml_id:
            return f"#{doc}{match.group(2) or ''}" if match.group(2) else None
        if doc in ctx.documents:
            return urls.href(ctx.page, ctx.documents[doc], (doc + match.group(2)) if match.group(2) else None)
        if ctx.online:
            return f"{ctx.online.rstrip('/')}/{doc}" + (f"#{doc}{match.group(2)}" if match.group(2) else "")
        return None
    if target.startswith("#"):
        return None  # a place in the whole volume (an appendix…) that this site does not hold
    if re.fullmatch(r"frus[\w-]+", target):
        return f"https://history.state.gov/historicaldocuments/{target}"
    if re.match(r"https?://", target):
        return target
    return None


# ------------------------------------------------------------------ blocks


def blocks(items: tuple[Block, ...], ctx: Context, level: int = 2) -> Markup:
    return Markup("\n").join(block(b, ctx, level) for b in items)


def block(item: Block, ctx: Context, level: int = 2) -> Markup:
    if isinstance(item, PageBreak):
        return _html('<div class="pb-between">{}{}</div>',
                     page_marker(item, ctx), ctx.source_link(item.xml_id, f"Page {item.n}"))
    if isinstance(item, Para):
        return _para(item, ctx, level)
    if isinstance(item, ListBlock):
        return _list(item, ctx)
    if isinstance(item, Table):
        return _table(item, ctx)
    if isinstance(item, Container):
        inner = blocks(item.children, ctx, level + 1 if item.kind == "attachment" else level)
        if item.kind == "attachment":
            return _html('<section class="attachment">\n{}\n</section>', inner)
        if item.kind == "quote":
            return _html("<blockquote>\n{}\n</blockquote>", inner)
        if item.kind in ("opener", "closer", "postscript", "div", "lg", "floatingText"):
            return _html('<div class="{}">\n{}\n</div>', item.kind, inner)
        ctx.warn(0, f"<{item.kind}> is not a container the renderer knows; its text is shown")
        return _html("<div>\n{}\n</div>", inner)
    raise TypeError(item)  # pragma: no cover


def _para(item: Para, ctx: Context, level: int) -> Markup:
    content = inline(item.content, ctx)
    if item.kind == "p":
        if not item.xml_id:
            return _html("<p>{}</p>", content)
        number = ctx.paragraph_numbers[item.xml_id]
        # an id published earlier for this paragraph keeps resolving
        old = Markup("").join(_html('<span class="alias" id="{}"></span>', a) for a in ctx.aliases.get(item.xml_id, ()))
        return _html('<p class="para" id="{id}">{old}<span class="pnum"><a href="#{id}" aria-label="Paragraph {n}">¶{n}</a>'
                     '{src}<a class="cite-link" href="#cite-{id}" aria-label="Cite paragraph {n}">cite</a></span>{content}</p>',
                     id=item.xml_id, n=number, src=ctx.source_link(item.xml_id, f"Paragraph {number}"),
                     content=content, old=old)
    if item.kind == "head":
        tag = Markup(f"h{min(level + 1, 6)}")
        return _html("<{0}>{1}</{0}>", tag, content)
    if item.kind in ("salute", "signed", "dateline", "label", "byline", "trailer"):
        return _html('<p class="{}">{}</p>', item.kind, content)
    ctx.warn(item.line, f"<{item.kind}> is not an element the renderer knows; its text is shown as a paragraph")
    return _html("<p>{}</p>", content)


def _list(item: ListBlock, ctx: Context) -> Markup:
    if item.type == "subject":
        return Markup("\n").join(
            _html('<p class="subject"><span class="subject-label">Subject:</span> {}</p>', inline(i.content, ctx))
            for i in item.items
        )
    head = _html('<p class="list-head">{}</p>\n', inline(item.head, ctx)) if item.head else Markup("")
    return head + _html("<ul>\n{}\n</ul>", Markup("\n").join(_item(i, ctx) for i in item.items))


def _item(item: Item, ctx: Context) -> Markup:
    subs = Markup("").join(_list(s, ctx) for s in item.sublists)
    return _html("<li>{}{}</li>", inline(item.content, ctx), subs)


def _table(item: Table, ctx: Context) -> Markup:
    caption = _html("<caption>{}</caption>", inline(item.head, ctx)) if item.head else Markup("")
    rows = Markup("\n").join(
        _html("<tr>{}</tr>", Markup("").join(_html("<td>{}</td>", inline(c, ctx)) for c in row))
        for row in item.rows
    )
    return _html('<div class="table-wrap"><table>{}\n{}\n</table></div>', caption, rows)


def number_paragraphs(doc: Document) -> dict[str, int]:
    """The ¶ number shown for each paragraph.  It is the number of its stable id
    (``d156p4`` is ¶4), so that a printed "¶4" keeps meaning what ``#d156p4`` means
    even after a paragraph is inserted before it (that one gets the next free
    number); paragraphs with other ids are numbered in reading order."""
    from .model import paragraphs

    found = {}
    for k, p in enumerate(paragraphs(doc.blocks), start=1):
        if not p.xml_id:
            continue
        match = re.fullmatch(rf"{re.escape(doc.xml_id)}p(\d+)", p.xml_id)
        found[p.xml_id] = int(match.group(1)) if match else k
    return found
