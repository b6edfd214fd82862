"""``--max-chars`` on a plan of more than 2 MB (made by the real Terraform): the longest
diffs are cut with a note; the verdict, the destroy banner and the findings never are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvester_iac.preview import Block, fit
from harvester_iac.preview._master_destroy import MasterDestroyed
from tests.preview._support import harvesterize, needs_terraform, real_plan, run_cli


def _config(gen: int) -> str:
    return f"""
resource "terraform_data" "bulk" {{
  count = {160 if gen == 1 else 100}
  input = [for i in range(200) : "line ${{i}} of ${{count.index}}, generation {gen}: ${{md5("${{i}}-{gen}")}}"]
}}
resource "terraform_data" "small" {{ input = "gen {gen}" }}
resource "terraform_data" "vm_kube-master-01" {{
  input = {{ name = "kube-master-01", labels = {{ "harvester-iac/role" = "k3s-master" }} }}
  triggers_replace = {{ disk = [{{ name = "root", image = "ubuntu-{24 if gen == 1 else 26}-04" }}] }}
}}
"""


@pytest.fixture(scope="module")
def big_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tf-big")
    made = real_plan(tmp / "tf", _config(1), _config(2))
    out = tmp / "big-plan.json"
    out.write_text(json.dumps(harvesterize(made.doc)))
    return out


@pytest.mark.slow
@needs_terraform
def test_two_megabyte_plan_fits_and_keeps_what_matters(big_plan: Path) -> None:
    assert big_plan.stat().st_size > 2_000_000
    uncapped = run_cli("preview", "--plan", str(big_plan), "--max-chars", "100000000")
    assert len(uncapped.stdout) > 1_000_000
    done = run_cli("preview", "--plan", str(big_plan))
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert len(out) <= 65_536
    head = uncapped.stdout.split("<details><summary><b>Plan by action</b>")[0]
    assert out.startswith(head), "verdict, destroy banner or findings were cut"
    assert "**This plan destroys 61 resources**, 1 of them an etcd member's VM or root volume" in out
    assert "… and 31 more (plan by action lists them all)" in out
    assert MasterDestroyed.why in out and MasterDestroyed.fix in out
    assert "more lines cut to fit --max-chars 65536 (harvester-iac preview --format json has them all)" in out
    assert "~ terraform_data.small\n      input: \"gen 1\" -> \"gen 2\"\n" in out, "a short diff was cut"
    assert out.rstrip().endswith("</details>")
    assert out.count("```") % 2 == 0
    small = run_cli("preview", "--plan", str(big_plan), "--max-chars", "20000")
    assert len(small.stdout) <= 20_000 and small.stdout.startswith(head)


def test_fit_cuts_the_longest_bodies_first() -> None:
    blocks = [Block("HEAD\n"), Block("a:\n", "short\n" * 3, "end a\n"),
              Block("b:\n", "x" * 50 + "\n" + "long line\n" * 500, "end b\n")]
    whole = "".join(b.head + b.body + b.tail for b in blocks)
    out = fit(blocks, 2000)
    assert len(out) <= 2000 < len(whole)
    assert out.startswith("HEAD\na:\nshort\nshort\nshort\nend a\nb:\n")
    assert "end b\n" in out and "more lines cut to fit --max-chars 2000" in out
    assert fit(blocks, 10**6) == whole


def test_fit_never_cuts_heads_even_when_they_alone_are_too_long() -> None:
    blocks = [Block("V" * 3000 + "\n"), Block("d:\n", "line\n" * 100, "end\n")]
    out = fit(blocks, 1000)
    assert out.startswith("V" * 3000) and "end\n" in out and "line\n" not in out
