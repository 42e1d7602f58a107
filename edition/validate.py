"""Validation of TEI files against the TEI P5 RELAX NG schema (``tei_all.rng``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from .errors import EditionError, Location
from .tei import parse_bytes, parser


@lru_cache(maxsize=2)
def schema(path: str) -> etree.RelaxNG:
    """Compile the schema once per process (tei_all takes some seconds)."""
    if not path or not Path(path).is_file():
        raise EditionError(
            Location(path or "tei_all.rng"),
            "TEI schema not found; set [edition] schema in seeds/edition.toml or pass --schema"
            " (README.md says where to get tei_all.rng)",
        )
    return etree.RelaxNG(etree.parse(path, parser()))


def errors(data: bytes, name: str, schema_path: str) -> list[str]:
    """``path:line:col: error: …`` for every schema violation; empty when valid."""
    rng = schema(schema_path)
    root = parse_bytes(name, data)
    if rng.validate(root.getroottree()):
        return []
    return [f"{name}:{e.line}:{e.column}: error: {e.message}" for e in rng.error_log]
