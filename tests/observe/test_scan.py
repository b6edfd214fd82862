"""The public scan contract: directories, compression, bad files as source states, order,
block-size independence, processes and byte ranges, both engines, the progress bar."""

from __future__ import annotations

import bz2
import gzip
import importlib.util
import io
import lzma
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from harvester_iac.errors import InputError, LogFormatError, UsageError
from harvester_iac.observe.logs._event import EventKind
from harvester_iac.observe.logs._prefilter import ENGINE_ENV, active_engine, get_finder
from harvester_iac.observe.logs._progress import ProgressBar
from harvester_iac.observe.logs._scan import ScanOptions, ScanResult, scan_logs, scan_paths
from harvester_iac.observe.logs._scan_file import plan_ranges
from tests.observe._logsamples import SAMPLES, log_files

ROOT = Path(__file__).resolve().parents[2]
LINE = "Dec 27 16:52:05 altra kernel: Buffer I/O error on dev sdo16, logical block 0, lost async page write\n"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scan", ROOT / "bench" / "scan.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3 MiB journal-style file from the benchmark's generator (0.1% event lines)."""
    path = tmp_path_factory.mktemp("gen") / "journal.log"
    _bench().generate(path, 3 << 20, seed=11)
    return path


@pytest.fixture()
def samples_dir(tmp_path: Path) -> Path:
    for path in log_files():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _key(result: ScanResult) -> list[tuple[object, ...]]:
    return [(e.file, e.line, e.kind, e.time, e.raw, e.device, e.connection, e.took_ms)
            for e in result.events]


def test_missing_path_raises_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.log"
    with pytest.raises(LogFormatError) as info:
        scan_logs([missing])
    assert isinstance(info.value, InputError)
    assert str(missing) in str(info.value)


def test_directories_are_walked_sorted_and_compression_is_transparent(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "syslog").write_text(LINE)
    with gzip.open(tmp_path / "a" / "syslog.2.gz", "wt") as f:
        f.write(LINE)
    (tmp_path / "a" / "kern.bz2").write_bytes(bz2.compress(LINE.encode()))
    (tmp_path / "a" / "old").write_bytes(lzma.compress(LINE.encode()))  # xz without a suffix
    result = scan_logs([tmp_path], ScanOptions(jobs=1))
    names = [os.path.relpath(s.location, tmp_path) for s in result.sources]
    assert names == ["a/kern.bz2", "a/old", "a/syslog.2.gz", "b/syslog"]
    assert [s.state for s in result.sources] == ["ok"] * 4
    assert "gzip-compressed" in (result.sources[2].detail or "")
    assert [e.kind for e in result.events] == [EventKind.BUFFER_IO_ERROR] * 4
    assert sorted(os.path.relpath(e.file, tmp_path) for e in result.events) == sorted(names)


