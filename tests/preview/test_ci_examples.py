"""The CI examples run: the GitHub workflow's shell steps, in order, and the GitLab job's
script, in a real git clone whose branch changes the inventory.

There is no GitHub or GitLab here, so their REST APIs are a loopback HTTP server that
keeps comments (notes) in memory and records every call; the workflow reaches it through
``GITHUB_API_URL`` / ``CI_API_V4_URL``, the variables the runners set. ``uses:`` steps
(checkout, setup-python/node, the SARIF upload) are the runner's and are not run: the
clone, the interpreter and Node.js are already here, and the file the upload step names is
checked to be SARIF instead. A second run must update the comment found by its marker,
not add one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.preview._support import ENV, HIAC, REPO, git, run_cli, two_commit_repo

pytestmark = pytest.mark.slow

MARKER = "<!-- harvester-iac-preview site=altra-homelab -->"


class FakeApi(ThreadingHTTPServer):
    """Comments by id, and every request as (method, path, body)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[tuple[str, str, Any]] = []
        self.comments: dict[int, dict[str, Any]] = {}
        self.next_id = 1000

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeApi

    def log_message(self, *args: object) -> None:
        pass

    def _body(self) -> Any:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if not raw:
            return None
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        return json.loads(raw)

    def _answer(self, code: int, doc: Any) -> None:
        data = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        body = self._body()
        path = urllib.parse.urlsplit(self.path).path
        api = self.server
        api.calls.append((self.command, self.path, body))
        auth = self.headers.get("Authorization") or self.headers.get("PRIVATE-TOKEN")
        if auth not in ("Bearer test-token", "gitlab-token"):
            self._answer(401, {"message": "Bad credentials"})
            return
        one = re.fullmatch(r".*/(?:comments|notes)/(\d+)", path)
        if self.command == "GET":
            self._answer(200, sorted(api.comments.values(), key=lambda c: c["id"]))
        elif self.command == "POST":
            api.next_id += 1
            api.comments[api.next_id] = {"id": api.next_id, "body": body["body"]}
            self._answer(201, api.comments[api.next_id])
        elif one and int(one.group(1)) in api.comments:
            api.comments[int(one.group(1))]["body"] = body["body"]
            self._answer(200, api.comments[int(one.group(1))])
        else:
            self._answer(404, {"message": "Not Found"})

    do_GET = do_POST = do_PATCH = do_PUT = _handle


