"""The only place where URLs are made.

Every page has a path inside the site (``frus1981-88v03/d156.html``); every link
is made relative to the page it stands on, so the site works from ``file://``
and from any sub-path of a server.  The scheme follows history.state.gov:
``<volume>/<document>``.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

INDEX = "index.html"
NOT_FOUND = "404.html"
STATIC = "static"


def document(volume: str, doc_id: str) -> str:
    return f"{volume}/{doc_id}.html"


def tei_download(volume: str, doc_id: str) -> str:
    return f"{volume}/{doc_id}.xml"


def text_download(volume: str, doc_id: str) -> str:
    return f"{volume}/{doc_id}.txt"


def json_download(volume: str, doc_id: str) -> str:
    return f"{volume}/{doc_id}.json"


def csl_json(volume: str, doc_id: str) -> str:
    return f"{volume}/{doc_id}.csl.json"


def bibtex(volume: str, doc_id: str) -> str:
    return f"{volume}/{doc_id}.bib"


def ris(volume: str, doc_id: str) -> str:
    return f"{volume}/{doc_id}.ris"


def absolute(base_url: str, path: str, fragment: str | None = None) -> str:
    """The address of a site path under the configured base URL ("" without one)."""
    if not base_url:
        return ""
    url = base_url.rstrip("/") + "/" + path
    return f"{url}#{fragment}" if fragment else url


SEARCH = "search.html"
SEARCH_BUNDLE = "pagefind"  # Pagefind's own folder: its script, WebAssembly and index
SEARCH_FALLBACK = "search/fallback.js"


def search_bundle(shards: list[str], k: int) -> str:
    """The folder of the k-th part of the search index: the first part is Pagefind's own
    bundle (its script, WebAssembly and index); the others, merged into it by the search
    page, keep their index only, beneath it."""
    return SEARCH_BUNDLE if k == 0 else f"{SEARCH_BUNDLE}/shards/{shards[k]}"


def source_view(volume: str, doc_id: str) -> str:
    return f"{volume}/{doc_id}-source.html"


REGISTER_PAGES = {"person": "persons", "term": "terms", "place": "places"}


def register(volume: str, kind: str) -> str:
    """``frus1981-88v03/persons.html``: the volume's register of one kind."""
    return f"{volume}/{REGISTER_PAGES[kind]}.html"


def prose_page(name: str) -> str:
    return f"{name}.html"


def static(name: str) -> str:
    return f"{STATIC}/{name}"


def source_line(line: int) -> str:
    """The fragment of a line in a source view."""
    return f"L{line}"


@lru_cache(maxsize=4096)
def _relative_folder(start: str, folder: str) -> str:
    # a site has few folders and very many links between them: each pair is worked out once
    return posixpath.relpath(folder, start)


def href(from_page: str, to_page: str, fragment: str | None = None) -> str:
    """A relative link from one site path to another (with an optional ``#fragment``)."""
    if to_page == from_page:
        target = ""
    else:
        folder, name = posixpath.split(to_page)
        up = _relative_folder(posixpath.dirname(from_page) or ".", folder or ".")
        target = name if up == "." else f"{up}/{name}"
    if fragment:
        return f"{target}#{fragment}"
    return target or posixpath.basename(to_page)
