"""Work kept between builds: what is reused, what is redone, and that the result is
always the full build's, byte for byte."""

from __future__ import annotations


import gzip
import os
import shutil
from pathlib import Path

import pytest

from edition import buildcache, config, pagefind_index, pagefind_stable, parallel, pipeline, write

from .conftest import renumbered_seeds


def _whole(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def seeds(tmp_path) -> Path:
    """Five documents (the seed, renumbered) and the registers."""
    return renumbered_seeds(tmp_path / "seeds", 5, pages=True)


def _build(seeds: Path, out: Path, **options) -> pipeline.BuildReport:
    return pipeline.build_edition(config.load(seeds / "edition.toml"), out, **options)


def _assert_as_a_full_build(seeds: Path, tmp_path: Path) -> None:
    """The rebuilt ``site`` is, byte for byte, what a build reusing nothing makes."""
    _build(seeds, tmp_path / "full", cache=False)
    assert _whole(tmp_path / "site") == _whole(tmp_path / "full")


def test_a_build_with_nothing_changed_reuses_every_step_and_gives_the_same_site(seeds, tmp_path):
    first = _build(seeds, tmp_path / "site")
    assert (first.reused, first.redone) == (0, 10)  # five seeds read, five documents rendered
    before = _whole(tmp_path / "site")
    again = _build(seeds, tmp_path / "site")
    assert (again.reused, again.redone) == (10, 0)
    assert _whole(tmp_path / "site") == before
    assert "(search index " in again.summary() and "; 10 of 10 steps reused)" in again.summary()


def test_after_one_change_only_that_document_is_redone_and_the_site_is_the_full_builds(seeds, tmp_path):
    _build(seeds, tmp_path / "site")
    d3 = seeds / "d3.txt"
    d3.write_text(d3.read_text(encoding="utf-8").replace("Moscow always likes", "Moscow always prefers", 1),
                  encoding="utf-8")
    report = _build(seeds, tmp_path / "site")
    assert (report.reused, report.redone) == (8, 2)  # its seed and its pages
    _assert_as_a_full_build(seeds, tmp_path)
    assert "always prefers to negotiate" in (tmp_path / "site" / "frus1981-88v03" / "d3.html").read_text(encoding="utf-8")


def test_a_rebuild_links_the_files_it_would_write_unchanged_and_writes_the_others(seeds, tmp_path):
    site = tmp_path / "site"
    _build(seeds, site)
    inode = {rel: (site / rel).stat().st_ino for rel in _whole(site)}
    (site / "about.html").write_text("changed by hand", encoding="utf-8")
    d3 = seeds / "d3.txt"
    d3.write_text(d3.read_text(encoding="utf-8").replace("Moscow always likes", "Moscow always prefers", 1),
                  encoding="utf-8")
    _build(seeds, site)
    _assert_as_a_full_build(seeds, tmp_path)
    shared = {rel for rel in _whole(site) if inode.get(rel) == (site / rel).stat().st_ino}
    assert "frus1981-88v03/d1.html" in shared and "frus1981-88v03/d5-source.html" in shared
    assert "frus1981-88v03/d3.html" not in shared and "frus1981-88v03/d3.xml" not in shared
    assert "about.html" not in shared  # the hand-made change is replaced by the build's bytes, in a file of its own
    assert "static/pygments.css" in shared and "frus1981-88v03/persons.html" in shared


def test_a_file_as_the_last_build_left_it_is_linked_unread_and_one_changed_by_hand_is_not(seeds, tmp_path, monkeypatch):
    from edition.write import site as site_writer

    site = tmp_path / "site"
    _build(seeds, site)
    compared: list[str] = []  # the previous site's files read to compare (by a build of fewer documents than
    unchanged = site_writer._link_unchanged  # are given to workers: all in this process)
    monkeypatch.setattr(site_writer, "_link_unchanged",
                        lambda old, target, data: compared.append(os.path.relpath(old, site)) or unchanged(old, target, data))
    _build(seeds, site)
    assert not [k for k in compared if k.startswith("frus1981-88v03/d")]  # every document's file linked unread
    page = site / "frus1981-88v03" / "d2.html"
    made = page.read_bytes()
    changed = made.replace(b"Memorandum", b"Memorandun", 1)
    assert len(changed) == len(made) and changed != made
    page.unlink()  # replaced, not written into: the file is shared with the site before
    page.write_bytes(changed)  # by hand, of the same size
    compared.clear()
    _build(seeds, site)
    # read and compared, found different, written anew (the site's other pages are compared always)
    assert [k for k in compared if k.startswith("frus1981-88v03/d")] == ["frus1981-88v03/d2.html"]
    assert page.read_bytes() == made
    _assert_as_a_full_build(seeds, tmp_path)


def test_citation_templates_are_kept_for_the_next_build(seeds, tmp_path, monkeypatch):
    from edition import cite, citetemplates

    _build(seeds, tmp_path / "site")
    # as a new process: no templates, no style parsed (nor readied by a formatting)
    monkeypatch.setattr(cite._TEMPLATES, "_made", {})
    cite._style.cache_clear()
    citetemplates._page_element.cache_clear()
    citetemplates._page_text.cache_clear()
    calls: list[str] = []
    direct = cite._TEMPLATES._direct
    monkeypatch.setattr(cite._TEMPLATES, "_direct", lambda data, style, locator: calls.append(style) or direct(data, style, locator))
    d3 = seeds / "d3.txt"
    d3.write_text(d3.read_text(encoding="utf-8").replace("Moscow always likes", "Moscow always prefers", 1),
                  encoding="utf-8")
    _build(seeds, tmp_path / "site")
    # d3 has no date: every style and kind of citation is filled in from a kept template, none made anew
    assert calls == []
    (tmp_path / ".site-cache" / "cite-templates").unlink()
    monkeypatch.setattr(cite._TEMPLATES, "_made", {})
    d3.write_text(d3.read_text(encoding="utf-8").replace("always prefers", "always liked", 1), encoding="utf-8")
    _build(seeds, tmp_path / "site")
    assert len(calls) == 2 * 3 * 3  # without them: two stand-ins, three styles, three kinds of citation
    _assert_as_a_full_build(seeds, tmp_path)


def test_the_workers_that_render_make_no_citation_template_in_a_first_build(tmp_path, monkeypatch):
    # the building process makes them as the seeds are read, once, and the workers forked after have them
    seeds = renumbered_seeds(tmp_path / "seeds", parallel.MIN_JOBS + 4)
    told: list[dict] = []
    take = pipeline._take_document
    monkeypatch.setattr(pipeline, "_take_document", lambda *args: told.append(args[6].templates) or take(*args))
    report = _build(seeds, tmp_path / "site", workers=2, cache=False)
    assert report.documents == len(told) == parallel.MIN_JOBS + 4
    assert all(made == {} for made in told)
    assert (tmp_path / "site" / "frus1981-88v03" / "d3.html").read_text(encoding="utf-8").count('class="reference"') > 9


def test_a_name_named_anew_remakes_its_register_page_as_a_full_build_would(seeds, tmp_path):
    _build(seeds, tmp_path / "site")
    persons = tmp_path / "site" / "frus1981-88v03" / "persons.html"
    before = persons.read_text(encoding="utf-8")
    d3 = seeds / "d3.txt"
    d3.write_text(d3.read_text(encoding="utf-8").replace("Moscow always likes", "Moscow, as Gromyko knows, always likes", 1),
                  encoding="utf-8")
    _build(seeds, tmp_path / "site")
    _assert_as_a_full_build(seeds, tmp_path)
    assert persons.read_text(encoding="utf-8").count("Document 3, ") > before.count("Document 3, ")


def test_a_new_head_redoes_the_neighbours_whose_links_show_it(seeds, tmp_path):
    _build(seeds, tmp_path / "site")
    d3 = seeds / "d3.txt"
    d3.write_text(d3.read_text(encoding="utf-8").replace("to President Reagan", "to the President", 1), encoding="utf-8")
    report = _build(seeds, tmp_path / "site")
    assert (report.reused, report.redone) == (6, 4)  # its seed; d2, d3 and d4
    _assert_as_a_full_build(seeds, tmp_path)
    assert "3. Memorandum From the President’s Assistant for National Security Affairs (Clark) to the President" in \
        (tmp_path / "site" / "frus1981-88v03" / "d2.html").read_text(encoding="utf-8")


def test_the_home_page_is_made_again_only_when_what_it_shows_changed(seeds, tmp_path, monkeypatch):
    from edition import render

    _build(seeds, tmp_path / "site")
    made: list[int] = []
    index = render.Site._index
    monkeypatch.setattr(render.Site, "_index", lambda self, sizes: made.append(1) or index(self, sizes))
    d3 = seeds / "d3.txt"
    d3.write_text(d3.read_text(encoding="utf-8").replace("Moscow always likes", "Moscow always prefers", 1),
                  encoding="utf-8")
    _build(seeds, tmp_path / "site")
    assert made == []  # the same titles and dates, the downloads of the same sizes (in KB)
    d3.write_text(d3.read_text(encoding="utf-8").replace("to President Reagan", "to the President", 1), encoding="utf-8")
    _build(seeds, tmp_path / "site")
    assert made == [1]  # a title it lists
    _assert_as_a_full_build(seeds, tmp_path)


def test_a_changed_register_redoes_every_document(seeds, tmp_path):
    _build(seeds, tmp_path / "site")
    persons = seeds / "registers" / "persons.toml"
    persons.write_text(persons.read_text(encoding="utf-8").replace("Fortieth President", "The fortieth President"),
                       encoding="utf-8")
    report = _build(seeds, tmp_path / "site")
    assert (report.reused, report.redone) == (0, 10)
    _assert_as_a_full_build(seeds, tmp_path)


def _kinds(cache: Path) -> list[str]:
    return sorted(key.partition("-")[0] for key in write.CacheStore(cache).keys())


def test_a_damaged_cache_entry_is_done_again(seeds, tmp_path):
    _build(seeds, tmp_path / "site")
    cache = tmp_path / ".site-cache"
    # and the citation templates, the eight page templates compiled, the index's one part, the three register
    # pages and the home page, the site's record, the zip's voucher
    assert _kinds(cache) == ["cite"] + ["doc"] * 5 + ["jinja"] * 8 + ["page"] * 4 + ["search"] + ["seed"] * 5 + ["site"] + ["zip"]
    for pack in cache.glob("pack-*"):  # the index intact, what it points to not
        pack.write_bytes(b"x" * pack.stat().st_size)
    report = _build(seeds, tmp_path / "site")
    assert (report.reused, report.redone) == (0, 10)
    _assert_as_a_full_build(seeds, tmp_path)
    for entry in cache.iterdir():  # every file: the index, the packs, the entries of their own
        entry.write_bytes(b"not a pickle")
    report = _build(seeds, tmp_path / "site")
    assert (report.reused, report.redone) == (0, 10)
    _assert_as_a_full_build(seeds, tmp_path)
    assert (_build(seeds, tmp_path / "site").reused, _kinds(cache).count("doc")) == (10, 5)


def test_a_build_makes_a_few_cache_files_and_the_cache_does_not_grow(seeds, tmp_path):
    _build(seeds, tmp_path / "site")
    cache = tmp_path / ".site-cache"
    packs = sorted(cache.glob("pack-*"))
    assert len(packs) == 1 and len(list(cache.iterdir())) == 1 + 1 + 8 + 2  # index, pack, templates, record, citations
    size = packs[0].stat().st_size
    for k in range(4):  # each build changes a document: its new entries in a pack of their own, the old ones forgotten
        d3 = seeds / "d3.txt"
        d3.write_text(d3.read_text(encoding="utf-8").replace("Moscow always", "Moscow always, always,", 1), encoding="utf-8")
        assert _build(seeds, tmp_path / "site").redone == 2
    packs = sorted(cache.glob("pack-*"))
    assert len(packs) <= 3 and sum(p.stat().st_size for p in packs) < 2 * size
    _assert_as_a_full_build(seeds, tmp_path)


def test_a_failed_build_keeps_what_it_made_for_the_next(seeds, tmp_path):
    (seeds / "d4.txt").write_text("4. A head\n\n[Page 1] text with [Page x] a bad page break\n", encoding="utf-8")
    with pytest.raises(Exception, match="d4.txt"):
        _build(seeds, tmp_path / "site")
    assert _kinds(tmp_path / ".site-cache").count("seed") == 3  # the seeds read before it (in order)


def test_a_build_that_fails_after_linking_the_kept_files_leaves_the_next_one_incremental(seeds, tmp_path, monkeypatch):
    from edition.errors import EditionError, Location

    site = tmp_path / "site"
    _build(seeds, site)

    def failing(*args, **kwargs):
        raise EditionError(Location(str(seeds / "edition.toml")), "a failure once the documents are staged")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "_write_site_pages", failing)
        with pytest.raises(EditionError, match="once the documents are staged"):
            _build(seeds, site)
    # the failed build's links to the site's files are gone with its staging folder; the files are as they were
    report = _build(seeds, site)
    assert report.redone == 0 and report.reused == 10  # five seeds, five documents: none rendered again
    _assert_as_a_full_build(seeds, tmp_path)


