"""Running Pagefind (the program ``pagefind[bin]`` installs) over the search pages.

Pagefind reads pages and writes its bundle into folders of its own; both are
a private temporary folder (the pages it reads are made for it, see
``page_html``), and the bundle's bytes are handed back, so that ``write`` stays the
only module that writes the site (and the bundle joins the atomic swap).
Pagefind's own ready-made interfaces are left out: the search page has its
own, which knows about paragraphs and filters.
"""

from __future__ import annotations

import html
import subprocess
import tempfile
from pathlib import Path

from . import pagefind_stable
from .errors import EditionError, Location
from .search import SearchPage

LEFT_OUT = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
            "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


def page_html(page: SearchPage) -> str:
    """The page as Pagefind is to see it: a title, the filters (outside the indexed
    body, so that they are not searched as words), and one ``h2`` with the
    anchor's id before each section, which makes each section a sub-result."""
    e = html.escape
    filters = "".join(f'<span data-pagefind-filter="{e(name)}">{e(value)}</span>\n'
                      for name, values in page.filters for value in values)
    sections = "".join(f'<h2 id="{e(s.anchor)}">{e(s.label)}</h2>\n<p>{e(s.content)}</p>\n' for s in page.sections)
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{t}</title></head><body>\n'
            '<div hidden>\n{f}</div>\n<main data-pagefind-body>\n<h1 data-pagefind-meta="title">{t}</h1>\n{s}</main>\n'
            '</body></html>\n').format(t=e(page.title), f=filters, s=sections)


def bundle(pages: list[SearchPage], language: str, where: Location) -> list[tuple[str, bytes]]:
    """(path inside the bundle, bytes) of every file Pagefind writes for ``pages``.
    Pagefind's own program (found as its Python package finds it) indexes the folder
    in one run; its Python service would answer each request only after a 0.1 s
    pause, and a thread of its own would be needed beside a caller's event loop."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = None
    program = get_executable() if get_executable else None
    if program is None:
        raise EditionError(where, "the search index needs Pagefind: pip install 'pagefind[bin]'"
                                  " (or set search = false in [edition])")
    with tempfile.TemporaryDirectory(prefix="edition-search-") as tmp:
        pages_dir, out = Path(tmp) / "pages", Path(tmp) / "bundle"
        for page in pages:
            target = pages_dir / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page_html(page), encoding="utf-8")
        try:
            run = subprocess.run([str(program), "--site", str(pages_dir), "--output-path", str(out),
                                  "--force-language", language, "--silent"],
                                 capture_output=True, text=True, cwd=tmp, check=False)
        except OSError as exc:
            raise EditionError(where, f"Pagefind could not build the search index: {exc}") from None
        if run.returncode != 0:
            said = (run.stderr.strip() or run.stdout.strip()).splitlines()
            reason = said[-1] if said else f"it stopped with exit status {run.returncode}"
            raise EditionError(where, f"Pagefind could not build the search index: {reason}")
        return pagefind_stable.stabilise([(p.relative_to(out).as_posix(), p.read_bytes())
                                          for p in sorted(out.rglob("*")) if p.is_file() and p.name not in LEFT_OUT])
