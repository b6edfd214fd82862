"""The chart (PNG/SVG), the HTML page in headless Chromium, and bad input (exit 2, one paragraph).

The page screenshot and the charts are kept in build/artifacts/ (ignored by git) to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.incident._support import ARTIFACTS, ROOT, SEED_ARGS, run

_CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


def _colours(png: Path) -> int:
    from PIL import Image

    with Image.open(png) as im:
        assert im.size[0] >= 1200 and im.size[1] >= 400
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None
        return len(colours)


def test_png_chart_is_a_real_picture(capsys: pytest.CaptureFixture[str]) -> None:
    chart = ARTIFACTS / "incident-seed.png"
    code, md, err = run([*SEED_ARGS, "--chart", str(chart)], capsys)
    assert code == 0, err
    data = chart.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 40_000
    assert _colours(chart) > 200  # lanes, shading, markers in many colours: not a blank canvas
    assert f"]({chart})" in md


def test_svg_chart_has_every_lane_and_the_causal_links(capsys: pytest.CaptureFixture[str]) -> None:
    chart = ARTIFACTS / "incident-seed.svg"
    assert run([*SEED_ARGS, "--chart", str(chart)], capsys)[0] == 0
    root = ET.fromstring(chart.read_bytes())
    assert root.tag.endswith("svg")
    text = chart.read_text()
    for lane in ("altra", "kube-master-00", "kube-master-01", "kube-master-02"):
        assert lane in text
    assert "causal link (chain)" in text and "target shutdown" in text
    paths = [e for e in root.iter() if e.tag.endswith("path")]
    assert len(paths) > 150


@pytest.mark.skipif(_CHROMIUM is None, reason="Debian's chromium is installed by scripts/setup --test")
def test_html_opens_in_headless_chromium(capsys: pytest.CaptureFixture[str]) -> None:
    code, page, err = run([*SEED_ARGS, "--format", "html"], capsys)
    assert code == 0, err
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<h2>Root Cause</h2>" in page
    html = ARTIFACTS / "incident-seed.html"
    html.write_text(page)
    shot = ARTIFACTS / "incident-seed-page.png"
    shot.unlink(missing_ok=True)
    assert _CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [_CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--window-size=1280,2000", "--hide-scrollbars",
             f"--screenshot={shot}", html.resolve().as_uri()],
            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": profile})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and _colours(shot) > 500


@pytest.mark.parametrize(("extra", "where", "expected"), [
    (["--chart", "out.pdf"], "--chart", "a file name ending in .png or .svg"),
    (["--chart", "no/such/dir/c.png"], "--chart", "a path in an existing directory"),
    (["--lag", "soon"], "--lag", "a duration such as 90s"),
    (["--tz", "Mars/Olympus"], "--tz", "IANA"),
    (["--iscsiadm", "missing.txt"], "missing.txt", "an existing file or directory"),
])
def test_bad_input_is_exit_2_with_one_paragraph(
    extra: list[str], where: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*SEED_ARGS, *extra], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert where in err and expected in err


def test_bad_inventory_is_exit_2_naming_file_and_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "inv.yaml"
    bad.write_text("apiVersion: harvester-iac/v1\nkind: Inventory\nmetadata: {name: x}\nhosts: nope\n")
    code, out, err = run([*SEED_ARGS, "--inventory", str(bad)], capsys)
    assert code == 2 and out == "" and str(bad) in err and "Traceback" not in err


def test_chart_is_written_atomically_without_leftovers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "c.png"
    assert run([*SEED_ARGS, "--chart", str(chart), "--format", "json"], capsys)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png"]


def test_svg_chart_dashes_links_to_symptoms_before_the_first_storage_line(capsys: pytest.CaptureFixture[str]) -> None:
    """The seed's 16:46:45 etcd bursts precede the 16:51:55 episode: their links are dashed, the later solid."""
    chart = ARTIFACTS / "incident-seed.svg"
    assert run([*SEED_ARGS, "--chart", str(chart)], capsys)[0] == 0
    root = ET.fromstring(chart.read_bytes())
    links: dict[str, list[str]] = {"early": [], "forward": []}
    for group in root.iter():
        gid = group.get("id", "")
        if group.tag.endswith("}g") and gid.startswith("causal-link-"):
            styles = [e.get("style", "") for e in group.iter() if e.tag.endswith("path")]
            assert styles, gid
            links[gid.split("-")[2]] += styles
    # three masters: one link each to the early burst (16:46:45) and to the late one (16:54:25 on)
    assert len(links["early"]) >= 3 and len(links["forward"]) >= 3
    assert all("stroke-dasharray" in s and "stroke: #e0837a" in s for s in links["early"])
    assert all("stroke-dasharray" not in s and "stroke: #b3261e" in s for s in links["forward"])
    assert "linked, before the first logged" in chart.read_text()