def test_the_cache_keeps_no_document_page_and_a_site_gone_is_made_again(seeds, tmp_path):
    site = tmp_path / "site"
    _build(seeds, site)
    pages = [(site / "frus1981-88v03" / name).read_bytes() for name in ("d2.html", "d2-source.html", "d2.xml")]
    kept = [p.read_bytes() for p in (tmp_path / ".site-cache").iterdir()]
    assert len(kept) > 10 and not [page for page in pages if any(page in entry for entry in kept)]
    shutil.rmtree(site)  # the pages' bytes were there, and only there
    report = _build(seeds, site)
    assert (report.reused, report.redone) == (5, 5)  # the seeds read before; their pages made again
    _assert_as_a_full_build(seeds, tmp_path)


def test_a_document_whose_files_cannot_all_be_linked_is_made_again_whole(seeds, tmp_path, monkeypatch):
    import os

    site = tmp_path / "site"
    _build(seeds, site)
    link = os.link

    def failing(old, new, **options):
        if str(new).endswith("d2.txt"):  # one of its files, after some of the others
            raise OSError("no link")
        return link(old, new, **options)

    monkeypatch.setattr(os, "link", failing)
    report = _build(seeds, site)
    assert (report.reused, report.redone) == (9, 1)
    _assert_as_a_full_build(seeds, tmp_path)


