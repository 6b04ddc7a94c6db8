"""report.html in a real browser: headless Chromium (Debian package `chromium`) opens it offline,
it renders without console errors or failed requests, and the DOM holds the expected sections.

Skips where Chromium or Playwright is missing (a developer machine); .ci/run installs both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from peel_findings.batch import analyse
from peel_findings.outputs import write_results

from conftest import SAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    results = analyse([SAMPLES])
    write_results(results, out)
    return out / "report.html"


def test_report_browser_renders_offline_without_errors(report_html):
    problems: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        page = browser.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report_html.as_uri())
        page.wait_for_load_state("load")
        for section in ("summary", "grades", "heatmap", "recurring", "quotes"):
            assert page.locator(f"section#{section}").count() == 1, section
        assert page.locator("#grades-table tbody tr").count() == 2
        assert "requires improvement" in page.locator("#grades-table").inner_text()
        assert page.locator("#heatmap-table td.cell").count() >= 20
        assert page.locator("#recurring-chart rect").count() >= 5
        assert page.locator("details#theme-allocation blockquote").count() >= 3
        page.locator("details#theme-allocation summary").click()
        assert page.locator("details#theme-allocation blockquote").first.is_visible()
        assert page.locator("details#theme-allocation").inner_text().count("Constabulary") >= 3
        browser.close()
    assert problems == []
    assert all(url.startswith("file://") for url in requests)  # nothing fetched from a network
