"""Plans made by the real Terraform on this machine parse, every action kind included.

The counts are checked against Terraform's own "Plan: N to import, N to add, ..." line of
the same plan, so the parser cannot drift from what Terraform means by each action.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harvester_iac.preview import SENSITIVE, Action, load_plan, plan_counts
from tests.preview._support import needs_terraform, real_plan, run_cli

pytestmark = [pytest.mark.slow, needs_terraform]

GEN1 = """
variable "gen" { default = 1 }
variable "secret" {
  default   = "hunter2-first"
  sensitive = true
}
resource "terraform_data" "keep" { input = "same" }
resource "terraform_data" "upd" { input = "v1" }
resource "terraform_data" "gone" { input = "bye" }
resource "terraform_data" "trigger" { input = "t1" }
resource "terraform_data" "rep" {
  input = "r"
  lifecycle { replace_triggered_by = [terraform_data.trigger] }
}
resource "terraform_data" "cbd" {
  triggers_replace = "one"
  lifecycle { create_before_destroy = true }
}
resource "terraform_data" "old" { input = "moved" }
resource "terraform_data" "forgotten" { input = "f" }
resource "terraform_data" "secret" { input = var.secret }
"""

GEN2 = """
variable "secret" {
  default   = "hunter2-second"
  sensitive = true
}
resource "terraform_data" "keep" { input = "same" }
resource "terraform_data" "upd" { input = "v2" }
resource "terraform_data" "trigger" { input = "t2" }
resource "terraform_data" "rep" {
  input = "r"
  lifecycle { replace_triggered_by = [terraform_data.trigger] }
}
resource "terraform_data" "cbd" {
  triggers_replace = "two"
  lifecycle { create_before_destroy = true }
}
resource "terraform_data" "new" { input = "moved" }
moved {
  from = terraform_data.old
  to   = terraform_data.new
}
removed {
  from = terraform_data.forgotten
  lifecycle { destroy = false }
}
resource "terraform_data" "secret" { input = var.secret }
resource "terraform_data" "added" { input = "hello" }
import {
  to = terraform_data.imported
  id = "external-1"
}
resource "terraform_data" "imported" { input = "adopted" }
"""


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    made = real_plan(tmp_path_factory.mktemp("tf"), GEN1, GEN2)
    return made.json_file, made.summary


def _terraform_counts(summary: str) -> dict[str, int]:
    return {word: int(n) for n, word in re.findall(r"(\d+) to (\w+)", summary)}


def test_every_action_kind(plan_file: tuple[Path, str]) -> None:
    plan = load_plan(plan_file[0])
    by = {c.address: c for c in plan.changes}
    assert by["terraform_data.added"].action is Action.CREATE
    assert by["terraform_data.upd"].action is Action.UPDATE
    assert by["terraform_data.gone"].action is Action.DELETE
    assert by["terraform_data.rep"].action is Action.REPLACE
    assert by["terraform_data.rep"].action_reason == "replace_by_triggers"
    assert by["terraform_data.cbd"].action is Action.REPLACE and by["terraform_data.cbd"].create_before_destroy
    assert by["terraform_data.forgotten"].action is Action.FORGET
    assert by["terraform_data.keep"].action is Action.NO_OP
    assert by["terraform_data.new"].moved and by["terraform_data.new"].previous_address == "terraform_data.old"
    assert by["terraform_data.imported"].imported and by["terraform_data.imported"].import_id == "external-1"
    cbd = by["terraform_data.cbd"]
    assert [a.path for a in cbd.changes if a.forces_replacement] == ["triggers_replace"]


def test_counts_match_terraforms_own_summary(plan_file: tuple[Path, str]) -> None:
    plan = load_plan(plan_file[0])
    c = plan_counts(plan)
    ours = {"import": c["import"], "add": c["create"] + c["replace"], "change": c["update"],
            "destroy": c["delete"] + c["replace"]}
    assert ours == _terraform_counts(plan_file[1]), plan_file[1]
    assert c["forget"] == 1 and c["move"] == 1


def test_sensitive_values_are_masked_everywhere(plan_file: tuple[Path, str]) -> None:
    plan = load_plan(plan_file[0])
    secret = next(c for c in plan.changes if c.address == "terraform_data.secret")
    inputs = [a for a in secret.changes if a.path == "input"]
    assert inputs and inputs[0].before == SENSITIVE and inputs[0].after == SENSITIVE
    for fmt in ("markdown", "json"):
        done = run_cli("preview", "--plan", str(plan_file[0]), "--format", fmt)
        assert done.returncode == 0, done.stderr
        assert "hunter2" not in done.stdout
        assert "terraform_data.secret" in done.stdout


def test_markdown_lists_addresses_under_each_action(plan_file: tuple[Path, str]) -> None:
    done = run_cli("preview", "--plan", str(plan_file[0]))
    out = done.stdout
    assert out.startswith("<!-- harvester-iac-preview site=altra-homelab -->")
    assert "This plan destroys 3 resources" in out  # gone, rep, cbd
    for heading, address in (("**delete** (1)", "- terraform_data.gone"),
                             ("**replace** (2)", "-/+ terraform_data.rep"),
                             ("**create** (1)", "+ terraform_data.added"),
                             ("**forget** (1)", "# terraform_data.forgotten"),
                             ("**import** (1)", "terraform_data.imported  (imported from id external-1)"),
                             ("**move** (1)", "terraform_data.new  (moved from terraform_data.old)")):
        assert heading in out and address in out, (heading, address)
    assert 'input: "v1" -> "v2"' in out