def test_a_kept_document_of_a_part_to_index_again_whose_file_was_changed_by_hand_is_made_again(seeds, tmp_path):
    # d3's part goes to Pagefind before d2's files are linked (d2 is kept); d2's page, changed by hand,
    # cannot be linked, so d2 is made again: its search page is the one the index already has
    site = tmp_path / "site"
    _build(seeds, site)
    page = site / "frus1981-88v03" / "d2.html"
    changed = page.read_bytes().replace(b"Memorandum", b"Memorandun", 1)
    page.unlink()
    page.write_bytes(changed)
    d3 = seeds / "d3.txt"
    d3.write_text(d3.read_text(encoding="utf-8").replace("Moscow always likes", "Moscow always prefers", 1),
                  encoding="utf-8")
    report = _build(seeds, site)
    assert (report.reused, report.redone) == (7, 3)  # d3's seed and pages, d2's pages
    _assert_as_a_full_build(seeds, tmp_path)


def test_templates_compiled_once_are_kept_and_one_changed_is_compiled_again(seeds, tmp_path, monkeypatch):
    import jinja2

    compiled: list[str] = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *a, **k: compiled.append(name) or compile_(self, source, name, *a, **k))
    _build(seeds, tmp_path / "site")
    assert "document.html" in compiled and "base.html" in compiled
    compiled.clear()
    _build(seeds, tmp_path / "site")
    assert compiled == []
    theme = seeds / "theme"
    theme.mkdir()
    (theme / "404.html").write_text('{% extends "base.html" %}{% block main %}<h1>Lost</h1>{% endblock %}', encoding="utf-8")
    cfg = seeds / "edition.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("[edition]\n", '[edition]\ntemplates = "theme"\n', 1), encoding="utf-8")
    _build(seeds, tmp_path / "site")
    assert compiled == ["404.html"]
    assert "<h1>Lost</h1>" in (tmp_path / "site" / "404.html").read_text(encoding="utf-8")
    compiled.clear()
    for entry in (tmp_path / ".site-cache").glob("jinja-*"):
        entry.write_bytes(b"not a template")
    _build(seeds, tmp_path / "site")
    assert sorted(compiled) == sorted(set(compiled)) and "document.html" in compiled  # damaged: compiled again
    _assert_as_a_full_build(seeds, tmp_path)


