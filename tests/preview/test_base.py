"""``--base`` as a git ref (a real temporary repository with two commits) and as a folder.

Commit 1 is the incident homelab before the fix (one Longhorn disk, one replica per root
volume), commit 2 after it (the nvme0 disk, two replicas). Both commits carry their
rendered ``templates/``; neither carries ``cdktf.out/`` (it is ignored), so the base is
synthesized by the real ``harvester-iac synth`` in the temporary worktree.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from harvester_iac.preview import preview_schema
from tests.preview._support import git, run_cli, two_commit_repo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_commit_repo(tmp_path_factory.mktemp("gitrepo"))


def _state(repo: Path) -> tuple[str, str, str]:
    return (git(repo, "status", "--porcelain", "--ignored"), git(repo, "worktree", "list"),
            git(repo, "rev-parse", "HEAD"))


def test_base_git_ref_diff_between_two_commits(repo: Path) -> None:
    before = _state(repo)
    done = run_cli("preview", "--base", "HEAD~1", "--inventory", "site.yaml", "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert _state(repo) == before, "the working tree, the index or the worktree list changed"
    doc = json.loads(done.stdout)
    jsonschema.Draft202012Validator(preview_schema()).validate(doc)
    assert doc["base"].startswith("`HEAD~1` (")
    kinds = {d["address"].split(".")[0]: d["kind"] for d in doc["resources"]}
    assert kinds["harvester_storageclass"] == "added" and kinds["kubernetes_manifest"] == "added"
    vm = next(d for d in doc["resources"] if "ControlPlane_kube-master-00" in d["address"])
    assert vm["kind"] == "changed"
    assert {"path": "disk[0].storage_class_name",
            "before": '"${data.harvester_storageclass.sc-harvester-longhorn.name}"',
            "after": '"${harvester_storageclass.sc-longhorn-master-root_B0EDF138.name}"',
            "forces_replacement": False} in vm["attributes"]
    files = {m["file"]: m for m in doc["manifests"]}
    assert files["templates/longhorn-altra-disk.yaml"]["kind"] == "added"
    assert "+      path: /usr/local/longhorn-disk\n" in files["templates/longhorn-altra-disk.yaml"]["diff"]
    fd = doc["failure_domains"]
    assert fd["before"]["survives_disk"] is False and fd["after"]["survives_disk"] is True
    assert fd["before"]["worst_disk"] == "losing altra:sda stops 3 of 3"
    root = next(v for v in fd["volumes"] if v["volume"] == "kube-master-00/root")
    assert root["before"]["replicas"] == ["altra/default-disk"]
    assert sorted(root["after"]["replicas"]) == ["altra/default-disk", "altra/nvme0"]


def test_markdown_shows_manifest_diff_and_domains(repo: Path) -> None:
    done = run_cli("preview", "--base", "main~1", "--inventory", "site.yaml", cwd=repo)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "<b>Failure domains before → after</b> (changed)" in out
    assert "| before (base) | ❌ no (losing altra:sda stops 3 of 3)" in out
    assert "**`templates/longhorn-altra-disk.yaml`** (added" in out
    assert "```diff\n--- /dev/null\n+++ b/templates/longhorn-altra-disk.yaml\n" in out


def test_base_folder_and_cdktf_out(repo: Path, tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    archive = subprocess.run(["git", "archive", "HEAD~1"], cwd=repo, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    done = run_cli("synth", "--inventory", "site.yaml", "--out", "cdktf.out", "--no-validate", cwd=base)
    assert done.returncode == 0, done.stderr
    by_folder = run_cli("preview", "--base", str(base), "--inventory", "site.yaml", "--format", "json", cwd=repo)
    by_ref = run_cli("preview", "--base", "HEAD~1", "--inventory", "site.yaml", "--format", "json", cwd=repo)
    a, b = json.loads(by_folder.stdout), json.loads(by_ref.stdout)
    for key in ("resources", "manifests", "failure_domains"):
        assert a[key] == b[key], key
    only_out = run_cli("preview", "--base", str(base / "cdktf.out"), "--inventory", "site.yaml", "--format",
                       "json", cwd=repo)
    doc = json.loads(only_out.stdout)
    assert doc["resources"] == a["resources"] and doc["manifests"] is None
    shutil.rmtree(base)


def test_bad_git_ref_is_exit_2(repo: Path) -> None:
    before = _state(repo)
    done = run_cli("preview", "--base", "no-such-branch", "--inventory", "site.yaml", cwd=repo)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith('harvester-iac preview: --base: "no-such-branch" is not a folder and not a commit')
    assert "expected a folder or a git ref" in done.stderr and "Traceback" not in done.stderr
    assert _state(repo) == before


def test_no_git_repository_is_exit_2(tmp_path: Path) -> None:
    done = run_cli("preview", "--base", "HEAD~1", cwd=tmp_path)
    assert done.returncode == 2 and "is not in a git repository" in done.stderr


def test_a_broken_inventory_in_the_base_is_named_as_ref_and_path(tmp_path: Path) -> None:
    repo = two_commit_repo(tmp_path / "repo")
    (repo / "site.yaml").write_text("apiVersion: harvester-iac/v1\nkind: Inventory\nhosts: 7\n")
    git(repo, "commit", "-qam", "broken")
    git(repo, "checkout", "-q", "HEAD~1", "--", "site.yaml")  # the working tree: the fix, valid
    done = run_cli("preview", "--base", "HEAD", "--inventory", "site.yaml", cwd=repo)
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("harvester-iac preview: HEAD:site.yaml:"), done.stderr
    assert "hiac-base-" not in done.stderr
