"""The expected TEI body of each feature fixture.

Refresh after an intended change of the encoding, then review the diff:

    python -m tests.golden
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from edition import encode, seeds, teiwrite

FEATURES = Path(__file__).resolve().parent / "fixtures" / "features"


def body_xml(text_path: Path) -> bytes:
    doc = encode.encode_text(seeds.read_text(text_path))
    div = teiwrite.tei_document(doc, _edition()).find(".//{http://www.tei-c.org/ns/1.0}div")
    return etree.tostring(div, encoding="UTF-8") + b"\n"


def _edition():
    from edition import config

    return config.load(Path(__file__).resolve().parent.parent / "seeds" / "edition.toml")


def main() -> None:
    for text in sorted(FEATURES.glob("*/*.txt")):
        target = text.with_name("expected-body.xml")
        target.write_bytes(body_xml(text))
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
