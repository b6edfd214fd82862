"""A hostile Prometheus on loopback (tests/_hostile_http.py): credentials sent properly and
never shown, one deadline and one byte cap per source, garbage answered with a reason.

The well-behaved answers are the recorded ones of tests/fixtures/prometheus/api/.
"""

from __future__ import annotations

import base64
import json
import resource
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from harvester_iac.cli import main
from harvester_iac.observe import SourceState, query_prometheus
from harvester_iac.observe._prometheus import QUERIES
from tests._hostile_http import Reply, Seen, hostile_server
from tests.observe._paths import PROMETHEUS

BY_QUERY = {promql: str(name) for name, promql in QUERIES}
SECRET = "canary-s3cr3t-Pa55"
TOKEN = "canary-t0ken-XyZ"


def _recorded(seen: Seen) -> Reply:
    promql = parse_qs(urlsplit(seen.path).query)["query"][0]
    return Reply(body=(PROMETHEUS / "api" / f"{BY_QUERY[promql]}.json").read_bytes())


def _with_auth(url: str, user: str = "ops", password: str = SECRET) -> str:
    return url.replace("http://", f"http://{user}:{password}@")


def test_url_userinfo_is_sent_as_basic_auth_and_never_kept(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with hostile_server(_recorded) as (url, seen):
        out = tmp_path / "snap.json"
        assert main(["observe", "--prometheus", _with_auth(url), "-o", str(out)]) == 0
    expected = "Basic " + base64.b64encode(f"ops:{SECRET}".encode()).decode()
    assert seen and all(s.headers.get("authorization") == expected for s in seen)
    assert all(SECRET not in s.path for s in seen)
    captured = capsys.readouterr()
    for text in (captured.out, captured.err, out.read_text()):
        assert SECRET not in text and "ops:" not in text
    assert json.loads(out.read_text())["metrics"]["url"] == url


def test_a_percent_encoded_password_is_decoded_before_sending() -> None:
    with hostile_server(_recorded) as (url, seen):
        _, status = query_prometheus(_with_auth(url, password="p%40ss%3Aword"))
    assert status.state is SourceState.OK
    assert seen[0].headers["authorization"] == "Basic " + base64.b64encode(b"ops:p@ss:word").decode()


@pytest.mark.parametrize("via", ["flag", "env"])
def test_a_token_is_sent_as_bearer(via: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    with hostile_server(_recorded) as (url, seen):
        args = ["observe", "--prometheus", url, "--format", "json"]
        if via == "flag":
            args += ["--prometheus-token", TOKEN]
        else:
            monkeypatch.setenv("HARVESTER_IAC_PROMETHEUS_TOKEN", TOKEN)
        assert main(args) == 0
    assert seen and all(s.headers.get("authorization") == f"Bearer {TOKEN}" for s in seen)
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err


def test_a_401_echoing_the_credentials_is_redacted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    def echo(seen: Seen) -> Reply:
        auth = seen.headers.get("authorization", "")
        body = {"status": "error", "errorType": "unauthorized",
                "error": f"bad credentials {auth} for {TOKEN} / {SECRET} / {seen.path}"}
        return Reply(status=401, body=json.dumps(body).encode())

    with hostile_server(echo) as (url, _):
        out = tmp_path / "snap.json"
        assert main(["observe", "--prometheus", _with_auth(url), "--prometheus-token", TOKEN,
                     "-o", str(out)]) == 0
    captured = capsys.readouterr()
    snap = out.read_text()
    assert "unauthorized" in snap and "***" in snap
    basic = base64.b64encode(f"ops:{SECRET}".encode()).decode()
    for text in (captured.out, captured.err, snap):
        assert TOKEN not in text and SECRET not in text and basic not in text


def test_labels_echoing_the_token_are_redacted() -> None:
    def echo(seen: Seen) -> Reply:
        body = {"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {"instance": seen.headers.get("authorization", "")}, "value": [1, "0.01"]}]}}
        return Reply(body=json.dumps(body).encode())

    with hostile_server(echo) as (url, _):
        metrics, _ = query_prometheus(url, token=TOKEN)
    assert metrics is not None
    assert all(TOKEN not in v for s in metrics.samples for _, v in s.labels)


@pytest.mark.parametrize("drip_headers", [False, True], ids=["body", "headers"])
def test_a_dripping_server_meets_one_deadline_for_the_whole_source(drip_headers: bool) -> None:
    """A byte every 0.3 s forever: without one overall deadline each query would wait forever."""
    with hostile_server(lambda s: Reply(body=b"", drip_s=0.3, drip_headers=drip_headers,
                                        content_length=10_000)) as (url, seen):
        start = time.monotonic()
        metrics, status = query_prometheus(url, deadline_s=2)
        took = time.monotonic() - start
    assert took < 4, took
    assert metrics is None and status.state is SourceState.FAILED
    assert status.error is not None and "deadline of 2 s for this source was reached" in status.error
    assert len(seen) == 1  # the deadline is for the source, not per query


def test_the_deadline_after_some_answers_is_a_partial_source() -> None:
    def behave(seen: Seen) -> Reply:
        if "slow_apply" in seen.path:
            return Reply(body=b"", drip_s=0.3, content_length=10_000)
        return _recorded(seen)

    with hostile_server(behave) as (url, _):
        metrics, status = query_prometheus(url, deadline_s=2)
    assert status.state is SourceState.PARTIAL and metrics is not None
    assert status.error is not None and "etcd_slow_apply_total: stopped: the deadline" in status.error


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "endless"])
def test_a_huge_answer_hits_the_byte_cap_with_bounded_memory(declared: bool) -> None:
    huge = 800 * 1024 * 1024
    reply = Reply(body=b'{"status": "success", "data": "', stream=huge if declared else 0, endless=not declared)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with hostile_server(lambda s: reply) as (url, _):
        start = time.monotonic()
        metrics, status = query_prometheus(url, max_bytes=4 * 1024 * 1024, deadline_s=20)
        took = time.monotonic() - start
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert metrics is None and status.state is SourceState.FAILED
    assert status.error is not None and "exceeded the cap of 4194304 bytes" in status.error
    assert took < 10 and grown_mb < 64, (took, grown_mb)


@pytest.mark.parametrize("body", [
    b"\x00\xff garbage", b"{" * 100_000, b"[" * 200_000 + b"]" * 200_000,
    b'{"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1, ' +
    b"9" * 5000 + b"]}]}}",
    b'{"status": "success", "data": {"resultType": "matrix", "result": []}}', b"null", b"[]",
])
def test_garbage_answers_are_recorded_with_a_reason(body: bytes) -> None:
    with hostile_server(lambda s: Reply(body=body)) as (url, _):
        metrics, status = query_prometheus(url)
    assert metrics is None and status.state is SourceState.FAILED
    assert status.error and len(status.error) < 4000


def test_a_redirect_is_not_followed_with_the_credentials() -> None:
    with hostile_server(_recorded) as (elsewhere, seen_elsewhere), \
            hostile_server(lambda s: Reply(status=302, headers={"Location": elsewhere + s.path})) as (url, _):
        metrics, status = query_prometheus(url, token=TOKEN)
    assert seen_elsewhere == []
    assert metrics is None and status.error is not None and "redirect (not followed" in status.error
