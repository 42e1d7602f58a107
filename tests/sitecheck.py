"""Checkers for a built site: internal links, the Nu Html Checker, a local server, a browser."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def broken_links(site: Path) -> list[str]:
    """Every internal href/src in the site's HTML whose file or #fragment does not exist."""
    ids: dict[Path, set[str]] = {}
    pages = sorted(site.rglob("*.html"))
    trees = {}
    for page in pages:
        tree = lxml.html.parse(str(page))
        trees[page] = tree
        ids[page.resolve()] = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    broken = []
    for page, tree in trees.items():
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("href", "src"):
                url = el.get(attr)
                if not url:
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    if parts.scheme in ("http", "https", "mailto"):
                        continue
                    broken.append(f"{page}: unexpected URL {url}")
                    continue
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
                if not target.is_file():
                    broken.append(f"{page}: {url} → no file {target}")
                    continue
                if parts.fragment and target.suffix == ".html" and parts.fragment not in ids.get(target, set()):
                    broken.append(f"{page}: {url} → no id {parts.fragment!r} in {target.name}")
    return broken


def vnu_errors(pages: list[Path]) -> list[str]:
    """Nu Html Checker errors (it writes its JSON report to standard error)."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(result.stderr or '{"messages": []}')
    return [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in report["messages"] if m["type"] == "error"
            or m.get("subType") == "fatal"]


class Server:
    """A static server for a folder on 127.0.0.1, on a free port, in a thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass
