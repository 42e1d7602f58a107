"""What the site has of one document once it is rendered (``render.Site.document_output``):
its files and what the site, the downloads, the anchors check and the search need of it.
The build cache keeps it without the files' bytes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import search


@dataclass(frozen=True)
class DocumentOutput:
    files: tuple[tuple[str, bytes | None], ...]  # (site path, bytes; None once they are written or staged)
    found: tuple  # the register occurrences (registers.Occurrence)
    search_page: "search.SearchPage | None"
    warnings: tuple[str, ...]
    anchors: bytes = b""  # its citable anchors, packed (anchors.unpacked), for the check against the last release
    manifest: bytes = b""  # its rows of anchors.json
    corpus: bytes = b""  # its TEI as its volume's corpus has it
    sums: tuple = ()  # (site path, SHA-256) of its files in the edition's zip
    templates: dict = dataclasses.field(default_factory=dict)  # citation templates its process made for it
    staged: bool = False  # its files are staged for this build (by the process that rendered it)

    def without_bytes(self) -> "DocumentOutput":
        """As the build cache keeps it: its files named, their bytes left to the site the
        build writes (whose writer records that they are there: ``SiteWriter.link_kept``)."""
        return dataclasses.replace(self, files=tuple((path, None) for path, _ in self.files), templates={},
                                   staged=False)

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.files]
