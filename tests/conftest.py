"""Shared fixtures: the bundled sample reports, and the shared folder when it is present."""

from __future__ import annotations

from pathlib import Path

import pytest

from peel_findings import read_report
from peel_findings.types import Report

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
OFSTED = SHARED / "pdfs" / "ofsted-send"
SEEDS = ("peel-effectiveness-2015-avon-and-somerset", "peel-effectiveness-2015-gloucestershire")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--pdf-engine",
        choices=("pdfium", "pdfplumber"),
        default=None,
        help="read PDFs with this engine where a test does not name one (default: the library's default)",
    )


def pytest_configure(config: pytest.Config) -> None:
    engine = config.getoption("--pdf-engine")
    if engine:
        _default_pdf_engine(engine)


def _default_pdf_engine(engine: str) -> None:
    """Make ``engine`` the default of `read_report` and `read_document` in this test process, so that
    the quality tests can be run on either engine without naming it in every call."""
    from peel_findings import pipeline, read

    for function in (pipeline.read_report, read.read_document):
        code = function.__code__
        names = code.co_varnames[: code.co_argcount]
        defaults = list(function.__defaults__ or ())
        defaults[names.index("engine") - (len(names) - len(defaults))] = engine
        function.__defaults__ = tuple(defaults)


@pytest.fixture(scope="session")
def seed_text_reports() -> dict[str, Report]:
    return {seed: read_report(SAMPLES / f"{seed}.txt") for seed in SEEDS}


@pytest.fixture(scope="session")
def seed_pdf_reports() -> dict[str, Report]:
    missing = [s for s in SEEDS if not (SAMPLES / f"{s}.pdf").exists()]
    if missing:
        pytest.skip(f"fixture PDFs not generated: run python tests/fixtures/make_pdfs.py ({missing})")
    return {seed: read_report(SAMPLES / f"{seed}.pdf") for seed in SEEDS}


@pytest.fixture(scope="session")
def ofsted_pdfs() -> list[Path]:
    if not OFSTED.is_dir():
        pytest.skip("../shared/pdfs/ofsted-send is not here (it is not part of the project)")
    return sorted(OFSTED.glob("*.pdf"))
