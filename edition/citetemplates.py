"""citeproc-py's output for one reference, reused for every document it fits.

Formatting a reference takes citeproc-py about 5 ms, and a reading page needs nine
(three styles; the document, a paragraph, a page): most of a build's time.  The
documents of a volume differ in a few fields only (title, number, pages, date,
archive, URL), so a style's output for one of them is, field for field, its output
for another.  A *template* is citeproc-py's output for a reference whose fields are
stand-ins; the document's own values then take their places.

A template is used only where it is shown to give citeproc-py's output exactly:

* It is made for one style, one kind of citation and one *shape* of reference (which
  fields it has, how precise its date, the date's year, page or page range, and
  everything that is the same for every document of the volume), from two different
  sets of stand-ins: the first's output, with the second's values put in, must be
  the second's output, byte for byte.  A date's month and day differ between the two,
  so a style that shows more of the date than its year fails this and is formatted
  directly, as is a style that does more with a field than show it (strip its periods,
  cut it short).
* Where a style changes the case of a field (title case, a capital first letter), the
  template finds which change it made to the stand-in, and makes it to the document's
  value with citeproc-py's own function.
* Pages are put in as the style's own page-range formatting writes them (citeproc-py's
  ``_process``, as it formats a page variable).
* A value is put in only if it is of the kind the stand-ins are: text that begins with a
  letter or digit and ends with one or a closing bracket, a number of digits, pages
  of digits; anything else is formatted directly.

``tests/test_cite.py`` compares templated and direct output over the example
documents and generated references.
"""

from __future__ import annotations

import re
from functools import lru_cache

from citeproc import model as _model
from citeproc.source.json import CiteProcJSON

PER_DOCUMENT = ("id", "title", "number", "page", "original-date", "archive", "archive_location", "URL")
_TEXTS = ("title", "archive", "archive_location", "URL")

# Two stand-ins for each field.  Each changes in every case citeproc-py can put a text in
# (a first word in lower case, a small word, another word in lower case, a capitalised
# one, one in capitals), and has inner punctuation (a stripped period or a cut title
# shows).  The second begins with a small word (title case treats a first word as its
# own) and ends in a bracket.
_STAND_INS = (
    {"id": "standin-one", "number": "83017", "page": ("604113", "604127"), "month_day": (3, 7),
     "title": "qzxa the two Three. first: QZXA", "archive": "qzxb the two Three. first QZXB",
     "archive_location": "qzxc the two Three, four; first: QZXC", "URL": "https://qzxd.example/one the two Three"},
    {"id": "standin-two", "number": "83029", "page": ("702201", "702259"), "month_day": (10, 23),
     "title": "of the two Three (second: QZXE)", "archive": "an two Three (second QZXF)",
     "archive_location": "of two Three (second) QZXG", "URL": "of the two Three (https://qzxh.example/QZXH)"},
)
_TEXT = re.compile(r"[^\W_](?:.*[^\W_)\]])?|[^\W_].*[)\]]", re.DOTALL)
_NUMBER = re.compile(r"[1-9]\d*")
_PAGES = re.compile(r"(\d+)(?:-(\d+))?")
_CASES = (None, "title", "capitalize-first", "capitalize-all", "sentence", "lowercase", "uppercase")
_UNKNOWN = object()


class _Case(_model.TextCased):
    """citeproc-py's change of case (``text-case``), outside a style."""

    def __init__(self, text_case: str):
        self._text_case = text_case

    def get(self, name, default=None):
        return self._text_case if name == "text-case" else default


def _cased(text_case: str | None, value: str, language: str) -> str:
    """``value`` as citeproc-py reads it from CSL-JSON and changes its case."""
    if text_case is None:
        return value
    return str(_Case(text_case).case(CiteProcJSON.parse_string(CiteProcJSON, value), language))


class Template:
    """A style's output with a slot wherever a stand-in's value stood, as it is or in
    another case (a text field's: the style's ``text-case``)."""

    def __init__(self, text: str, stand_ins: dict[str, str], language: str):
        """Raises ValueError if a stand-in reads alike in two cases: which one the style
        chose cannot be told."""
        self.text = text
        self._language = language
        self._forms: dict[str, tuple[str, str | None]] = {}  # as written in the text → (slot, case)
        for slot, value in stand_ins.items():
            cases: dict[str, list] = {}
            for case in (_CASES if slot in _TEXTS else (None,)):
                cases.setdefault(_cased(case, value, language), []).append(case)
            for written, which in cases.items():
                if written in text:
                    if len(which) > 1:
                        raise ValueError(f"the stand-in {value!r} reads alike in cases {which}")
                    self._forms[written] = (slot, which[0])
        # one pass, longest first: a value put in is never read again as a stand-in
        forms = sorted(self._forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, forms))) if forms else None

    def fill(self, values: dict[str, str]) -> str:
        if self._pattern is None:
            return self.text
        return self._pattern.sub(lambda m: self._put(values, *self._forms[m.group(0)]), self.text)

    def _put(self, values: dict[str, str], slot: str, case: str | None) -> str:
        return _cased(case, values[slot], self._language)


