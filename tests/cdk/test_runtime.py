"""Runtime selection (``HARVESTER_IAC_CDK``) and the import budget of the pure core.

Each check runs in a fresh interpreter: ``sys.modules`` of the test process already holds
the CDK runtime.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from harvester_iac import cdk

pytestmark = pytest.mark.cdk

HEAVY = ("cdktf", "cdktn", "jsii", "constructs", "harvester_iac.cdk")


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != cdk.ENV_VAR} | env
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("package", ["model", "render", "observe", "scheduler", "policy", "report"])
def test_pure_core_never_imports_the_cdk_runtime(package: str) -> None:
    proc = _run(f"import sys, harvester_iac.{package}\n"
                f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m == 'harvester_iac.cdk'))")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize("runtime", ["cdktf", "cdktn"])
def test_the_environment_selects_the_runtime(runtime: str) -> None:
    other = "cdktn" if runtime == "cdktf" else "cdktf"
    proc = _run("import sys\nfrom harvester_iac import cdk\n"
                f"print(cdk.RUNTIME, cdk.App.__module__, {other!r} in sys.modules)",
                HARVESTER_IAC_CDK=runtime)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [runtime, runtime, "False"]


def test_default_runtime_is_cdktf_when_installed() -> None:
    proc = _run("from harvester_iac import cdk; print(cdk.RUNTIME)")
    assert proc.stdout.strip() == "cdktf"


def test_unknown_runtime_is_bad_input() -> None:
    proc = _run("from harvester_iac.cli import main; raise SystemExit(main(['synth', '--out', '/nonexistent/x']))",
                HARVESTER_IAC_CDK="pulumi")
    assert proc.returncode == 2
    assert 'HARVESTER_IAC_CDK: unknown CDK runtime "pulumi"; expected cdktf or cdktn' in proc.stderr
    assert "Traceback" not in proc.stderr


def test_this_process_runs_the_requested_runtime() -> None:
    """CI runs this suite twice; each run must really exercise the runtime it names."""
    assert cdk.RUNTIME == (os.environ.get(cdk.ENV_VAR) or "cdktf")
    assert cdk.RUNTIME_VERSION == {"cdktf": "0.21.0", "cdktn": "0.24.0"}[cdk.RUNTIME]