@pytest.fixture
def api() -> Iterator[FakeApi]:
    server = FakeApi()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone of an origin whose main is the homelab before the fix; branch fix adds the disk."""
    tmp = tmp_path_factory.mktemp("ci")
    origin = two_commit_repo(tmp / "origin")
    git(origin, "branch", "-q", "fix")
    git(origin, "reset", "-q", "--hard", "HEAD~1")  # main: before the fix; branch fix: after
    git(tmp, "clone", "-q", "--branch", "fix", str(origin), "work")
    work = tmp / "work"
    return work


def _expand(text: str, values: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        return values[m.group(1).strip()]
    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def _run_github(clone: Path, api: FakeApi, tmp: Path) -> list[tuple[str, int]]:
    wf = yaml.safe_load((REPO / "examples" / "ci" / "github-actions.yml").read_text())
    tmp.mkdir(parents=True, exist_ok=True)
    event = tmp / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    base_env = {**ENV, **{k: str(v) for k, v in wf["env"].items()},
                "PATH": f"{HIAC.parent}:{os.environ['PATH']}", "GITHUB_API_URL": api.url,
                "GITHUB_REPOSITORY": "owner/site", "GITHUB_EVENT_PATH": str(event), "GITHUB_BASE_REF": "main",
                "GITHUB_HEAD_REF": "fix", "RUNNER_TEMP": str(tmp), "CI": "true"}
    values = {"github.token": "test-token"}
    ran: list[tuple[str, int]] = []
    extra_path: list[str] = []
    for i, step in enumerate(wf["jobs"]["gate"]["steps"]):
        if "uses" in step:
            if "upload-sarif" in step["uses"]:
                sarif = json.loads((clone / step["with"]["sarif_file"]).read_text())
                assert sarif["version"] == "2.1.0"
            continue
        out, path_file = tmp / f"out-{i}", tmp / f"path-{i}"
        out.touch()
        path_file.touch()
        env = {**base_env, **{k: _expand(str(v), values) for k, v in step.get("env", {}).items()},
               "GITHUB_OUTPUT": str(out), "GITHUB_PATH": str(path_file)}
        env["PATH"] = ":".join([*extra_path, env["PATH"]])
        script = tmp / f"step-{i}.sh"
        script.write_text(_expand(step["run"], values))
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=clone,
                              env=env, capture_output=True, text=True, check=False)
        ran.append((step["name"], done.returncode))
        if "id" in step:
            for line in out.read_text().splitlines():
                key, _, value = line.partition("=")
                values[f"steps.{step['id']}.outputs.{key}"] = value
        extra_path = [*path_file.read_text().split(), *extra_path]
        if done.returncode != 0:
            ran.append(("stderr", 0))
            assert step["name"] == "Gate", (step["name"], done.stdout, done.stderr)
            break
    return ran


def test_github_workflow_creates_then_updates_one_comment(clone: Path, api: FakeApi, tmp_path: Path) -> None:
    first = _run_github(clone, api, tmp_path / "run1")
    names = [n for n, _ in first]
    assert names == ["Install harvester-iac", "Synthesize", "Rendered templates are current",
                     "Validate (SARIF for code scanning)", "Preview", "Post or update the preview comment", "Gate"]
    assert all(code == 0 for _, code in first), first
    assert [(m, p.split("?")[0]) for m, p, _ in api.calls] == [
        ("GET", "/repos/owner/site/issues/7/comments"), ("POST", "/repos/owner/site/issues/7/comments")]
    (comment,) = api.comments.values()
    assert comment["body"].startswith(MARKER)
    assert "<b>Failure domains before → after</b> (changed)" in comment["body"]
    assert "templates/longhorn-altra-disk.yaml" in comment["body"]
    api.calls.clear()
    second = _run_github(clone, api, tmp_path / "run2")
    assert all(code == 0 for _, code in second), second
    assert [(m, p.split("?")[0]) for m, p, _ in api.calls] == [
        ("GET", "/repos/owner/site/issues/7/comments"), ("PATCH", f"/repos/owner/site/issues/comments/{comment['id']}")]
    assert len(api.comments) == 1 and api.comments[comment["id"]]["body"].startswith(MARKER)


def _run_gitlab(clone: Path, api: FakeApi) -> subprocess.CompletedProcess[str]:
    ci = yaml.safe_load((REPO / "examples" / "ci" / "gitlab-ci.yml").read_text())
    job = ci["harvester-iac"]
    env = {**ENV, **{k: str(v) for k, v in ci["variables"].items()},
           "PATH": f"{HIAC.parent}:{os.environ['PATH']}", "CI_API_V4_URL": f"{api.url}/api/v4",
           "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "3", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
           "HIAC_GITLAB_TOKEN": "gitlab-token", "CI": "true"}
    script = "\n".join(job["script"])  # the runner runs the entries in one shell, in order
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=clone, env=env,
                          capture_output=True, text=True, check=False)


def test_gitlab_job_writes_junit_and_one_note(clone: Path, api: FakeApi) -> None:
    done = _run_gitlab(clone, api)
    assert done.returncode == 0, done.stderr
    junit = clone / yaml.safe_load((REPO / "examples" / "ci" / "gitlab-ci.yml").read_text())[
        "harvester-iac"]["artifacts"]["reports"]["junit"]
    assert junit.read_text().startswith("<?xml") and "<testsuites" in junit.read_text()
    again = _run_gitlab(clone, api)
    assert again.returncode == 0, again.stderr
    methods = [(m, p.split("?")[0]) for m, p, _ in api.calls]
    (note_id,) = api.comments
    assert methods == [("GET", "/api/v4/projects/42/merge_requests/3/notes"),
                       ("POST", "/api/v4/projects/42/merge_requests/3/notes"),
                       ("GET", "/api/v4/projects/42/merge_requests/3/notes"),
                       ("PUT", f"/api/v4/projects/42/merge_requests/3/notes/{note_id}")]
    assert api.comments[note_id]["body"].startswith(MARKER)


def test_pre_commit_hook_entries_run() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"harvester-iac-render-check", "harvester-iac-validate"}
    for hook in hooks:
        words = hook["entry"].split()
        assert words[0] == "harvester-iac" and hook["pass_filenames"] is False
        done = run_cli(*words[1:])
        assert done.returncode == 0, (hook["id"], done.stdout, done.stderr)