class Templates:
    """The templates of one process, made as shapes of reference come (``direct``: the
    reference formatted by citeproc-py in a style; ``style``: that style's citeproc-py
    object, whose page formatting fills the pages)."""

    def __init__(self, direct, style):
        self._direct = direct
        self._style = style
        self._made: dict = {}
        self._new: dict = {}  # made here since :meth:`made_anew` was last asked

    def made_anew(self) -> dict:
        """The templates made since the last call (to keep them for the next build), and
        forgotten as new: ``{key: template or None}``."""
        new, self._new = self._new, {}
        return new

    def adopt(self, made: dict) -> None:
        """Templates made before, by this program (a previous build's, or a worker's)."""
        self._made.update(made)

    def known(self) -> dict:
        """Every template this process has, made or adopted."""
        return dict(self._made)

    def prepare(self, item: dict, styles, locators) -> None:
        """The templates for ``item`` (escaped for HTML already) in each style and kind of
        citation, made now if they are not made yet (its shape is worked out once)."""
        shape = _shape(item)
        if shape is None:
            return
        for style in styles:
            for locator in locators:
                key = (style, locator, shape)
                if key not in self._made:
                    self._made[key] = self._new[key] = self._make(item, style, locator)

    def render(self, item: dict, style: str, locator) -> str:
        """``item`` (escaped for HTML already) in ``style``, as citeproc-py formats it."""
        shape = _shape(item)
        if shape is None:
            return self._direct(item, style, locator)
        key = (style, locator, shape)
        template = self._made.get(key, _UNKNOWN)
        if template is _UNKNOWN:
            template = self._made[key] = self._new[key] = self._make(item, style, locator)
        if template is None:
            return self._direct(item, style, locator)
        return template.fill(self._values(item, style))

    def _make(self, item: dict, style: str, locator) -> Template | None:
        one, two = (_stand_in(item, k) for k in (0, 1))
        try:
            template = Template(self._direct(one, style, locator), self._values(one, style), item["language"][:2])
        except ValueError:
            return None
        if template.fill(self._values(two, style)) != self._direct(two, style, locator):
            return None  # this style does more with these fields than show them
        return template

    def _values(self, item: dict, style: str) -> dict[str, str]:
        values = {field: item[field] for field in (*_TEXTS, "number") if field in item}
        if "page" in item:
            values["page"] = _page_text(self._style(style), item["page"])
        return values


def _shape(item: dict):
    """What a template must share with the item: every field but the document's own
    values (the year of its date stays); None if a value is not of a stand-in's kind."""
    for field in _TEXTS:
        if field in item and not (isinstance(item[field], str) and _TEXT.fullmatch(item[field])):
            return None
    if "number" in item and not _NUMBER.fullmatch(str(item["number"])):
        return None
    pages = _PAGES.fullmatch(item["page"]) if "page" in item else None
    if "page" in item and pages is None:
        return None
    if not isinstance(item.get("language"), str):
        return None  # the case of a title depends on it (citeproc-py's default otherwise)
    date = item.get("original-date")
    parts = date["date-parts"][0] if date else None
    if date is not None and (set(date) != {"date-parts"} or len(date["date-parts"]) != 1 or not parts):
        return None
    same = tuple((k, repr(v)) for k, v in sorted(item.items()) if k not in PER_DOCUMENT)
    present = tuple(f for f in PER_DOCUMENT if f in item)
    return (present, same, bool(pages and pages.group(2)), (parts[0], len(parts)) if parts else None)


def _stand_in(item: dict, k: int) -> dict:
    stand = _STAND_INS[k]
    out = dict(item)
    for field in (*_TEXTS, "number", "id"):
        if field in item:
            out[field] = stand[field]
    if "page" in item:
        first, last = stand["page"]
        out["page"] = f"{first}-{last}" if "-" in item["page"] else first
    if "original-date" in item:
        parts = item["original-date"]["date-parts"][0]
        out["original-date"] = {"date-parts": [[parts[0], *stand["month_day"]][:len(parts)]]}
    return out


@lru_cache(maxsize=None)
def _page_element(style) -> "_model.Text":
    # page-range formatting reads only the style's options and terms: any text element serves
    return next(el for el in style.root.iter() if isinstance(el, _model.Text))


@lru_cache(maxsize=4096)  # a document's pages are asked for once per style and kind of citation
def _page_text(style, pages: str) -> str:
    """Pages as the style writes a page variable (ranges joined and shortened its way)."""
    return str(_page_element(style)._process(pages, "page"))
