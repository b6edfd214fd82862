"""The seeded mutation run (tests/fuzz/mutate.py) over every kind of input, under a budget.

``HIAC_FUZZ_BUDGET_S`` sets the budget (CI's fuzz step: 150 s; default 20 s, so the
ordinary suite still runs every kind a few times) and ``HIAC_FUZZ_SEED`` the seed. A
failing run's folder is kept under the pytest tmp path, with its command and problems.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.fuzz.mutate import run

BUDGET_S = float(os.environ.get("HIAC_FUZZ_BUDGET_S", "20"))
SEED = int(os.environ.get("HIAC_FUZZ_SEED", "9"))


def test_mutants_of_every_example_exit_0_1_or_2_cleanly(tmp_path: Path) -> None:
    report = run(BUDGET_S, SEED, jobs=2, keep=tmp_path / "failures")
    print(report.summary())
    kinds = {"baseline", "case", "inventory", "inventory-render", "iscsiadm", "kubeconfig", "log", "longhorn",
             "snapshot", "waivers"}
    assert set(report.by_kind) == kinds and all(report.by_kind[k] >= 1 for k in kinds), report.summary()
    assert report.by_code.get("2", 0) > 0  # the mutants do reach the error paths
    problems = [f"{o.target} ({o.made}) kept in {o.kept}: {o.problems}" for o in report.failures]
    assert not problems, "\n".join(problems)
