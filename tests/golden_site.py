"""The golden site: built from tests/fixtures/golden-site/seeds (the d156 text and two
official FRUS TEI files), compared whole with tests/fixtures/golden-site/expected.

After an intended change of the output, refresh it and review the diff:

    python -m tests.golden_site
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from edition import config, pipeline

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden-site"
EXPECTED = GOLDEN / "expected"


def build(out: Path) -> None:
    pipeline.build_edition(config.load(GOLDEN / "seeds" / "edition.toml"), out)


SEARCH_BUNDLE = "pagefind/"  # Pagefind's own output (its WebAssembly, hashed index files): the browser tests check it


def tree(folder: Path) -> dict[str, bytes]:
    return {path: p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (path := p.relative_to(folder).as_posix()).startswith(SEARCH_BUNDLE)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "_site"
        build(out)
        if EXPECTED.exists():
            shutil.rmtree(EXPECTED)
        shutil.copytree(out, EXPECTED, ignore=lambda folder, names: [n for n in names if Path(folder) == out and n + "/" == SEARCH_BUNDLE])
    print(f"wrote {EXPECTED} ({len(tree(EXPECTED))} files); review with: git diff --stat {EXPECTED}")


if __name__ == "__main__":
    main()
