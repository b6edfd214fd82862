"""The rule registry: one rule per file, registered at import, indexed in docs/rules.md."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

import harvester_iac.policy as policy
from harvester_iac.policy import Rule, RuleError, all_rules, get_rule, rules_markdown
from harvester_iac.policy import _rule as registry
from tests.policy._support import FIXTURES, REPO

RULES_DIR = REPO / "harvester_iac" / "policy" / "rules"


def test_public_api_is_pinned() -> None:
    assert policy.__all__ == sorted(policy.__all__, key=lambda n: (not n.isupper(), n))
    assert {"validate", "gate_messages", "Finding", "Rule", "RuleContext", "Severity",
            "ValidationReport", "Thresholds", "load_waivers", "load_baseline",
            "all_rules"} <= set(policy.__all__)
    for name in policy.__all__:
        assert hasattr(policy, name), name


def test_every_rule_file_holds_one_rule_and_its_instance() -> None:
    files = sorted(p for p in RULES_DIR.rglob("*.py") if not p.name.startswith("_"))
    assert len(files) == len(all_rules())
    for path in files:
        tree = ast.parse(path.read_text())
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        assert len(classes) == 1, path
        assigns = [n for n in tree.body if isinstance(n, ast.Assign)
                   and isinstance(n.value, ast.Call) and getattr(n.value.func, "id", "")
                   == classes[0].name]
        assert len(assigns) == 1, f"{path}: one module-level instance of {classes[0].name}"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_metadata_test_and_fixtures(rule: Rule) -> None:
    assert re.fullmatch(r"HIAC-[A-Z]+-\d{3}", rule.id)
    assert rule.title and not rule.title.endswith(".")
    assert len(rule.why) > 80 and len(rule.fix) > 20
    snake = rule.id.lower().replace("-", "_")
    assert (REPO / "tests" / "policy" / "rules" / f"test_{snake}.py").is_file()
    assert list((FIXTURES / rule.id).glob("pass-*.yaml")), f"{rule.id} has no passing fixture"
    assert list((FIXTURES / rule.id).glob("fail-*.yaml")), f"{rule.id} has no failing fixture"


def test_adding_a_file_adds_a_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "extra_rules"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from harvester_iac.policy._rule import import_submodules\n"
        "import_submodules(__name__, __path__)\n")
    (pkg / "always.py").write_text(
        "from harvester_iac.policy import Category, ResourceKind, Rule, Severity\n"
        "class Always(Rule):\n"
        "    id = 'HIAC-TEST-001'; title = 'Test'; severity = Severity.INFO\n"
        "    category = Category.EVIDENCE; applies_to = ResourceKind.SITE\n"
        "    why = 'w'; fix = 'f'\n"
        "    def evaluate(self, ctx):\n"
        "        yield self.finding(resources=self.subjects(ctx), message='always')\n"
        "RULE = Always()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        __import__("extra_rules")
        rule = get_rule("HIAC-TEST-001")
        assert rule is not None and rule in all_rules()
    finally:
        registry._REGISTRY.pop("HIAC-TEST-001", None)
        for name in [m for m in sys.modules if m.startswith("extra_rules")]:
            del sys.modules[name]


def test_two_classes_cannot_share_an_id() -> None:
    from harvester_iac.policy import Category, ResourceKind, Severity

    class Clash(Rule):
        id = "HIAC-PLACEMENT-001"
        title = "Clash"
        severity = Severity.INFO
        category = Category.PLACEMENT
        applies_to = ResourceKind.SITE
        why = "w"
        fix = "f"

    with pytest.raises(RuleError, match="HIAC-PLACEMENT-001 is used by both"):
        Clash()


def test_docs_rules_md_is_current() -> None:
    committed = (REPO / "docs" / "rules.md").read_text()
    assert committed == rules_markdown(), (
        "docs/rules.md is stale; regenerate it (see harvester_iac/policy/_docs.py)")
