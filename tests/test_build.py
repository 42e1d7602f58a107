"""`python build.py`: the site folder is replaced only by a complete, good build."""

from __future__ import annotations

import multiprocessing
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from edition import config, pipeline
from edition.errors import EditionError, Location
from edition.write import Shelf, SiteWriter, Spool, Streamed

from .conftest import FIXTURES, ROOT, SEED, renumbered_seeds


def _edition_with(tmp_path: Path, texts: list[Path]):
    cfg = (ROOT / "seeds" / "edition.toml").read_text(encoding="utf-8")
    listed = ", ".join(f'"{t}"' for t in texts)
    cfg = cfg.replace("[edition]\n", f"[edition]\ntexts = [{listed}]\n", 1)
    path = tmp_path / "edition.toml"
    path.write_text(cfg, encoding="utf-8")
    if not (tmp_path / "registers").exists():
        shutil.copytree(ROOT / "seeds" / "registers", tmp_path / "registers")
    return config.load(path)


def test_build_py_writes_the_tei_download_and_it_is_valid(tmp_path, tei_all):
    site = tmp_path / "_site"
    result = subprocess.run(
        [sys.executable, "build.py", "build", "--out", str(site)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    out = site / "frus1981-88v03" / "d156.xml"
    assert tei_all.validate(etree.parse(str(out)))
    text = subprocess.run([sys.executable, "build.py", "totext", str(out)], cwd=ROOT, capture_output=True)
    assert text.stdout == SEED.read_bytes()


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path):
    site = tmp_path / "_site"
    good = _edition_with(tmp_path, [SEED])
    pipeline.build_edition(good, site)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    bad = _edition_with(tmp_path, [SEED, FIXTURES / "errors" / "footnote-without-callout" / "frus1981-88v03-d156.txt"])
    with pytest.raises(EditionError, match="footnote 1 has no callout"):
        pipeline.build_edition(bad, site)
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    # no staging left; the work kept for the next build is beside the site
    assert sorted(p.name for p in tmp_path.iterdir()) == ["._site-cache", "_site", "edition.toml", "registers"]


def test_a_build_failing_while_workers_stage_its_pages_leaves_no_file_of_it(tmp_path, monkeypatch):
    from edition import parallel, render

    seeds = renumbered_seeds(tmp_path / "seeds", parallel.MIN_JOBS + 8)
    site = tmp_path / "_site"
    pipeline.build_edition(config.load(seeds / "edition.toml"), site, cache=False, workers=2)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    rendered, claimed = render.Site.document_output, SiteWriter.staged

    def slow(self, k):  # the workers are forked from this process: slow there too
        if k > parallel.MIN_JOBS:  # still rendering when the build fails: stopped before its pages are staged
            time.sleep(0.5)
        return rendered(self, k)

    def failing(self, paths, source, origin=None):  # in the building process, as it takes in a document
        if paths[0].startswith(f"frus1981-88v03/d{parallel.MIN_JOBS}."):
            raise EditionError(Location(source), "made to fail")
        return claimed(self, paths, source, origin)

    monkeypatch.setattr(render.Site, "document_output", slow)
    monkeypatch.setattr(SiteWriter, "staged", failing)
    with pytest.raises(EditionError, match="made to fail"):
        pipeline.build_edition(config.load(seeds / "edition.toml"), site, cache=False, workers=2)
    assert multiprocessing.active_children() == []  # the workers stopped before the staged pages were removed
    time.sleep(1)  # a worker left running would have staged its pages by now
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "seeds"]  # the workers' staged pages gone too


def test_two_texts_for_one_output_path_are_an_error_naming_both(tmp_path):
    copy = tmp_path / "copy-d156.txt"
    copy.write_bytes(SEED.read_bytes())
    twice = _edition_with(tmp_path, [SEED, copy])
    with pytest.raises(EditionError) as err:
        pipeline.build_edition(twice, tmp_path / "_site")
    assert str(err.value) == (
        f"{copy}:1:1: error: document d156 of frus1981-88v03 comes from two seeds: {SEED} and {copy}"
    )
    assert not (tmp_path / "_site").exists()


