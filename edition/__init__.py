"""FRUS annotated digital edition: plain text → TEI P5 → a static scholarly edition."""

__version__ = "0.1.0"
