"""The compiled Hyperscan database is cached between runs, and a bad cache costs nothing.

A database loaded from the cache must find exactly what a freshly compiled one finds;
a truncated or foreign cache file is compiled over; an unwritable cache directory only
means no cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester_iac.observe.logs import _prefilter
from harvester_iac.observe.logs._prefilter import BINDING_ENV, CACHE_ENV, get_finder
from tests.observe._logsamples import log_files

hyperscan = pytest.importorskip("hyperscan")


def _fresh(monkeypatch: pytest.MonkeyPatch, cache: Path) -> _prefilter.Finder:
    """A new finder of the ``hyperscan`` binding (the one whose databases are cached)."""
    monkeypatch.setenv(CACHE_ENV, str(cache))
    monkeypatch.setenv(BINDING_ENV, "hyperscan")
    monkeypatch.setattr(_prefilter, "_CACHE", {})
    return get_finder("hyperscan")


def test_a_cached_database_finds_what_a_compiled_one_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"".join(p.read_bytes() for p in log_files())
    compiled = _fresh(monkeypatch, tmp_path)
    files = list(tmp_path.glob("prefilter-*.hsdb"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    loaded = _fresh(monkeypatch, tmp_path)
    assert loaded is not compiled
    assert loaded.find(data) == compiled.find(data)
    lines = {data.rfind(b"\n", 0, e - 1) for e in compiled.find(data)}
    assert lines == {data.rfind(b"\n", 0, e - 1) for e in get_finder("re").find(data)}
    assert len(lines) > 50


def test_a_damaged_cache_is_compiled_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"".join(p.read_bytes() for p in log_files())
    want = _fresh(monkeypatch, tmp_path).find(data)
    (cached,) = tmp_path.glob("prefilter-*.hsdb")
    cached.write_bytes(b"not a database")
    assert _fresh(monkeypatch, tmp_path).find(data) == want
    assert cached.read_bytes() != b"not a database"


def test_an_unwritable_cache_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory would go")
    finder = _fresh(monkeypatch, blocker / "cache")
    assert finder.find(b"x\n[ 1.0] connection1:0: ping timeout of 5 secs expired\n")