def test_the_command_line_prints_errors_without_traceback(tmp_path):
    bad = FIXTURES / "errors" / "not-utf8" / "frus1981-88v03-d156.txt"
    result = subprocess.run(
        [sys.executable, "build.py", "encode", str(bad.relative_to(ROOT)), "-o", str(tmp_path / "x.xml")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert result.stderr == (bad.parent / "expected-error.txt").read_text(encoding="utf-8")
    assert not (tmp_path / "x.xml").exists()


def test_site_writer_refuses_to_write_one_path_twice(tmp_path):
    writer = SiteWriter(tmp_path / "_site")
    writer.write("a/b.html", b"1", "first.txt")
    with pytest.raises(EditionError) as err:
        writer.write("a/b.html", b"2", "second.txt")
    assert str(err.value) == "second.txt:1:1: error: would write _site/a/b.html a second time (it was written for first.txt)"
    writer.abandon()


def test_a_spool_gives_back_each_chunk_in_any_order_also_to_a_forked_process():
    from edition import parallel

    with Spool() as spool:
        for k in range(50):
            spool.add(f"page{k}", f"rows of {k} ".encode() * k)
        assert spool.get("page7") == b"rows of 7 " * 7 and spool.get("page0") == b""
        assert sorted(spool.keys()) == sorted(f"page{k}" for k in range(50))
        with pytest.raises(ValueError):
            spool.add("page7", b"again")
        # the render workers read the shelf of documents they were forked with, side by side
        keys = [f"page{k}" for k in range(50)]
        got = list(parallel.ordered(_spooled, keys, [False] * 50, None, spool, workers=2))
        assert got == [(f"rows of {k} ".encode() * k, True) for k in range(50)]


def test_the_workers_run_only_a_few_jobs_ahead_of_the_results_taken(tmp_path):
    """A building process that takes its results slowly does not get them piled up: the
    workers are sent a few chunks beyond the results taken, not every job at once."""
    from edition import parallel

    jobs = list(range(400))
    results = parallel.ordered(_marked, jobs, [False] * len(jobs), None, str(tmp_path), workers=2)
    assert next(results) == 0
    time.sleep(1.0)  # far longer than the workers need for all 400 jobs
    started = len(list(tmp_path.iterdir()))
    chunk = min(8, len(jobs) // 8)
    assert chunk < started <= (parallel.AHEAD * 2 + 1) * chunk
    assert list(results) == jobs[1:]  # the rest, all of them and in order
    assert len(list(tmp_path.iterdir())) == len(jobs)


def _marked(folder, job):
    (Path(folder) / str(job)).touch()
    return job


def _spooled(spool, key):
    import os

    return spool.get(key), os.getpid() != _MAIN_PID


_MAIN_PID = __import__("os").getpid()


def test_a_file_made_in_its_own_thread_that_fails_fails_the_commit_and_keeps_the_old_site(tmp_path):
    site = tmp_path / "_site"
    site.mkdir()
    (site / "index.html").write_text("the previous site", encoding="utf-8")

    def produce(handle):
        handle.write(b"half a zip")
        raise EditionError(pipeline.Location("seeds/edition.toml"), "the zip could not be made")

    writer = SiteWriter(site)
    writer.write("downloads/edition.zip", Streamed(produce), "seeds/edition.toml")
    writer.write("index.html", b"the new site", "seeds/edition.toml")
    with pytest.raises(EditionError, match="the zip could not be made"):
        writer.commit()
    writer.abandon()
    assert (site / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_a_file_made_from_others_waits_for_them_and_a_failed_build_releases_it(tmp_path):
    writer = SiteWriter(tmp_path / "_site")
    writer.write("all.txt", Streamed(lambda handle: handle.write(writer.read("a.txt") + writer.read("b.txt"))), "x")
    writer.write("b.txt", b"B", "x")  # written after the file made from it began
    writer.write("a.txt", b"A", "x")
    writer.commit()
    assert (tmp_path / "_site" / "all.txt").read_bytes() == b"AB"

    writer = SiteWriter(tmp_path / "_site")
    writer.write("all.txt", Streamed(lambda handle: handle.write(writer.read("never.txt"))), "x")
    writer.abandon()  # the build failed before never.txt: the file being made gives up, nothing hangs
    assert (tmp_path / "_site" / "all.txt").read_bytes() == b"AB"


def test_a_thread_waiting_for_many_files_is_woken_once_when_the_last_is_written(tmp_path):
    import threading
    import time

    writer = SiteWriter(tmp_path / "_site")
    woken: list[str] = []

    class Counting(threading.Condition):
        def wait(self, timeout=None):
            told = super().wait(timeout)
            woken.append(threading.current_thread().name)
            return told

    writer._change = Counting()
    names = [f"d{n}.xml" for n in range(50)]
    waiters = [threading.Thread(target=writer.wait_for, args=names, name="all"),
               threading.Thread(target=writer.wait_for, args=(names[0],), name="first")]
    for thread in waiters:
        thread.start()
    deadline = time.monotonic() + 5
    while len(writer._waiting) < 2 and time.monotonic() < deadline:  # both waiting before any file comes
        time.sleep(0.01)
    for name in reversed(names):  # the first file comes last
        writer.write(name, b"x", "x")
    for thread in waiters:
        thread.join(5)
    assert not any(thread.is_alive() for thread in waiters)
    assert sorted(woken) == ["all", "first"]
    writer.abandon()


def test_a_shelf_keeps_objects_as_they_were():
    with Shelf() as shelf:
        shelf.put("d1", {"n": "1", "blocks": ("a", "b")})
        shelf.put("d2", ["x"])
        assert shelf.take("d1") == {"n": "1", "blocks": ("a", "b")} and shelf.take("d2") == ["x"]


def test_site_writer_refuses_paths_outside_the_site(tmp_path):
    writer = SiteWriter(tmp_path / "_site")
    with pytest.raises(ValueError):
        writer.write("../escape.xml", b"", "x")
    writer.abandon()


def test_serve_binds_loopback_serves_the_site_and_rebuilds_on_changes(tmp_path):
    import shutil
    import socket
    import threading
    import time
    import urllib.request

    from edition import serve

    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURES / "golden-site" / "seeds", seeds)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stop = threading.Event()
    out = tmp_path / "_site"
    thread = threading.Thread(target=serve.serve, args=(seeds / "edition.toml", str(out), port, stop), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        page = None
        while time.monotonic() < deadline:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/about.html", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert page is not None and "About the golden site" in page
        (seeds / "pages" / "about.md").write_text("# Changed title\n\nNew text.\n", encoding="utf-8")
        while time.monotonic() < deadline:
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/about.html", timeout=2).read().decode()
            if "Changed title" in page:
                break
            time.sleep(0.3)
        assert "Changed title" in page
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_large_build_shows_progress_and_its_summary(tmp_path, capsys):
    from edition import cli

    seeds = renumbered_seeds(tmp_path / "seeds", 100)
    assert cli.main(["build", "--seeds", str(seeds), "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "read 100/100 seeds" in captured.err
    assert "rendered 100/100 documents" in captured.err
    assert captured.out.startswith(f"built {tmp_path / 'out'}: 100 documents, 206 pages, 0 warnings in ")
    assert "indexing 103 pages for the search" in captured.err
    assert re.search(r"\(search index \d+\.\d\d s\)$", captured.out.strip())
    assert (tmp_path / "out" / "frus1981-88v03" / "d100.html").is_file()


def test_the_benchmark_generates_varied_documents_that_encode(tmp_path):
    """The benchmark's editions are real inputs: every generated text encodes, none repeats."""
    from edition import bench, encode, seeds

    bench.generate(tmp_path / "gen", 14)
    texts = sorted((tmp_path / "gen").glob("d*.txt"))
    assert len(texts) == 14 and len({t.read_bytes() for t in texts}) == 14
    numbers = {encode.encode_text(seeds.read_text(t)).n for t in texts}
    assert numbers == {str(n) for n in range(1, 15)}


def test_a_cache_pack_mostly_forgotten_is_copied_down_to_what_is_kept(tmp_path):
    from edition.write import CacheStore

    first = CacheStore(tmp_path)
    for k in range(10):
        first.put(f"e{k}", bytes([k]) * 1000)
    first.keep_only({f"e{k}" for k in range(10)})
    first.close()
    second = CacheStore(tmp_path)
    second.put("new", b"n" * 10)
    second.put("e1", b"not again")  # a key names its content: kept once
    second.keep_only({"e1", "e2", "new"})
    second.close()
    assert len(list(tmp_path.glob("pack-*"))) == 1  # the first pack's two kept entries copied to the second's
    third = CacheStore(tmp_path)
    assert third.keys() == ["e1", "e2", "new"] and third.get("e3") is None
    assert (third.get("e1"), third.get("e2"), third.get("new")) == (b"\x01" * 1000, b"\x02" * 1000, b"n" * 10)


def test_a_cache_index_that_names_no_place_this_store_writes_is_ignored(tmp_path):
    import pickle

    from edition.write import CacheStore

    (tmp_path / "index").write_bytes(pickle.dumps({"e1": ("../elsewhere", 0, 10), "e2": ("pack-1", -5, 10),
                                                   "e3": ("pack-1", 0, "10"), 4: ("pack-1", 0, 10)}))
    store = CacheStore(tmp_path)
    assert store.keys() == [] and store.get("e1") is None and not store.has("e2")
