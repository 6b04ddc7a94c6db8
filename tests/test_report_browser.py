"""report.html in a real browser: headless Chromium (Debian package `chromium`) opens it offline, at the
size of the samples and of a synthetic 43-force, 10-year archive: no console errors, no requests, nothing
wider than the window, every filter narrows what is shown.

Skips where Chromium or Playwright is missing (a developer machine); .ci/run installs both.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from peel_findings.batch import analyse
from peel_findings.outputs import write_results

from conftest import SAMPLES
from synthetic import synthetic_results

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = os.environ.get("PEEL_SCREENSHOTS")  # a folder to keep the screenshots in, to look at them


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _open(browser, report: Path, problems: list[str], requests: list[str]):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return page


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _shown(page, selector: str) -> int:
    return page.evaluate(f"Array.from(document.querySelectorAll({selector!r})).filter(e => e.offsetParent !== null).length")


@pytest.fixture(scope="module")
def archive_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("archive")
    write_results(synthetic_results(), out)
    return out / "report.html"


def test_report_browser_archive_scale_fits_the_window_and_filters_work(browser, archive_report):
    problems, requests = [], []
    page = _open(browser, archive_report, problems, requests)
    assert page.locator(".card").first.is_visible() and _fits(page)
    page.goto(archive_report.as_uri() + "#heatmap")
    assert page.locator("#heatmap-table tbody tr").count() == 43 and _fits(page)
    assert _shown(page, "#heatmap-table thead th.col") == 21
    cells = page.locator("#heatmap-table td.cell a")
    assert cells.count() > 800 and "/" in cells.first.inner_text()  # counts in the cells
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "heatmap.png"), full_page=False)
    page.select_option("#filter-theme", "allocation")
    assert _shown(page, "#heatmap-table thead th.col") == 1
    page.select_option("#filter-force", "Kent Police")
    assert _shown(page, "#heatmap-table tbody tr") == 1
    page.goto(archive_report.as_uri() + "#theme-allocation")
    assert _fits(page) and page.locator("#page-theme-allocation svg.trend rect").count() == 40  # 10 years x 4
    assert _shown(page, "#page-theme-allocation blockquote") > 0
    assert set(page.eval_on_selector_all("#page-theme-allocation blockquote", "els => els.filter(e => "
                                         "e.offsetParent !== null).map(e => e.dataset.force)")) == {"Kent Police"}
    page.select_option("#filter-force", "")
    forces = page.eval_on_selector_all("#page-theme-allocation blockquote", "els => els.map(e => e.dataset.force)")
    assert len(set(forces[:20])) == 20  # quotes spread across forces
    page.select_option("#filter-year", "2019")
    page.select_option("#filter-polarity", "negative")
    shown = page.eval_on_selector_all("#page-theme-allocation blockquote", "els => els.filter(e => e.offsetParent "
                                      "!== null).map(e => [e.dataset.year, e.dataset.polarity])")
    assert shown and all(s == ["2019", "negative"] for s in shown)
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "theme.png"), full_page=False)
    page.goto(archive_report.as_uri() + "#force-kent-police")
    assert page.locator("#page-force-kent-police table.grades tbody tr").count() == 10 and _fits(page)
    assert problems == [] and all(url.startswith("file://") for url in requests)


def test_report_browser_samples_render_offline_without_errors(browser, tmp_path):
    write_results(analyse([SAMPLES]), tmp_path)
    problems, requests = [], []
    page = _open(browser, tmp_path / "report.html", problems, requests)
    assert page.locator("#recurring-chart rect").count() >= 5
    page.goto((tmp_path / "report.html").as_uri() + "#force-gloucestershire-constabulary")
    assert "requires improvement" in page.locator("#page-force-gloucestershire-constabulary table.grades").inner_text()
    page.goto((tmp_path / "report.html").as_uri() + "#theme-allocation")
    quotes = page.locator("#page-theme-allocation blockquote")
    assert quotes.count() >= 3 and quotes.first.is_visible()
    assert {"Avon and Somerset Constabulary", "Gloucestershire Constabulary"} <= set(
        page.eval_on_selector_all("#page-theme-allocation blockquote", "els => els.map(e => e.dataset.force)"))
    assert (tmp_path / "evidence" / "allocation.csv").exists()
    assert problems == [] and all(url.startswith("file://") for url in requests)
