"""The edition's zip writer: archives that zip readers (Python's and Info-ZIP's) accept,
ZIP64 past the classic limits, and members taken over from a previous zip only when
their bytes are what a fresh deflate would give."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from edition import config, pipeline, ziparchive

from .conftest import renumbered_seeds

MEMBERS = {"edition/a.txt": b"alpha " * 500, "edition/b.xml": b"<TEI/>", "edition/caf\u00e9.json": b"{}",
           "edition/empty": b""}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    writer = ziparchive.Writer(out, (2026, 12, 1))
    for name, data in members.items():
        writer.add(name, data)
    writer.close()
    assert writer.digest() == __import__("hashlib").sha256(out.getvalue()).hexdigest()
    return out.getvalue()


def _unzip_test(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "t.zip"
    path.write_bytes(data)
    result = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_an_archive_reads_back_whole_in_python_and_info_zip(tmp_path):
    data = _zip(MEMBERS)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert {i.filename: archive.read(i) for i in archive.infolist()} == MEMBERS
    info = archive.getinfo("edition/a.txt")
    assert info.date_time == (2026, 12, 1, 0, 0, 0) and info.compress_type == zipfile.ZIP_DEFLATED
    assert info.external_attr >> 16 == 0o100644 and info.compress_size < info.file_size
    assert "No errors detected" in _unzip_test(data, tmp_path)
    assert _zip(MEMBERS) == data  # the same members, the same bytes


def test_past_the_classic_limits_the_archive_is_zip64_and_still_reads_back(tmp_path, monkeypatch):
    # 65,535 members or 4 GiB, lowered so that a test can pass them
    monkeypatch.setattr(ziparchive, "LIMIT16", 2)
    monkeypatch.setattr(ziparchive, "LIMIT32", 100)
    data = _zip(MEMBERS)
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data  # the ZIP64 end record and its locator
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {i.filename: archive.read(i) for i in archive.infolist()} == MEMBERS
    assert archive.getinfo("edition/empty").header_offset > 100  # an offset given in the ZIP64 extra field
    assert "No errors detected" in _unzip_test(data, tmp_path)


def test_a_member_taken_over_gives_the_same_archive(tmp_path):
    old = tmp_path / "old.zip"
    old.write_bytes(_zip(MEMBERS))
    previous = ziparchive.Previous.open(old, lambda digest: True)
    assert previous.read("edition/a.txt") == MEMBERS["edition/a.txt"]
    assert previous.deflated_member("edition/none") is None
    out = io.BytesIO()
    writer = ziparchive.Writer(out, (2026, 12, 1))
    taken = []
    for name, data in MEMBERS.items():
        if name.endswith(".txt") and writer.take(previous, name):
            taken.append(name)
        else:
            writer.add(name, data)
    writer.close()
    assert taken and taken == [name for name in MEMBERS if name.endswith(".txt")]
    assert out.getvalue() == old.read_bytes()
    # a header this writer would not write (another date) is not taken over
    assert not ziparchive.Writer(io.BytesIO(), (2026, 12, 2)).take(previous, taken[0])
    previous.close()
    assert ziparchive.Previous.open(old, lambda digest: False) is None  # not vouched for
    assert ziparchive.Previous.open(tmp_path / "missing.zip", lambda digest: True) is None
    old.write_bytes(old.read_bytes()[:-30])  # truncated
    assert ziparchive.Previous.open(old, lambda digest: True) is None


def test_runs_of_members_are_taken_over_while_they_stand_together_and_give_the_same_archive(tmp_path):
    old = tmp_path / "old.zip"
    old.write_bytes(_zip(MEMBERS))
    previous = ziparchive.Previous.open(old, lambda digest: True)
    names = list(MEMBERS)
    out = io.BytesIO()
    writer = ziparchive.Writer(out, (2026, 12, 1))
    writer.add(names[0], MEMBERS[names[0]])  # made anew, then the rest in one piece
    assert writer.take_run(previous, names[1:]) == len(names) - 1
    writer.close()
    assert out.getvalue() == old.read_bytes()
    apart = ziparchive.Writer(io.BytesIO(), (2026, 12, 1))
    assert apart.take_run(previous, [names[0], names[2]]) == 1  # the second does not follow the first there
    assert apart.take_run(previous, ["edition/none", names[1]]) == 0
    assert ziparchive.Writer(io.BytesIO(), (2026, 12, 2)).take_run(previous, names) == 0  # another date
    previous.close()


def _build(seeds: Path, out: Path, **options):
    return pipeline.build_edition(config.load(seeds / "edition.toml"), out, **options)


@pytest.fixture
def deflated(monkeypatch) -> list[int]:
    """The sizes of the data the zip writer deflates itself (the zip is made in the
    building process)."""
    sizes: list[int] = []
    fresh = ziparchive.deflate

    def counted(data: bytes) -> bytes:
        sizes.append(len(data))
        return fresh(data)

    monkeypatch.setattr(ziparchive, "deflate", counted)
    return sizes


def test_a_rebuild_deflates_only_the_members_that_changed_and_gives_the_full_builds_zip(tmp_path, deflated):
    seeds = renumbered_seeds(tmp_path / "seeds", 3)
    zip_path = tmp_path / "site" / "downloads" / "edition.zip"
    _build(seeds, tmp_path / "site")
    assert len(deflated) == 3 * 3 + 1  # every member, and SHA256SUMS
    d2 = seeds / "d2.txt"
    d2.write_text(d2.read_text(encoding="utf-8").replace("Moscow always likes", "Moscow always prefers", 1),
                  encoding="utf-8")
    deflated.clear()
    _build(seeds, tmp_path / "site")
    changed = {n: len(zipfile.ZipFile(zip_path).read(f"edition/frus1981-88v03/d2.{n}")) for n in ("xml", "txt", "json")}
    assert sorted(deflated[:-1]) == sorted(changed.values())  # d2's three files, then SHA256SUMS
    _build(seeds, tmp_path / "full", cache=False)
    assert zip_path.read_bytes() == (tmp_path / "full" / "downloads" / "edition.zip").read_bytes()


def test_a_zip_no_build_vouches_for_is_made_anew(tmp_path, deflated):
    seeds = renumbered_seeds(tmp_path / "seeds", 2)
    _build(seeds, tmp_path / "site")
    zip_path = tmp_path / "site" / "downloads" / "edition.zip"
    made = zip_path.read_bytes()
    # the same members in another zip (as another zlib might deflate them): not taken over
    archive = zipfile.ZipFile(io.BytesIO(made))
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as copy:
        for info in archive.infolist():
            copy.writestr(info, archive.read(info), zipfile.ZIP_DEFLATED, compresslevel=9)
    assert other.getvalue() != made
    zip_path.unlink()  # shared with the site it came from: replaced, not written into
    zip_path.write_bytes(other.getvalue())
    deflated.clear()
    _build(seeds, tmp_path / "site")
    assert len(deflated) == 2 * 3 + 1
    assert zip_path.read_bytes() == made
