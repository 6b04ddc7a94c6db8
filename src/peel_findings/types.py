"""Plain frozen dataclasses passed between the stages, and the fixed label sets.

Nothing here imports a third-party library: readers turn pdfplumber objects into
these types, the segmenter turns spaCy docs into these types, and everything
downstream sees only these (and, after classification, pandas tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BlockKind = Literal["heading", "paragraph", "bullet", "caption", "table", "contents"]
SectionKind = Literal[
    "summary", "area_for_improvement", "cause_of_concern", "recommendation", "body", "other"
]
UnitKind = Literal["heading", "sentence", "bullet", "caption"]

SECTION_KINDS: tuple[str, ...] = (
    "summary",
    "area_for_improvement",
    "cause_of_concern",
    "recommendation",
    "body",
    "other",
)
POLARITIES: tuple[str, ...] = ("positive", "negative", "mixed", "neutral")


@dataclass(frozen=True)
class Block:
    """One layout unit of a report: a heading, paragraph, list item, caption or table.

    `text` is already clean: no running headers, page numbers or footnote markers,
    line-end hyphens resolved, lines of one paragraph joined with single spaces.
    """

    text: str
    kind: BlockKind
    page: int | None = None  # 1-based page number (PDF); None for plain text
    font_size: float | None = None  # dominant font size in points (PDF)
    bold: bool = False
    heading_level: int | None = None  # set by the reader when layout gives it (1 = largest)
    opens_region: bool = False  # the first block of a column or full-width run on a PDF page


@dataclass(frozen=True)
class Footnote:
    """A footnote body, kept apart from the prose it annotates."""

    number: str
    text: str
    page: int | None = None


@dataclass(frozen=True)
class Table:
    """A table as rows of cell texts (kept apart from the prose)."""

    rows: tuple[tuple[str, ...], ...]
    page: int | None = None


@dataclass(frozen=True)
class Document:
    """What a format reader returns: the report's content in reading order."""

    path: str
    format: Literal["pdf", "text", "html"]
    pages: int
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...] = ()
    tables: tuple[Table, ...] = ()
    title: str | None = None  # from document metadata (a PDF's Title, a web page's <title>), when present
    dates: tuple[tuple[str, str], ...] = ()  # ("published" | "updated", date as written), from a web page's markup
    grades: tuple[tuple[str, str], ...] = ()  # (label, grade) from a web page's grade widgets
    warnings: tuple[str, ...] = ()  # what was read with a loss (bad bytes replaced), for the errors table


@dataclass(frozen=True)
class Section:
    """A heading and what it governs."""

    heading: str
    path: tuple[str, ...]  # heading texts from the top level down to this one
    level: int
    kind: SectionKind
    page: int | None = None
    grade: str | None = None  # a grade stated under this heading, lower case


@dataclass(frozen=True)
class Sentence:
    """One sentence (or heading, list item, caption) with where it came from.

    `start`/`end` are character offsets into `Report.text`, so
    ``report.text[s.start:s.end] == s.text`` always holds.
    """

    sentence_id: str
    report_id: str
    index: int
    text: str
    start: int
    end: int
    page: int | None
    section_path: tuple[str, ...]  # heading texts from the top level down to the sentence's section
    section_kind: SectionKind
    unit: UnitKind

    @property
    def section(self) -> str:
        """The heading path joined by " > " (the findings table's ``section`` column)."""
        return " > ".join(self.section_path)

    @property
    def question(self) -> str:
        """The top-level heading the sentence sits under (a PEEL question), or ""."""
        return self.section_path[0] if self.section_path else ""


@dataclass(frozen=True)
class Report:
    """A report read, structured and segmented."""

    report_id: str
    path: str
    sha256: str
    format: Literal["pdf", "text", "html"]
    force: str | None  # an official force name, "national", or None
    programme: str | None  # PEEL 2014 ... PEEL 2023-25, crime data integrity, child protection, custody, ...
    year: int | None  # the start year: the PEEL cycle, else the inspection, else publication
    published: str | None  # publication month and year, e.g. "February 2016"
    pages: int
    text: str  # the cleaned text the sentence offsets point into
    overall_grade: str | None
    grades: dict[str, str] = field(default_factory=dict)  # question heading -> grade
    sections: tuple[Section, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    tables: tuple[Table, ...] = ()
    period: str | None = None  # the year or years as the report states them: "2015", "2018/19", "2023-25"
    pillar: str | None = None  # effectiveness, efficiency, legitimacy or leadership (PEEL to 2018/19)
    force_source: str | None = None  # how the force was found: title, text, guessed, sidecar
    warnings: tuple[str, ...] = ()  # what was read with a loss (bad bytes replaced)


@dataclass(frozen=True)
class ReportRows:
    """One report's rows on their way to the outputs: an Arrow table (pyarrow.Table) and, per row, a
    64-bit hash of its normalised text (numpy uint64), which stands in for the text where only
    sameness matters."""

    table: object
    keys: object


# Error rows that say what was lost while a file was still read (its report counts): not failures.
WARNING_KINDS = frozenset({"decoding"})


def count_failed(errors: pd.DataFrame) -> int:
    """How many files could not be read: distinct paths with an error row that is not a warning."""
    if not len(errors):
        return 0
    return int(errors.loc[~errors["kind"].isin(WARNING_KINDS), "path"].nunique())


@dataclass
class Results:
    """The tables of a batch run (see DESIGN.md): findings, reports, errors, themes.

    ``dispersion`` is the model's ``estimate_dispersion`` (how much wider than their Poisson-binomial
    interval count estimates spread on forces it has not seen); the aggregates widen intervals by it.
    """

    findings: pd.DataFrame
    reports: pd.DataFrame
    errors: pd.DataFrame
    themes: pd.DataFrame
    dispersion: float = 1.0

    @property
    def failed(self) -> int:
        """How many files could not be read."""
        return count_failed(self.errors)


@dataclass
class RunTables:
    """What a run's outputs are written from once its findings have been streamed to disk: the findings
    that count as evidence (no score dictionaries) and the small tables, not every sentence."""

    evidence: pd.DataFrame  # finding rows, without theme_scores and polarity_scores
    reports: pd.DataFrame
    errors: pd.DataFrame
    themes: pd.DataFrame
    matrix: pd.DataFrame  # force x theme (`aggregate.force_theme_matrix`)
    n_sentences: int = 0
    n_findings: int = 0
    n_template: int = 0  # template sentences left out of the counts
    n_shared: int = 0  # sentences copied into three or more forces' reports
    discarded: tuple[str, ...] = ()  # damaged cache shards removed (their files read again)

    @property
    def failed(self) -> int:
        """How many files could not be read."""
        return count_failed(self.errors)
