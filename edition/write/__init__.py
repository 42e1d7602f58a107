"""The only part of the program that writes files (a module of a few files: one per job).

Every output is written atomically (a temporary file beside the target, then
``os.replace``), and a :class:`SiteWriter` fills a fresh folder beside the
site that replaces the old site only when the whole build has succeeded; a
failed build leaves the previous site exactly as it was.  Writing one path
twice in a build is a bug in the inputs or the program, and is refused.  A
file whose bytes the previous site has already, at the same path, is linked to
it rather than written again: nothing here ever writes into an existing file,
so the two sites can share it, and a rebuild after a small change writes only
what changed.

What a build keeps on disk while it runs, so as not to hold it in memory, is
here too: a :class:`Spool` of byte chunks, a :class:`Shelf` of documents, a
:class:`Scratch` folder for Pagefind (``spools``); and the build cache's
:class:`CacheStore` (``cache``).  The site is :class:`SiteWriter`'s (``site``; the processes that render the
documents stage their files through its ``Stager``, and it claims them);
a file written whole or not at all, and one made as it is written, ``files``.
"""

from .cache import CacheStore
from .files import Streamed, write_file
from .site import SiteWriter
from .spools import Scratch, Shelf, Spool

__all__ = ["CacheStore", "Scratch", "Shelf", "SiteWriter", "Spool", "Streamed", "write_file"]
