"""The comment as GitHub shows it: rendered by a real GFM renderer (Debian's ``cmark-gfm``,
GitHub's own fork of cmark, with its table/strikethrough/autolink/tagfilter extensions)
and screenshot by headless Chromium. The PNGs are kept under ``build/artifacts/`` for a
person to look at: collapsed as a reviewer first sees it, and with every section open."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.preview._support import REPO, harvesterize, needs_terraform, real_plan, run_cli, two_commit_repo
from tests.preview.test_master_destroyed import _config

pytestmark = [pytest.mark.slow, needs_terraform]

ARTIFACTS = REPO / "build" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_CSS = """
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328;
       max-width: 900px; margin: 16px auto; padding: 16px 24px; border: 1px solid #d0d7de; border-radius: 6px; }
h2, h3 { border-bottom: 1px solid #d8dee4; padding-bottom: .3em; }
table { border-collapse: collapse; margin: 8px 0; display: block; overflow: auto; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; vertical-align: top; }
tr:nth-child(2n) { background: #f6f8fa; }
code { background: rgba(175,184,193,.2); padding: .1em .35em; border-radius: 6px; font-size: 85%; }
pre { background: #f6f8fa; padding: 12px; border-radius: 6px; overflow: auto; font-size: 85%; }
pre code { background: none; padding: 0; }
blockquote { border-left: .25em solid #cf222e; color: #1f2328; margin: 0; padding: 0 1em; }
details { margin: 8px 0; } summary { cursor: pointer; }
"""


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _screenshot(html: Path, png: Path, height: int) -> None:
    assert CHROMIUM, "chromium is not installed (scripts/setup --test installs it)"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--hide-scrollbars", f"--window-size=1000,{height}",
                        f"--screenshot={png}", html.as_uri()], check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def comment(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("html")
    repo = two_commit_repo(tmp / "repo")
    made = real_plan(tmp / "tf", _config(1), _config(2))
    plan = tmp / "plan.json"
    plan.write_text(json.dumps(harvesterize(made.doc)))
    done = run_cli("preview", "--base", "HEAD~1", "--inventory", "site.yaml", "--plan", str(plan),
                   "--observed", str(REPO / "examples" / "observed" / "incident.snapshot.json"),
                   "--now", "2025-12-29T12:00:00Z", cwd=repo)
    assert done.returncode == 1, done.stderr  # HIAC-PLAN-001 blocks
    return done.stdout


def test_gfm_renders_the_comment_and_chromium_shows_it(comment: str) -> None:
    assert shutil.which("cmark-gfm"), "cmark-gfm is not installed (scripts/setup --test installs it)"
    gfm = ["cmark-gfm", "--unsafe", "--github-pre-lang", "-e", "table", "-e", "strikethrough", "-e", "autolink",
           "-e", "tagfilter"]
    html = subprocess.run(gfm, input=comment, capture_output=True, text=True, check=True).stdout
    assert html.startswith("<!-- harvester-iac-preview site=altra-homelab -->")  # hidden, kept
    assert "<h2>🛑 harvester-iac preview: fail · altra-homelab</h2>" in html
    assert html.count("<details>") == html.count("</details>") >= 6
    assert html.count("<table>") >= 3 and '<pre lang="diff"><code>' in html
    assert "<blockquote>" in html and "This plan destroys" in html
    assert "```" not in html and "| --- |" not in html, "a fence or a table was not rendered"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "preview-comment.md").write_text(comment)
    page = f'<!doctype html><meta charset="utf-8"><style>{_CSS}</style><body>{html}</body>'
    collapsed = ARTIFACTS / "preview-comment.html"
    collapsed.write_text(page)
    opened = ARTIFACTS / "preview-comment-open.html"
    opened.write_text(page.replace("<details>", "<details open>"))
    for source, png, height in ((collapsed, ARTIFACTS / "preview-comment.png", 1400),
                                (opened, ARTIFACTS / "preview-comment-open.png", 6000)):
        png.unlink(missing_ok=True)
        _screenshot(source, png, height)
        assert _png_size(png) == (1000, height)
        assert png.stat().st_size > 40_000, "the screenshot is (nearly) blank"
