"""Canary credentials in every position never appear in any output.

A loopback server (tests/_hostile_http.py) plays a Prometheus and a Kubernetes API that
echo everything they receive (the Authorization header, the path, the canaries
themselves) in 401 errors, in error messages of successful answers and in label values.
Each canary goes in through one position: URL userinfo, ``--prometheus-token``, the
``HARVESTER_IAC_PROMETHEUS_TOKEN`` variable, a kubeconfig's token or password. Then
stdout, stderr and the snapshot of ``observe`` (text and json), and every format of
``validate`` reading that snapshot, are searched for the canary in each spelling a
client could send it (raw, percent-encoded, inside a basic-auth token).
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path

import pytest

from harvester_iac.cli import main
from tests._hostile_http import Reply, Seen, hostile_server, write_kubeconfig

ROOT = Path(__file__).resolve().parents[2]
BEFORE_FIX = ROOT / "examples" / "inventories" / "altra-before-fix.yaml"
FORMATS = ["text", "json", "sarif", "junit", "markdown", "github"]
CANARY = "CaNaRy-7c1d+9/x=="  # characters that percent-encoding and base64 both change


def _spellings(secret: str, user: str = "ops") -> list[str]:
    return [secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
            base64.b64encode(f"{user}:{secret}".encode()).decode(), base64.b64encode(secret.encode()).decode()]


def _echo(seen: Seen) -> Reply:
    said = f"{seen.headers.get('authorization')} {seen.path} {CANARY}"
    if "/api/v1/query" in seen.path and "slow_apply" in seen.path:  # one answer succeeds, echoing in a label
        body = {"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {"instance": said}, "value": [1, "1"]}]}}
        return Reply(body=json.dumps(body).encode())
    if "/api/v1/query" in seen.path:
        body = {"status": "error", "errorType": "unauthorized", "error": f"denied {said}"}
        return Reply(status=401, body=json.dumps(body).encode())
    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 401, "reason": "Unauthorized",
              "message": f"denied {said}"}
    return Reply(status=401, body=json.dumps(status).encode())


POSITIONS = ["url-password", "prometheus-token", "env-token", "kubeconfig-token", "kubeconfig-password"]


@pytest.mark.parametrize("position", POSITIONS)
def test_a_canary_never_leaves(position: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    outputs: list[str] = []
    with hostile_server(_echo) as (url, seen):
        args: list[str]
        if position == "url-password":
            quoted = urllib.parse.quote(CANARY, safe="")
            args = ["--prometheus", url.replace("http://", f"http://ops:{quoted}@")]
        elif position == "prometheus-token":
            args = ["--prometheus", url, "--prometheus-token", CANARY]
        elif position == "env-token":
            monkeypatch.setenv("HARVESTER_IAC_PROMETHEUS_TOKEN", CANARY)
            args = ["--prometheus", url]
        elif position == "kubeconfig-token":
            args = ["--kubeconfig", str(write_kubeconfig(tmp_path, url, f"{{token: '{CANARY}'}}"))]
        else:
            args = ["--kubeconfig", str(write_kubeconfig(tmp_path, url, f"{{username: ops, password: '{CANARY}'}}"))]
        snap = tmp_path / "snap.json"
        for fmt in ("text", "json"):
            assert main(["observe", *args, "--format", fmt, "-o", str(snap)]) == 0
            captured = capsys.readouterr()
            outputs += [captured.out, captured.err, snap.read_text()]
    assert seen, "the server was never asked"
    assert any(CANARY in s.headers.get("authorization", "") or
               base64.b64encode(f"ops:{CANARY}".encode()).decode() in s.headers.get("authorization", "")
               for s in seen), "the credential was not sent"
    for fmt in FORMATS:
        main(["validate", "--inventory", str(BEFORE_FIX), "--observed", str(snap), "--format", fmt])
        captured = capsys.readouterr()
        outputs += [captured.out, captured.err]
    assert "***" in snap.read_text()  # the echo was there, and was redacted
    for text in outputs:
        for spelling in _spellings(CANARY):
            assert spelling not in text, (position, spelling, text[:500])


def test_a_bad_url_with_a_password_does_not_echo_it(capsys: pytest.CaptureFixture[str]) -> None:
    for url in (f"ftp://ops:{CANARY}@host", f"http://ops:{CANARY}@host:99999", f"http://ops:{CANARY}@[::1"):
        assert main(["observe", "--prometheus", url]) == 2
        captured = capsys.readouterr()
        assert CANARY not in captured.out + captured.err
