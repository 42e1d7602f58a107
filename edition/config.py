"""The edition config (``seeds/edition.toml``), read into typed, checked values.

Every mistake is reported at its place in the file: TOML syntax errors with
the parser's line and column, a missing or mistyped key at the line of its
table or of the key itself.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .errors import EditionError, Location
from .model import DocumentFacts, Edition, Person, Seed, Volume
from .seeds import decode_text

DEFAULT_PATH = Path("seeds") / "edition.toml"
_VOLUME_ID = re.compile(r"frus\d{4}(?:-\d{2,4})?[a-z0-9]*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Where:
    """Finds the line of a table or key in the TOML text, for messages."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.split("\n")

    def table(self, name: str) -> Location:
        for i, line in enumerate(self.lines):
            if line.strip() == f"[{name}]":
                return Location(self.path, i + 1, 1)
        return Location(self.path, 1, 1)

    def key(self, table: str, key: str) -> Location:
        start = self.table(table).line - 1
        pattern = re.compile(rf"\s*{re.escape(key)}\s*=")
        for i in range(start, len(self.lines)):
            if i > start and self.lines[i].lstrip().startswith("["):
                break
            if pattern.match(self.lines[i]):
                col = len(self.lines[i]) - len(self.lines[i].lstrip()) + 1
                return Location(self.path, i + 1, col)
        return self.table(table)


def load(path: str | Path = DEFAULT_PATH) -> Edition:
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EditionError(Location(name), "no edition config here; create it (see README.md)") from None
    text = decode_text(name, data).text
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        if match:
            line, col = int(match.group(1)), int(match.group(2))
        else:  # "(at end of document)"
            lines = text.split("\n")
            line, col = len(lines), len(lines[-1]) + 1
        message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", str(exc))
        raise EditionError(Location(name, line, col), f"not valid TOML: {message}") from None
    where = _Where(name, text)
    return _edition(raw, where, path.parent, name)


def _table(raw: dict, name: str, where: _Where) -> dict:
    value = raw.get(name)
    if not isinstance(value, dict):
        raise EditionError(Location(where.path), f"the config needs a [{name}] table")
    return value


