"""The site in a real browser: Debian's Chromium driven by Playwright; axe-core; Lighthouse."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .sitecheck import AXE, CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, Server

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe(page) -> list[str]:
    # The pages forbid inline scripts; the page for axe is opened with bypass_csp so
    # that the checker can be injected (the site's own scripts are unaffected).
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: %s}})" % json.dumps(WCAG))
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})" for v in result["violations"]]


@pytest.mark.parametrize("path", ["index.html", "frus1981-88v03/d156.html", "frus1981-88v03/d156-source.html", "about.html",
                                  "frus1981-88v03/persons.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_violations(browser, server, path, scheme):
    page = browser.new_page(color_scheme=scheme, bypass_csp=True)
    page.goto(server.url + path)
    assert _axe(page) == []
    page.close()


def test_axe_is_real_it_finds_a_violation(browser, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><title>x</title><img src="a.png"></html>', encoding="utf-8")
    page = browser.new_page(bypass_csp=True)
    page.goto(bad.as_uri())
    assert _axe(page)
    page.close()


def test_official_frus_page_is_axe_clean(browser, golden_site):
    with Server(golden_site) as s:
        page = browser.new_page(bypass_csp=True)
        page.goto(s.url + "frus1981-88v05/d161.html")
        assert _axe(page) == []
        page.close()


def test_callout_reaches_the_note_and_the_back_link_returns(browser, golden_site):
    page = browser.new_page()
    page.goto((golden_site / "frus1981-88v05" / "d161.html").as_uri())
    page.click("a#d161fn3-ref")
    assert page.url.endswith("#d161fn3")
    assert page.evaluate("document.querySelector(':target').id") == "d161fn3"
    assert page.is_visible("#d161fn3")
    page.click("#d161fn3 a[role='doc-backlink']")
    assert page.url.endswith("#d161fn3-ref")
    page.close()


def test_the_popover_shows_the_note_in_place_on_focus(browser, golden_site):
    page = browser.new_page()
    page.goto((golden_site / "frus1981-88v05" / "d161.html").as_uri())
    page.focus("a#d161fn2-ref")
    assert page.is_visible("#note-popover")
    assert "Checklist" in page.inner_text("#note-popover")
    page.keyboard.press("Escape")
    assert page.is_hidden("#note-popover")
    page.close()


def test_a_name_shows_its_description_on_focus_and_links_to_the_register(browser, site):
    page = browser.new_page()
    page.goto((site / "frus1981-88v03" / "d156.html").as_uri())
    page.focus("#d156p2 a.person")
    assert page.is_visible("#note-popover")
    assert page.inner_text("#note-popover").startswith("Andrei A. Gromyko: Soviet diplomat")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.click("#d156p2 a.person")
    page.wait_for_load_state()
    assert page.url.endswith("persons.html#p_GA_1")
    assert page.evaluate("document.querySelector(':target').id") == "p_GA_1"
    page.close()


def test_an_annotation_marker_shows_the_editors_note_in_place(browser, site):
    page = browser.new_page()
    page.goto((site / "frus1981-88v03" / "d156.html").as_uri())
    page.hover("#d156ann3-ref")
    assert "November 10, 1982" in page.inner_text("#note-popover")
    page.click("#d156ann3-ref")
    assert page.url.endswith("#d156ann3")
    page.close()


def test_paragraph_link_of_paragraph_3(browser, site):
    page = browser.new_page()
    page.goto((site / "frus1981-88v03" / "d156.html").as_uri())
    page.click("#d156p3 .pnum a >> text=¶3")
    assert page.url.endswith("#d156p3")
    assert page.evaluate("document.querySelector(':target').id") == "d156p3"
    page.close()


def test_the_page_renders_from_file_url_with_its_styles(browser, site):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    page.goto((site / "frus1981-88v03" / "d156.html").as_uri())
    assert page.url.startswith("file://")
    assert page.evaluate("getComputedStyle(document.querySelector('.banner')).textTransform") == "uppercase"
    assert page.locator(".pnum button.copy").count() == 6  # the script ran
    assert page.locator(".cite .reference button.copy").count() >= 3
    assert errors == []
    page.close()


def test_lighthouse_scores(server):
    """Lighthouse on the d156 page: each category must score at least 0.95 (the aim is 1.00)."""
    cli = NODE_MODULES / "lighthouse" / "cli" / "index.js"
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    result = subprocess.run(
        ["node", str(cli), server.url + "frus1981-88v03/d156.html", "--output=json", "--output-path=stdout",
         "--quiet", f"--chrome-flags={flags}", "--only-categories=performance,accessibility,best-practices,seo"],
        capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    scores = {k: v["score"] for k, v in report["categories"].items()}
    Path(os.environ.get("LIGHTHOUSE_SCORES", "/dev/null")).write_text(json.dumps(scores))
    print("lighthouse", scores)
    assert all(score >= 0.95 for score in scores.values()), scores
