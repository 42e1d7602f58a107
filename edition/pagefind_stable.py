"""Pagefind's bundle made byte-stable.

Pagefind writes its filter indexes, and the list of them in its metadata file,
in the arbitrary order of a hash table, so two runs over the same pages give
different bytes (and file names) for the same index; the maintainers note it
(Pagefind issue 638: fragments are stable since 1.3, filter and metadata
indexes are not).  The search finds the same either way, but a build must be
byte-identical to the last.  So each filter index is rewritten with its values
in sorted order, named by a digest of its content, and the metadata and entry
file are rewritten to point to the new names.

The files are ``gzip("pagefind_dcd" + CBOR)``; the part of CBOR they use
(unsigned integers, byte and text strings, arrays, maps; definite lengths) is
read and written here.  Anything else is left exactly as Pagefind wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json

MAGIC = b"pagefind_dcd"


class _Unsupported(Exception):
    pass


def _decode(data: bytes, at: int = 0):
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        n = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        n = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise _Unsupported(head)
    if major == 0:
        return n, at
    if major in (2, 3):
        raw = data[at:at + n]
        return (raw if major == 2 else raw.decode("utf-8")), at + n
    if major == 4:
        items = []
        for _ in range(n):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(n):
            key, at = _decode(data, at)
            value, at = _decode(data, at)
            pairs.append((key, value))
        return dict(pairs), at
    raise _Unsupported(head)


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise _Unsupported(n)


def _encode(value) -> bytes:
    if isinstance(value, bool) or value is None:
        raise _Unsupported(value)
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise _Unsupported(type(value))


def _read(data: bytes):
    raw = gzip.decompress(data)
    if not raw.startswith(MAGIC):
        raise _Unsupported("magic")
    value, end = _decode(raw, len(MAGIC))
    if end != len(raw):
        raise _Unsupported("trailing bytes")
    return value


def _write(value) -> bytes:
    return gzip.compress(MAGIC + _encode(value), compresslevel=9, mtime=0)


def _name(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def stabilise(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The bundle with sorted filter indexes and the names that follow from them; the
    bundle unchanged if any part is not as expected."""
    try:
        return _stabilise(dict(files))
    except (_Unsupported, KeyError, ValueError, IndexError, TypeError, OSError, EOFError):
        return files


def _stabilise(files: dict[str, bytes]) -> list[tuple[str, bytes]]:
    entry = json.loads(files["pagefind-entry.json"])
    out = {p: d for p, d in files.items() if not p.startswith("filter/") and not p.endswith(".pf_meta")}
    for language, info in entry["languages"].items():
        meta_path = f"pagefind.{info['hash']}.pf_meta"
        meta = _read(files[meta_path])
        renamed = {}
        for path, data in files.items():
            if path.startswith(f"filter/{language}_"):
                name, values = _read(data)
                stable = _write([name, sorted(values, key=lambda v: v[0])])
                new = _name(language, stable, 7)
                renamed[path[len("filter/"):-len(".pf_filter")]] = new
                out[f"filter/{new}.pf_filter"] = stable
        lists = [part for part in meta if isinstance(part, list) and part and all(
            isinstance(x, list) and len(x) == 2 and x[1] in renamed for x in part)]
        if len(lists) != 1:
            raise _Unsupported("filters in the metadata")
        filters = lists[0]
        filters[:] = sorted(([name, renamed[old]] for name, old in filters), key=lambda x: x[0])
        stable_meta = _write(meta)
        info["hash"] = _name(language, stable_meta, 10)
        out[f"pagefind.{info['hash']}.pf_meta"] = stable_meta
    out["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return sorted(out.items())