def test_the_cache_keeps_only_what_the_last_build_used(seeds, tmp_path):
    _build(seeds, tmp_path / "site")
    (seeds / "d5.txt").unlink()
    _build(seeds, tmp_path / "site")
    # "page": the three register pages and the home page
    assert _kinds(tmp_path / ".site-cache") == \
        ["cite"] + ["doc"] * 4 + ["jinja"] * 8 + ["page"] * 4 + ["search"] + ["seed"] * 4 + ["site"] + ["zip"]


def test_a_new_program_reuses_nothing(seeds, tmp_path, monkeypatch):
    _build(seeds, tmp_path / "site")
    monkeypatch.setattr(buildcache, "program_digest", lambda: "another version")
    report = _build(seeds, tmp_path / "site")
    assert report.reused == 0


def test_shared_among_processes_the_site_is_the_same(seeds, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_JOBS", 2)
    _build(seeds, tmp_path / "pool", cache=False, workers=2)
    _build(seeds, tmp_path / "one", cache=False, workers=1)
    assert _whole(tmp_path / "pool") == _whole(tmp_path / "one")


def test_an_error_in_a_worker_reaches_the_user_whole(seeds, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_JOBS", 2)
    (seeds / "d4.txt").write_text("4. A head\n\n[Page 1] text with [Page x] a bad page break\n", encoding="utf-8")
    with pytest.raises(Exception) as caught:
        _build(seeds, tmp_path / "site", cache=False, workers=2)
    assert type(caught.value).__name__ == "EditionError"
    assert str(caught.value).startswith(f"{seeds / 'd4.txt'}:")
    assert not (tmp_path / "site").exists()


def test_the_search_bundle_is_stable_and_its_filters_sorted(site):
    entry = (site / "pagefind" / "pagefind-entry.json").read_bytes()
    files = sorted((site / "pagefind").rglob("*"))
    again = pagefind_stable.stabilise([(p.relative_to(site / "pagefind").as_posix(), p.read_bytes())
                                       for p in files if p.is_file()])
    assert dict(again)["pagefind-entry.json"] == entry  # already in its stable form
    for path in (site / "pagefind" / "filter").iterdir():
        name, values = pagefind_stable._read(path.read_bytes())
        assert [v[0] for v in values] == sorted(v[0] for v in values), name
    assert gzip.decompress((site / "pagefind" / "filter" / next((site / "pagefind" / "filter").iterdir()).name)
                           .read_bytes()).startswith(pagefind_stable.MAGIC)


def test_after_one_document_changed_only_its_part_of_the_search_index_is_indexed_again(tmp_path, monkeypatch):
    from pagefind.service import get_executable

    seeds = renumbered_seeds(tmp_path / "seeds", 3)
    text = (seeds / "d3.txt").read_text(encoding="utf-8")
    (seeds / "d150.txt").write_text(text.replace("3. Memorandum", "150. Memorandum", 1), encoding="utf-8")
    runs = tmp_path / "runs.log"
    wrapper = tmp_path / "pagefind"  # Pagefind itself, noting which part it was run over
    wrapper.write_text(f'#!/bin/sh\necho "$2" >> {runs}\nexec {get_executable()} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    _build(seeds, tmp_path / "site")
    parts = sorted(Path(line).name for line in runs.read_text(encoding="utf-8").split())
    assert parts == ["frus1981-88v03-000", "frus1981-88v03-001"]  # the registers are in the first
    assert (tmp_path / "site" / "pagefind" / "pagefind.js").is_file()  # the first part's, and the others beneath
    merged = sorted(p.name for p in (tmp_path / "site" / "pagefind" / "shards").iterdir())
    assert merged == ["frus1981-88v03-001"]
    assert not (tmp_path / "site" / "pagefind" / "shards" / "frus1981-88v03-001" / "pagefind.js").exists()
    runs.unlink()
    d150 = seeds / "d150.txt"
    d150.write_text(d150.read_text(encoding="utf-8").replace(" the ", " the very ", 1), encoding="utf-8")
    _build(seeds, tmp_path / "site")
    assert [Path(line).name for line in runs.read_text(encoding="utf-8").split()] == ["frus1981-88v03-001"]
    _assert_as_a_full_build(seeds, tmp_path)


def test_the_parts_to_index_again_are_taken_first_and_the_site_is_still_the_full_builds(seeds, tmp_path, monkeypatch):
    from edition import search

    monkeypatch.setattr(search, "SHARD_DOCUMENTS", 2)  # parts of d1, d2–d3, d4–d5
    _build(seeds, tmp_path / "site")
    taken: list[str] = []
    add, complete, link_kept = pagefind_index.Indexing.add, pagefind_index.Indexing.complete, write.SiteWriter.link_kept
    monkeypatch.setattr(pagefind_index.Indexing, "add",
                        lambda self, page, place=(): taken.append(getattr(page, "page", page).path) or add(self, page, place))
    monkeypatch.setattr(pagefind_index.Indexing, "complete",
                        lambda self, shard, known: taken.append(f"part {shard}") or complete(self, shard, known))
    monkeypatch.setattr(write.SiteWriter, "link_kept", lambda self, paths, source, origin:
                        taken.append(f"linked {Path(paths[0]).stem}") or link_kept(self, paths, source, origin))
    d4 = seeds / "d4.txt"
    d4.write_text(d4.read_text(encoding="utf-8").replace("Moscow always likes", "Moscow always prefers", 1),
                  encoding="utf-8")
    report = _build(seeds, tmp_path / "site")
    assert (report.reused, report.redone) == (8, 2)
    documents = [Path(p).name for p in taken if Path(p).name.startswith("d")]
    assert documents == ["d4.html", "d5.html", "d1.html", "d2.html", "d3.html"]
    # the part of d4-d5 goes to Pagefind before d5's files (kept from the last build) are linked
    shown = [t if t.startswith(("part", "linked")) else Path(t).stem for t in taken if "/d" in t or t[:4] in ("part", "link")]
    assert shown[:4] == ["d4", "d5", "part frus1981-88v03-002", "linked d5"], shown
    _assert_as_a_full_build(seeds, tmp_path)