def _string(table: dict, tname: str, key: str, where: _Where, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise EditionError(where.table(tname), f"[{tname}] needs the key '{key}'")
    if not isinstance(value, str) or not value.strip():
        raise EditionError(where.key(tname, key), f"[{tname}] {key} must be a non-empty string")
    return value


def _people(table: dict, tname: str, key: str, where: _Where) -> tuple[Person, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not value:
        raise EditionError(where.key(tname, key), f"[{tname}] {key} must be a list of names")
    people = []
    for entry in value:
        if isinstance(entry, str) and entry.strip():
            people.append(Person(entry))
        elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
            people.append(Person(entry["name"], str(entry.get("role", ""))))
        else:
            raise EditionError(
                where.key(tname, key),
                f"[{tname}] {key}: each entry is a name or {{ name = \"…\", role = \"…\" }}",
            )
    return tuple(people)


def _volume(vol: dict, where: _Where, tname: str, base: Path) -> Volume:
    volume_id = _string(vol, tname, "id", where)
    if not _VOLUME_ID.fullmatch(volume_id):
        raise EditionError(
            where.key(tname, "id"),
            f"[{tname}] id '{volume_id}' is not a FRUS volume id such as 'frus1981-88v03'",
        )
    year = vol.get("year")
    if isinstance(year, int):
        year = str(year)
    vol = dict(vol, year=year)
    return Volume(
        id=volume_id,
        title=_string(vol, tname, "title", where),
        series=_string(vol, tname, "series", where),
        subseries=_string(vol, tname, "subseries", where),
        number=_string(vol, tname, "number", where),
        editors=_people(vol, tname, "editors", where),
        publisher=_string(vol, tname, "publisher", where),
        place=_string(vol, tname, "place", where),
        year=_string(vol, tname, "year", where),
        online=_string(vol, tname, "online", where) if vol.get("online") is not None else "",
        registers=_registers(vol, where, tname, base),
    )


def _edition(raw: dict, where: _Where, base: Path, name: str) -> Edition:
    ed = _table(raw, "edition", where)
    volume = _volume(_table(raw, "volume", where), where, "volume", base)
    others = raw.get("volumes", [])
    if not isinstance(others, list) or not all(isinstance(v, dict) for v in others):
        raise EditionError(Location(where.path), "[[volumes]] must be tables, one per further volume")
    other_volumes = tuple(_volume(v, where, "volumes", base) for v in others)
    known = {volume.id} | {v.id for v in other_volumes}
    date = ed.get("date")
    date = date.isoformat() if hasattr(date, "isoformat") else date
    if not isinstance(date, str) or not _DATE.fullmatch(date):
        raise EditionError(where.key("edition", "date"), "[edition] date must be a date such as 2026-12-01")
    if "texts" in ed:
        texts = ed["texts"]
    else:  # every text and TEI file in the seeds folder, in name order
        texts = sorted(p.name for p in base.iterdir() if p.suffix in (".txt", ".xml") and p.is_file())
    if not isinstance(texts, list):
        raise EditionError(where.key("edition", "texts"), "[edition] texts must be a list of file names")
    seeds = []
    for entry in texts:
        if isinstance(entry, str):
            seeds.append(Seed(str(base / entry), volume.id))
        elif isinstance(entry, dict) and isinstance(entry.get("path"), str):
            vol_id = entry.get("volume", volume.id)
            if vol_id not in known:
                raise EditionError(
                    where.key("edition", "texts"),
                    f"[edition] texts: volume '{vol_id}' of {entry['path']} is described by no [volume] or [[volumes]] table",
                )
            seeds.append(Seed(str(base / entry["path"]), vol_id))
        else:
            raise EditionError(
                where.key("edition", "texts"),
                "[edition] texts: each entry is a file name or { path = \"…\", volume = \"…\" }",
            )
    schema = ed.get("schema", "")
    if not isinstance(schema, str):
        raise EditionError(where.key("edition", "schema"), "[edition] schema must be a path")
    return Edition(
        title=_string(ed, "edition", "title", where),
        publisher=_string(ed, "edition", "publisher", where),
        version=_string(ed, "edition", "version", where),
        date=date,
        editors=_people(ed, "edition", "editors", where),
        volume=volume,
        licence_url=_string(ed, "edition", "licence", where, default=Edition.licence_url),
        schema=str((base / schema).resolve()) if schema else "",
        texts=tuple(seeds),
        config_path=name,
        other_volumes=other_volumes,
        pages_dir=str(base / _optional_path(ed, "pages", where, "pages")),
        annotations_dir=str(base / _optional_path(ed, "annotations", where, "annotations")),
        previous_anchors=str(base / ed["previous_anchors"]) if _optional_path(ed, "previous_anchors", where, "") else "",
        aliases=_aliases(raw, where),
        base_url=_base_url(ed, where),
        templates_dir=str(base / ed["templates"]) if _optional_path(ed, "templates", where, "") else "",
        documents=_documents(raw, where),
        resolve=_resolve(raw.get("tagging", {}), where, "tagging"),
        skip=_skip(raw.get("tagging", {}), where, "tagging"),
        search=_flag(ed, "search", where, default=True),
    )


def _flag(ed: dict, key: str, where: _Where, default: bool) -> bool:
    value = ed.get(key, default)
    if not isinstance(value, bool):
        raise EditionError(where.key("edition", key), f"[edition] {key} must be true or false")
    return value


def _base_url(ed: dict, where: _Where) -> str:
    value = ed.get("base_url", "")
    if value and not (isinstance(value, str) and re.fullmatch(r"https?://[^\s#?]+", value)):
        raise EditionError(where.key("edition", "base_url"), "[edition] base_url must be an http(s) address, as https://example.org/frus/")
    return value.rstrip("/") + "/" if value else ""


def _aliases(raw: dict, where: _Where) -> tuple[tuple[str, str], ...]:
    table = raw.get("aliases", {})
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        raise EditionError(where.table("aliases"), "[aliases] maps a published id to the id it now lives at, as d156p3 = \"d156p4\"")
    return tuple(table.items())


_KIND_KEYS = {"persons": "person", "terms": "term", "places": "place"}


def _registers(vol: dict, where: _Where, tname: str, base: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The volume's registers: ``persons``, ``terms``, ``places`` (a file or a list)."""
    out = []
    for key, kind in _KIND_KEYS.items():
        if key not in vol:
            continue
        value = vol[key]
        files = [value] if isinstance(value, str) else value
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise EditionError(where.key(tname, key), f"[{tname}] {key} must be a file name or a list of them")
        out.append((kind, tuple(str(base / f) for f in files)))
    return tuple(out)


def _resolve(table: dict, where: _Where, tname: str) -> tuple[tuple[str, str], ...]:
    value = table.get("resolve", {}) if isinstance(table, dict) else {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise EditionError(where.key(tname, "resolve"), f"[{tname}] resolve maps a name form to a register id, as {{ Reagan = \"p_RRW_1\" }}")
    return tuple(value.items())


def _skip(table: dict, where: _Where, tname: str) -> tuple[str, ...]:
    value = table.get("skip", []) if isinstance(table, dict) else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EditionError(where.key(tname, "skip"), f"[{tname}] skip must be a list of name forms")
    return tuple(value)


def _documents(raw: dict, where: _Where) -> tuple[DocumentFacts, ...]:
    table = raw.get("documents", {})
    if not isinstance(table, dict):
        raise EditionError(Location(where.path), "[documents] must hold one table per document, as [documents.d156]")
    facts = []
    for doc_id, entry in table.items():
        tname = f"documents.{doc_id}"
        if not re.fullmatch(r"d\d+", doc_id) or not isinstance(entry, dict):
            raise EditionError(where.table(tname), f"[{tname}]: a document id is 'd' and its number, as d156")
        date = entry.get("date", "")
        date = date.isoformat() if hasattr(date, "isoformat") else date
        if date and not (isinstance(date, str) and _DATE.fullmatch(date)):
            raise EditionError(where.key(tname, "date"), f"[{tname}] date must be a date such as 1982-04-05")
        place = entry.get("place", "")
        if not isinstance(place, str):
            raise EditionError(where.key(tname, "place"), f"[{tname}] place must be a string")
        facts.append(DocumentFacts(doc_id, place, date, _resolve(entry, where, tname), _skip(entry, where, tname)))
    return tuple(facts)


def _optional_path(table: dict, key: str, where: _Where, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise EditionError(where.key("edition", key), f"[edition] {key} must be a folder path")
    return value


def with_registers(edition: Edition, persons=(), terms=()) -> Edition:
    """The edition with registers given on the command line added to the main volume's."""
    import dataclasses

    merged = dict(edition.volume.registers)
    for kind, files in (("person", tuple(persons)), ("term", tuple(terms))):
        if files:
            merged[kind] = tuple(merged.get(kind, ())) + files
    volume = dataclasses.replace(edition.volume, registers=tuple(merged.items()))
    return dataclasses.replace(edition, volume=volume)
