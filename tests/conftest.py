"""Shared test fixtures: paths, the edition config, and tei_all compiled once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import shutil

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("FRUS_SHARED", ROOT.parent / "shared"))
EXAMPLES = SHARED / "examples" / "frus1981-88v05"
SCHEMA = SHARED / "schemas" / "tei_all.rng"
SEED = ROOT / "seeds" / "frus1981-88v03-d156.txt"
EXAMPLE_IDS = sorted((p.stem for p in (EXAMPLES / "text").glob("d*.txt")), key=lambda s: int(s[1:]))


@pytest.fixture(scope="session")
def edition():
    from edition import config

    return config.load(ROOT / "seeds" / "edition.toml")


@pytest.fixture(scope="session")
def tei_all() -> etree.RelaxNG:
    """The official TEI P5 schema, compiled once (it takes several seconds)."""
    assert SCHEMA.is_file(), f"tei_all.rng not found at {SCHEMA}; see README.md"
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def copy_seeds(tmp_path: Path, edits: dict[str, tuple[str, str]] | None = None, source: Path = ROOT / "seeds") -> Path:
    """A copy of a seeds folder with, in each named file, the first ``old`` replaced by ``new``."""
    seeds = tmp_path / "seeds"
    shutil.copytree(source, seeds)
    for name, (old, new) in (edits or {}).items():
        path = seeds / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return seeds


def renumbered_seeds(folder: Path, count: int, pages: bool = False) -> Path:
    """``count`` documents (the seed, renumbered d1…dN), the config and the registers."""
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for n in range(1, count + 1):
        (folder / f"d{n}.txt").write_text(text.replace("156. Memorandum", f"{n}. Memorandum", 1), encoding="utf-8")
    cfg = (ROOT / "seeds" / "edition.toml").read_text(encoding="utf-8")
    (folder / "edition.toml").write_text(cfg.replace("[documents.d156]", "[documents.d1]"), encoding="utf-8")
    shutil.copytree(ROOT / "seeds" / "registers", folder / "registers")
    if pages:
        shutil.copytree(ROOT / "seeds" / "pages", folder / "pages")
    return folder


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from .sitecheck import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(site):
    """The d156 site served on 127.0.0.1 for the tests of one module."""
    from .sitecheck import Server

    with Server(site) as s:
        yield s


GOLDEN = FIXTURES / "golden-site"
BASE = "https://frus.example.org/edition/"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The edition as `python build.py` builds it from seeds/."""
    from edition import config, pipeline

    out = tmp_path_factory.mktemp("site") / "_site"
    pipeline.build_edition(config.load(ROOT / "seeds" / "edition.toml"), out)
    return out


@pytest.fixture(scope="session")
def golden_site(tmp_path_factory) -> Path:
    from edition import config, pipeline

    out = tmp_path_factory.mktemp("golden") / "_site"
    pipeline.build_edition(config.load(GOLDEN / "seeds" / "edition.toml"), out)
    return out


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """The edition built with a base URL, as it is published."""
    root = tmp_path_factory.mktemp("published")
    seeds = root / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    cfg = seeds / "edition.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("[edition]\n", f'[edition]\nbase_url = "{BASE}"\n', 1),
                   encoding="utf-8")
    from edition import config, pipeline

    out = root / "_site"
    pipeline.build_edition(config.load(cfg), out)
    return out


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch):
    # The CLI resolves seeds/edition.toml and _build/ against the working folder.
    monkeypatch.chdir(ROOT)
