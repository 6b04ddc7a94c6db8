"""The resume cache cannot poison a run: damaged or edited shards are redone; limits are never cached."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import generators
from peel_findings.batch import RunConfig, analyse
from peel_findings.batch import shards
from peel_findings.batch.isolate import read_isolated
from peel_findings.cli import app
from peel_findings.errors import CorruptPdfError
from peel_findings.pipeline import read_report


def _run(inputs: Path, out: Path) -> CliRunner:
    result = CliRunner().invoke(app, ["run", str(inputs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for force in ("Kent Police", "Essex Police"):
        (folder / f"{force.split()[0].lower()}.txt").write_text(generators.short_report(force), encoding="utf-8")
    return folder


def _damage(kind: str, shard: Path) -> None:
    data = shard.read_bytes()
    if kind == "truncated":
        shard.write_bytes(data[: len(data) // 2])
    elif kind == "garbage":
        shard.write_bytes(b"\x13\x37" * 500)
    elif kind == "empty":
        shard.write_bytes(b"")
    elif kind == "json":
        shard.write_bytes(b"{}")
    elif kind == "edited":  # still valid JSON, another force name in the stored report row
        assert data.count(b'Police"') >= 1
        shard.write_bytes(data.replace(b'Police"', b'Polize"'))
    elif kind == "flipped":  # one byte of the rows changed
        middle = len(data) // 3
        shard.write_bytes(data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1:])


@pytest.mark.parametrize("kind", ["truncated", "garbage", "empty", "json", "edited", "flipped"])
def test_a_damaged_or_edited_shard_is_discarded_and_its_file_redone(tmp_path, kind):
    corpus, out = _corpus(tmp_path / "in"), tmp_path / "out"
    _run(corpus, out)
    clean = {name: (out / name).read_bytes() for name in ("findings.csv", "reports.csv", "themes.csv")}
    victim = sorted((out / shards.SHARD_DIR).glob("*.shard"))[0]
    _damage(kind, victim)
    result = _run(corpus, out)
    assert "damaged cache shard" in result.output
    for name, data in clean.items():
        assert (out / name).read_bytes() == data, name
    assert "Polize" not in (out / "reports.csv").read_text()
    shards.load(victim)  # written again, and good


def test_a_shard_keeps_its_text_hashes_and_refuses_a_wrong_count(tmp_path):
    import numpy as np
    import pyarrow as pa

    from peel_findings.aggregate import text_keys

    texts = ["Crime is allocated well.", "Supervision is   weak.", "Crime is allocated  well."]
    table = pa.table({"text": texts})
    keys = text_keys(texts)
    stored = shards.loads(shards.dumps(table, {"report_id": "r"}, [], "print", keys))
    assert np.frombuffer(stored.keys, dtype="<u8").tolist() == np.asarray(keys, dtype=np.uint64).tolist()
    with pytest.raises(shards.ShardError, match="2 text hashes for 3 rows"):
        shards.loads(shards.dumps(table, {"report_id": "r"}, [], "print", keys[:2]))


def test_a_resumed_run_finds_the_same_copies_across_forces(tmp_path):
    # text hashes now come from the shards, not from the text: shared_text must not change
    corpus = tmp_path / "in"
    corpus.mkdir()
    copied = "The force has not yet addressed the backlog of digital devices awaiting examination."
    for force in ("Kent Police", "Essex Police", "Surrey Police"):
        text = generators.short_report(force) + "\n\n" + copied + "\n"
        (corpus / f"{force.split()[0].lower()}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    _run(corpus, out)
    first = pd.read_parquet(out / "findings.parquet")
    _run(corpus, out)
    second = pd.read_parquet(out / "findings.parquet")
    assert first[first["text"] == copied]["shared_text"].tolist() == [True] * 3
    pd.testing.assert_frame_equal(first, second)


def test_limit_failures_are_never_cached_and_a_higher_limit_retries(tmp_path):
    corpus = _corpus(tmp_path / "in")
    first = analyse([corpus], config=RunConfig(timeout=None, max_file_mb=0.0001), cache_dir=tmp_path / "out")
    assert set(first.errors["kind"]) == {"too_large"}
    assert not list((tmp_path / "out" / shards.SHARD_DIR).glob("*.shard"))
    second = analyse([corpus], config=RunConfig(timeout=None), cache_dir=tmp_path / "out")
    assert second.errors.empty and (second.reports["status"] == "ok").all()


def _bomb(path: Path):
    """A reader that fails the way pdfminer does on a decompression bomb: its error wraps a MemoryError."""
    if path.name.startswith("bomb"):
        try:
            raise MemoryError
        except MemoryError as exc:
            raise CorruptPdfError(f"{path}: the PDF is damaged") from exc
    return read_report(path)


def test_a_memory_error_anywhere_is_memory_not_corrupt_and_is_not_cached(tmp_path):
    row = read_isolated(tmp_path / "bomb.pdf", _bomb)
    assert row["kind"] == "memory" and "--memory-mb" in row["message"]
    corpus = _corpus(tmp_path / "in")
    (corpus / "bomb.txt").write_text(generators.short_report("Dorset Police"), encoding="utf-8")
    results = analyse([corpus], config=RunConfig(timeout=None), cache_dir=tmp_path / "out", reader=_bomb)
    assert results.errors["kind"].tolist() == ["memory"]
    assert len(list((tmp_path / "out" / shards.SHARD_DIR).glob("*.shard"))) == 2  # the good two only


def test_worker_stderr_noise_stays_off_the_terminal(tmp_path, capfd):
    corpus = _corpus(tmp_path / "in")
    (corpus / "noisy.txt").write_text(generators.short_report("Gwent Police"), encoding="utf-8")
    results = analyse([corpus], config=RunConfig(jobs=2, timeout=60), reader=noisy_reader)
    assert "pdfminer says hello" not in capfd.readouterr().err
    errors = results.errors.set_index(results.errors["path"].map(lambda p: Path(p).name))
    assert "pdfminer says hello" in errors.loc["noisy.txt", "message"]


def noisy_reader(path: Path):
    """A parser that writes to file descriptor 2 (as C libraries do) and then fails."""
    import os

    if path.name.startswith("noisy"):
        os.write(2, b"pdfminer says hello\n")
        raise CorruptPdfError(f"{path}: the PDF is damaged")
    return read_report(path)


def test_resume_results_equal_fresh_results(tmp_path):
    corpus = _corpus(tmp_path / "in")
    fresh = analyse([corpus])
    analyse([corpus], cache_dir=tmp_path / "out")
    resumed = analyse([corpus], cache_dir=tmp_path / "out")
    pd.testing.assert_frame_equal(fresh.findings, resumed.findings)
    pd.testing.assert_frame_equal(fresh.reports, resumed.reports)
