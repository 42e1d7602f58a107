"""``build.py serve``: build, serve the site on 127.0.0.1, rebuild on changes.

Changes are found by polling modification times of the seeds, templates and
static folders once a second (no extra dependency).  A failed rebuild prints
its error and keeps serving the last good site.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from . import config, pipeline, render
from .errors import EditionError


def _snapshot(folders: list[Path]) -> dict[str, float]:
    stamps: dict[str, float] = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    stamps[str(path)] = path.stat().st_mtime
    return stamps


def _build(config_path: str | Path, out: str) -> None:
    try:
        edition = config.load(config_path)
        report = pipeline.build_edition(edition, out)
    except EditionError as exc:
        print(exc, file=sys.stderr)
        print("the last good site is still being served", file=sys.stderr)
        return
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(report.summary(), flush=True)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


def serve(config_path: str | Path, out: str, port: int, stop: threading.Event | None = None) -> int:
    config_path = Path(config_path)
    watched = [config_path.parent, render.TEMPLATES, render.STATIC]
    edition = config.load(config_path)
    if edition.templates_dir:
        watched.append(Path(edition.templates_dir))
    _build(config_path, out)
    root = Path(out).resolve()

    # The folder is named, not opened: after a rebuild swaps it, the new site is served.
    handler = functools.partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    stamps = _snapshot(watched)
    stop = stop or threading.Event()
    try:
        while not stop.wait(1.0):
            now = _snapshot(watched)
            if now != stamps:
                stamps = now
                _build(config_path, out)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0
