"""The search in Chromium, with the pages' Content-Security-Policy in force: over
http (Pagefind), from file:// (the fallback index) and with the bundle missing."""

from __future__ import annotations

import json
import shutil

import pytest

from edition import cli

from .conftest import copy_seeds
from .sitecheck import AXE, Server
from .test_browser import WCAG


def _open(browser, url: str, **options):
    page = browser.new_page(**options)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(url)
    return page, errors


def _results(page, wanted: str = "result") -> str:
    page.locator("#search-status", has_text=wanted).wait_for(timeout=15000)
    return page.inner_text("#search-status")


def test_gromyko_over_http_finds_the_paragraph_and_opens_it(browser, server):
    page, errors = _open(browser, server.url + "search.html?q=Gromyko")
    _results(page)
    assert page.get_attribute("#search-form", "data-engine") == "pagefind"
    assert page.is_hidden("#search-notice")
    link = page.locator("#search-results a[href='frus1981-88v03/d156.html#d156p2']")
    assert link.inner_text() == "¶2"
    hit = page.locator("#search-results li:has(a[href='frus1981-88v03/d156.html#d156p2']) mark").first
    assert hit.inner_text().startswith("Gromyko")
    excerpt = page.locator("#search-results li:has(> a[href='frus1981-88v03/d156.html#d156p2']) p").inner_text()
    assert excerpt.startswith("1. The Soviet Government") and excerpt.endswith("Gromyko has been")  # the label shown once
    # the register entry is found too, at its own anchor
    assert page.locator("#search-results a[href='frus1981-88v03/persons.html#p_GA_1']").count() == 1
    link.click()
    page.wait_for_url("**/frus1981-88v03/d156.html#d156p2")
    assert page.evaluate("document.querySelector(':target').id") == "d156p2"
    assert "Gromyko" in page.inner_text("#d156p2")
    assert errors == []
    page.close()


def test_a_filter_narrows_the_results_and_stays_in_the_address(browser, golden_site):
    with Server(golden_site) as s:
        page, errors = _open(browser, s.url + "search.html?q=Soviet")
        before = _results(page)
        titles = page.locator("#search-results .search-result-title").all_inner_texts()
        assert len(titles) >= 3 and any(t.startswith("Document 160: Report") for t in titles)
        page.locator("summary", has_text="Document type").click()
        page.get_by_label("Memorandum (").check()
        page.locator("#search-status", has_text="with the chosen filters").wait_for(timeout=15000)
        after = page.locator("#search-results .search-result-title").all_inner_texts()
        assert 0 < len(after) < len(titles), (before, after)
        assert all(": Memorandum" in t for t in after)
        assert "type=Memorandum" in page.url
        # the address with its filter gives the same results again
        again, _ = _open(browser, page.url)
        _results(again, "with the chosen filters")
        assert again.locator("#search-results .search-result-title").all_inner_texts() == after
        assert errors == []
        page.close()
        again.close()


def test_the_search_box_works_from_the_keyboard(browser, server):
    page, errors = _open(browser, server.url + "frus1981-88v03/d156.html")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search-q":
            break
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("Gromyko")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=Gromyko")
    _results(page)
    assert page.input_value("#search-q") == "Gromyko"
    page.focus("#search-q")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "frus1981-88v03/d156.html#d156p2":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/d156.html#d156p2")
    assert errors == []
    page.close()


def test_from_file_url_the_fallback_says_so_and_finds_the_paragraph(browser, site):
    page, errors = _open(browser, (site / "frus1981-88v03" / "d156.html").as_uri())
    page.fill("#site-search-q", "gromyko")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search.html?q=gromyko")
    _results(page)
    assert page.get_attribute("#search-form", "data-engine") == "fallback"
    notice = page.inner_text("#search-notice")
    assert "opened from a file (file://)" in notice and "simpler search" in notice
    link = page.locator("#search-results a[href='frus1981-88v03/d156.html#d156p2']")
    assert link.count() == 1 and page.locator("#search-results mark", has_text="Gromyko").count() >= 1
    link.click()
    page.wait_for_url("**/d156.html#d156p2")
    assert errors == []
    page.close()


def test_the_fallback_filters_too(browser, golden_site):
    page, _ = _open(browser, (golden_site / "search.html").as_uri() + "?q=soviet&type=Report")
    _results(page, "with the chosen filters")
    titles = page.locator("#search-results .search-result-title").all_inner_texts()
    assert titles and all(t.startswith("Document 160: Report") for t in titles)
    page.close()


def test_without_its_bundle_the_search_says_so_and_falls_back(browser, site, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site, broken, ignore=shutil.ignore_patterns("pagefind"))
    with Server(broken) as s:
        page, _ = _open(browser, s.url + "search.html?q=Gromyko")
        _results(page)
        assert "could not be loaded" in page.inner_text("#search-notice")
        assert page.locator("#search-results a[href='frus1981-88v03/d156.html#d156p2']").count() == 1
        page.close()


def test_text_that_looks_like_markup_stays_text_in_results(browser, tmp_path):
    seeds = copy_seeds(tmp_path, {"frus1981-88v03-d156.txt": (
        "in two respects:", 'in two respects: <img src=x onerror="alert(2)"> quokka')})
    out = tmp_path / "out"
    assert cli.main(["build", "--seeds", str(seeds), "--out", str(out)]) == 0
    dialogs: list[str] = []
    with Server(out) as s:
        for url in (s.url + "search.html?q=quokka", (out / "search.html").as_uri() + "?q=quokka"):
            page, _ = _open(browser, url)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            _results(page)
            assert page.locator("#search-results img").count() == 0
            assert "<img src=x" in page.inner_text("#search-results"), url
            page.close()
    assert dialogs == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_with_results_is_axe_clean(browser, server, scheme):
    page, _ = _open(browser, server.url + "search.html?q=Soviet", color_scheme=scheme, bypass_csp=True)
    _results(page)
    page.locator("summary", has_text="Person").click()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: %s}})" % json.dumps(WCAG))
    assert [f"{v['id']}: {v['help']} {v['nodes'][0]['target']}" for v in result["violations"]] == []
    page.close()
