"""Unpacking the lab VM's output tar, with and without Python's ``filter="data"``.

The filter exists from Python 3.11.4; on older 3.11 (Debian 12's 3.11.2) ``lab.vm`` checks
the entries itself. Both ways take regular files and directories and refuse anything that
would land outside the output directory or is not plain data.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from lab.rootfs import LabSetupError
from lab.vm import _extract


def _tar(*entries: tarfile.TarInfo) -> tarfile.TarFile:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:") as tar:
        for info in entries:
            data = b"x" * info.size
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    buf.seek(0)
    return tarfile.open(fileobj=buf, mode="r:")


def _file(name: str, size: int = 3, mode: int = 0o644) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode = size, mode
    return info


def _link(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info


@pytest.fixture(params=["filter", "checked by hand"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "checked by hand":
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    elif not hasattr(tarfile, "data_filter"):
        pytest.skip("this Python has no tarfile filters (before 3.11.4)")
    return str(request.param)


def test_files_and_directories_are_unpacked(tmp_path: Path, way: str) -> None:
    folder = tarfile.TarInfo("logs")
    folder.type, folder.mode = tarfile.DIRTYPE, 0o755
    with _tar(folder, _file("logs/kern.log"), _file("timeline.tsv", mode=0o4755)) as tar:
        _extract(tar, tmp_path)
    assert (tmp_path / "logs" / "kern.log").read_bytes() == b"xxx"
    assert not (tmp_path / "timeline.tsv").stat().st_mode & 0o4000  # no setuid bit survives


@pytest.mark.parametrize("entry", [
    _file("../outside"),
    _file("/outside"),
    _link("link", "/etc/passwd"),
], ids=["parent", "absolute", "symlink"])
def test_nothing_lands_outside_the_directory(tmp_path: Path, way: str, entry: tarfile.TarInfo) -> None:
    out = tmp_path / "out"
    out.mkdir()
    refused = False
    with _tar(entry) as tar:
        try:
            _extract(tar, out)
        except (LabSetupError, tarfile.TarError):  # the filter's errors are TarErrors
            refused = True
    assert not (tmp_path / "outside").exists() and not Path("/outside").exists()
    assert not (out / "link").is_symlink()
    # by hand every such entry is refused; the filter may instead strip a leading "/"
    assert refused or (way == "filter" and (out / "outside").is_file())