def test_bad_files_are_failed_or_partial_sources(tmp_path: Path) -> None:
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "system.journal").write_bytes(b"LPKSHHRH" + b"\0" * 200)
    (tmp_path / "k.zst").write_bytes(b"\x28\xb5\x2f\xfd" + b"\0" * 20)
    (tmp_path / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    good = gzip.compress("".join(LINE.replace("block 0", f"block {i * 7919 % 100003}")
                                 for i in range(20000)).encode())
    (tmp_path / "truncated.gz").write_bytes(good[: len(good) // 2])
    (tmp_path / "nul.log").write_bytes(LINE.encode() + b"\0" * 40 + b"\n" + LINE.encode())
    (tmp_path / "latin1.log").write_bytes(LINE.replace("altra", "altr\xe9").encode("latin-1"))
    (tmp_path / "long.log").write_bytes(b"x" * (3 << 20) + b"\n" + LINE.encode())
    (tmp_path / "empty.log").write_bytes(b"")
    os.mkfifo(tmp_path / "pipe")
    result = scan_logs([tmp_path], ScanOptions(jobs=1))
    by = {Path(s.location).name: s for s in result.sources}
    assert by["binary.bin"].state == "failed" and "binary" in (by["binary.bin"].error or "")
    assert "journalctl" in (by["system.journal"].error or "")
    assert "zstd" in (by["k.zst"].error or "")
    assert by["broken.gz"].state == "failed"
    assert by["truncated.gz"].state == "partial" and "read error" in (by["truncated.gz"].error or "")
    assert by["truncated.gz"].events > 0
    assert by["nul.log"].state == "partial" and "NUL" in (by["nul.log"].error or "")
    assert by["latin1.log"].state == "partial" and "UTF-8" in (by["latin1.log"].error or "")
    assert by["long.log"].state == "partial" and "longer than" in (by["long.log"].error or "")
    assert (by["long.log"].events, by["long.log"].lines) == (1, 2)
    assert (by["empty.log"].state, by["empty.log"].lines) == ("ok", 0)
    assert by["pipe"].state == "failed" and "regular file" in (by["pipe"].error or "")
    latin = next(e for e in result.events if e.file.endswith("latin1.log"))
    assert "\ufffd" in latin.raw
    nul_lines = [e.line for e in result.events if e.file.endswith("nul.log")]
    assert nul_lines == [1, 3]


def test_line_numbers_raw_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "win.log"
    path.write_bytes(b"noise\r\n" * 5 + LINE.replace("\n", "\r\n").encode() + b"noise\r\n")
    result = scan_logs([path], ScanOptions(jobs=1))
    (event,) = result.events
    assert (event.line, event.raw) == (6, LINE.rstrip("\n"))
    assert result.sources[0].lines == 7


def test_events_are_sorted_by_time_file_line(tmp_path: Path) -> None:
    (tmp_path / "b.log").write_text(LINE.replace("16:52:05", "16:52:01"))
    (tmp_path / "a.log").write_text(LINE + LINE.replace("16:52:05", "16:52:09"))
    (tmp_path / "c.log").write_text("[ 1.0] Aborting journal on device sda-8.\n")
    result = scan_logs([tmp_path], ScanOptions(jobs=1, year=2025))
    assert [(Path(e.file).name, e.line) for e in result.events] == [
        ("c.log", 1), ("b.log", 1), ("a.log", 1), ("a.log", 2)]


@pytest.mark.parametrize("chunk", [7, 64, 333, 4096, 1 << 16])
def test_block_size_does_not_change_results(chunk: int, generated: Path, samples_dir: Path) -> None:
    paths = [samples_dir, generated]
    opts = ScanOptions(jobs=1, year=2025)
    base = scan_paths(paths, opts)
    assert scan_paths(paths, opts, chunk_size=chunk) == base


def test_processes_and_byte_ranges_give_the_same_result(generated: Path, samples_dir: Path) -> None:
    paths = [samples_dir, generated]
    opts = ScanOptions(year=2025)
    sequential = scan_paths(paths, ScanOptions(jobs=1, year=2025))
    parallel = scan_paths(paths, opts, parallel_min_bytes=0, split_min_bytes=1 << 20,
                          chunk_size=1 << 16)
    assert parallel == sequential
    assert len(plan_ranges(str(generated), 3, 1 << 20)) == 3
    assert sequential.sources[-1].events > 0


def test_both_engines_give_identical_events(
    generated: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [samples_dir, generated]
    monkeypatch.setenv(ENGINE_ENV, "re")
    assert active_engine() == "re"
    pure = scan_paths(paths, ScanOptions(jobs=1, year=2025), chunk_size=1 << 16)
    monkeypatch.setenv(ENGINE_ENV, "hyperscan")
    assert active_engine() == "hyperscan"
    fast = scan_paths(paths, ScanOptions(jobs=1, year=2025), chunk_size=1 << 16)
    assert fast == pure
    assert len(fast.events) > 50


def test_engine_finders_agree_on_offsets_per_line() -> None:
    data = b"".join(p.read_bytes() for p in log_files())
    pure = get_finder("re").find(data)
    fast = get_finder("hyperscan").find(data)
    assert {data.rfind(b"\n", 0, e - 1) for e in pure} == {data.rfind(b"\n", 0, e - 1) for e in fast}


def test_bad_engine_name_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_ENV, "grep")
    with pytest.raises(UsageError, match=ENGINE_ENV):
        scan_logs([SAMPLES / "syslog.log"])


def test_usage_errors() -> None:
    with pytest.raises(UsageError, match="--since"):
        scan_logs([SAMPLES / "syslog.log"], ScanOptions(since=datetime(2025, 2, 1, tzinfo=UTC),
                                                         until=datetime(2025, 1, 1, tzinfo=UTC)))
    with pytest.raises(UsageError, match="jobs"):
        scan_logs([SAMPLES / "syslog.log"], ScanOptions(jobs=0))


def test_sources_count_lines_and_events(samples_dir: Path) -> None:
    result = scan_logs([samples_dir], ScanOptions(jobs=1))
    by = {Path(s.location).name: s for s in result.sources}
    assert (by["syslog.log"].lines, by["syslog.log"].events) == (45, 27)
    assert (by["longhorn.log"].lines, by["longhorn.log"].events) == (9, 0)
    assert all(s.kind == "log" and s.state == "ok" for s in result.sources)


def test_progress_bar_only_when_asked(capsys: pytest.CaptureFixture[str], generated: Path) -> None:
    scan_logs([generated], ScanOptions(jobs=1))
    assert capsys.readouterr() == ("", "")
    out = io.StringIO()
    bar = ProgressBar(100, stream=out, delay=0)
    bar.update(50)
    bar.close()
    assert "50%" in out.getvalue() and out.getvalue().endswith("\r\x1b[K")
    scan_logs([generated], ScanOptions(jobs=1, progress=True))
    assert capsys.readouterr().out == ""


def test_a_detector_failure_on_one_line_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import harvester_iac.observe.logs._scan_file as filescan
    from harvester_iac.observe.logs._detect import detect_line

    def flaky(line: str) -> object:
        if "sdo16" in line:
            raise IndexError("boom")
        return detect_line(line)

    monkeypatch.setattr(filescan, "detect_line", flaky)
    path = tmp_path / "x.log"
    path.write_text(LINE + LINE.replace("sdo16", "sdi"))
    result = scan_logs([path], ScanOptions(jobs=1))
    assert [e.device for e in result.events] == ["sdi"]
    (status,) = result.sources
    assert status.state == "partial"
    assert "internal error at line 1: IndexError: boom" in (status.error or "")
