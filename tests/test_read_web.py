"""Web pages and documents made by other tools: saved pages (.html), pages printed by a browser, word-processor
PDFs. Scored against the ground truth their generator wrote (tests/fixtures/families/), and rule by rule."""

from __future__ import annotations

import pytest

from peel_findings import read_report
from peel_findings.read.chrome import strip
from peel_findings.read.html import parse_html
from peel_findings.types import Block

from family_scoring import FAMILIES, score, truths


@pytest.mark.parametrize("family", ["libreoffice", "browser_pdf", "html"])
def test_read_web_every_family_is_read_nearly_verbatim_without_furniture(family):
    scores = [score(t) for t in truths(family)]
    assert len(scores) >= 4
    recovered = sum(s.recovered for s in scores) / sum(s.sentences for s in scores)
    assert recovered >= 0.98, [(s.file, s.missing) for s in scores if s.missing]
    assert all(s.furniture_in_sentences == 0 for s in scores), [(s.file, s.furniture_hits) for s in scores]
    assert all(s.headings_glued == 0 and s.items_glued == 0 for s in scores)
    assert sum(s.footnotes_found for s in scores) == sum(s.footnotes for s in scores)


def test_read_web_pages_give_their_force_year_and_grade_widgets():
    for truth in truths("html"):
        report = read_report(FAMILIES / truth["file"])
        assert (report.force, report.year) == (truth["force"], truth["year"]), truth["file"]
        assert report.grades  # every variant has grade widgets
        assert report.force_source == "title"


def _blocks(*items: tuple[str, str]) -> list[Block]:
    return [Block(text, kind) for kind, text in items]


def test_read_web_chrome_is_dropped_and_what_it_says_is_kept():
    blocks = _blocks(
        ("paragraph", "Skip to main content"),
        ("heading", "Cookies on HMICFRS"),
        ("paragraph", "We use some essential cookies to make this website work."),
        ("paragraph", "Accept analytics cookies Reject analytics cookies View cookies"),
        ("paragraph", "Home Our work Publications News About us Contact us"),
        ("paragraph", "Home › Publications › PEEL assessments"),
        ("heading", "PEEL 2017 – Kent Police"),
        ("paragraph", "Published: 8 February 2019 | Last updated: 21 March 2020"),
        ("paragraph", "Effectiveness"), ("heading", "Good"),
        ("heading", "On this page"), ("bullet", "Summary"), ("bullet", "How we inspected"),
        ("heading", "Summary"),
        ("paragraph", "Kent Police is good at keeping people safe."),
        ("paragraph", "Read the full judgment"),
        ("heading", "Footnotes"), ("bullet", "1. Source: Home Office data, 2018. ↩"),
        ("paragraph", "Share this page Share on Twitter Share on LinkedIn Print this page"),
        ("paragraph", "Back to top"),
        ("paragraph", "© Crown copyright – All content is available under the Open Government Licence v3.0, "
                      "except where otherwise stated"),
    )
    kept, found = strip(blocks)
    assert [b.text for b in kept] == ["PEEL 2017 – Kent Police", "Summary", "Kent Police is good at keeping people safe."]
    assert found.dates == [("published", "8 February 2019"), ("updated", "21 March 2020")]
    assert found.grades == [("Effectiveness", "good")]
    assert [(f.number, f.text) for f in found.footnotes] == [("1", "Source: Home Office data, 2018.")]


PAGE = """<!DOCTYPE html><html lang="en"><head><title>Surrey PEEL 2016 – Effectiveness - HMICFRS</title>
<script>var tracking = "Surrey Police is inadequate";</script><style>p {color: red}</style></head><body>
<a class="skip-link" href="#main">Skip to main content</a>
<div class="cookie-banner"><p>We use cookies to make this website work.</p><button>Accept</button></div>
<header class="site-header"><p>HMICFRS</p><nav><ul><li><a href="/">Home</a></li><li>Publications</li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/peel">PEEL</a></div>
<main id="main"><article>
<h1>Surrey PEEL 2016 – Effectiveness</h1>
<p class="meta">Published: <time datetime="2017-03-02">2 March 2017</time></p>
<div class="grade"><span>Effectiveness</span><strong>Good</strong></div>
<h2>Summary</h2>
<p>Surrey Police is good at keeping people safe.<sup><a href="#fn1" id="r1">1</a></sup> It works well with partners.</p>
<ul><li>It has improved its <b>investigations</b>.</li><li>Victims are kept informed.</li></ul>
<details><summary>Show more about this area</summary><p>The force reviews missing children cases daily.</p></details>
<h3>Crime data</h3><table><tr><th>Year</th><th>Crimes</th></tr><tr><td>2016</td><td>71,000</td></tr></table>
<span aria-hidden="true">★</span>
<div class="share-links"><a href="#">Share on Twitter</a></div>
</article>
<aside class="related"><h2>Related content</h2><p>Surrey PEEL 2015</p></aside>
<section class="footnotes"><h2>Footnotes</h2><ol><li id="fn1">Source: force data, 2016. <a href="#r1">↩︎</a></li></ol></section>
</main>
<footer><p>© Crown copyright</p><p>Globe House, 89 Eccleston Square</p></footer>
<noscript>Your browser has JavaScript turned off.</noscript></body></html>"""


def test_read_web_an_html_page_keeps_only_the_report():
    from peel_findings.pipeline import build_report

    doc = parse_html(PAGE.encode())
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds == [
        ("heading", "Surrey PEEL 2016 – Effectiveness"),
        ("heading", "Summary"),
        ("paragraph", "Surrey Police is good at keeping people safe. It works well with partners."),
        ("bullet", "It has improved its investigations."),
        ("bullet", "Victims are kept informed."),
        ("paragraph", "The force reviews missing children cases daily."),
        ("heading", "Crime data"),
    ]
    assert [b.heading_level for b in doc.blocks if b.kind == "heading"] == [1, 2, 3]
    assert [(f.number, f.text) for f in doc.footnotes] == [("1", "Source: force data, 2016.")]
    assert doc.tables[0].rows == (("Year", "Crimes"), ("2016", "71,000"))
    assert doc.title == "Surrey PEEL 2016 – Effectiveness - HMICFRS" and ("published", "2017-03-02") in doc.dates
    assert doc.grades == (("Effectiveness", "good"),)
    report = build_report(doc, report_id="surrey")
    assert (report.force, report.programme, report.pillar, report.year) == ("Surrey Police", "PEEL 2016",
                                                                           "effectiveness", 2016)
    assert report.grades == {"Effectiveness": "good"}


@pytest.mark.slow
def test_read_web_word_processor_pdfs_made_afresh_by_libreoffice_read_as_well(tmp_path):
    """The committed LibreOffice PDFs are not special: converting their sources again here (another
    LibreOffice build, new time stamps) gives PDFs that read just as well."""
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer")
    chosen = truths("libreoffice")[:3]
    for truth in chosen:
        source = FAMILIES / truth["file"].replace(".pdf", ".fodt")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                       check=True, capture_output=True, timeout=300)
        fresh = score(truth, read_report(tmp_path / truth["file"]))
        assert fresh.recovered >= 0.98 * fresh.sentences, fresh.missing
        assert fresh.furniture_in_sentences == 0 and fresh.headings_glued == 0 and fresh.items_glued == 0
