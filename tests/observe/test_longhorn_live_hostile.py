"""A hostile Kubernetes API on loopback (tests/_hostile_http.py), read by the real client.

No Kubernetes API server can run here: the loopback server answers the Longhorn list
requests with recorded pages (tests/fixtures/longhorn-api/) or misbehaves on purpose.
What is tested is the reader's answer to it: one deadline for all lists, a byte cap,
partial pages kept as partial, garbage recorded with a reason, the token never shown.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.observe import LiveOptions, LonghornState, SourceState, SourceStatus, read_longhorn_live
from tests._hostile_http import Reply, Seen, hostile_server, write_kubeconfig
from tests.observe._paths import LONGHORN_API

TOKEN = "canary-k8s-t0ken-Q9"
PASSWORD = "canary-k8s-passw0rd"


def _kubeconfig(tmp_path: Path, url: str, user: str = f"{{token: {TOKEN}}}") -> Path:
    return write_kubeconfig(tmp_path, url, user)


def _recorded(seen: Seen) -> Reply:
    plural = seen.path.split("?")[0].rsplit("/", 1)[1]
    return Reply(body=(LONGHORN_API / f"{plural}.json").read_bytes())


def _read(tmp_path: Path, url: str, **kw: object) -> tuple[LonghornState, list[SourceStatus]]:
    options = LiveOptions(kubeconfig=_kubeconfig(tmp_path, url), timeout_s=kw.pop("timeout_s", 5.0),
                          **kw)  # type: ignore[arg-type]
    state, sources = read_longhorn_live(options)
    return state, list(sources)


def test_dripping_headers_meet_one_deadline_for_all_lists(tmp_path: Path) -> None:
    with hostile_server(lambda s: Reply(drip_s=0.2, drip_headers=True, body=b"{}")) as (url, _):
        start = time.monotonic()
        _, sources = _read(tmp_path, url, deadline_s=2.0, timeout_s=1.0)
        took = time.monotonic() - start
    assert took < 5, took
    assert all(s.state is SourceState.FAILED for s in sources)
    errors = [s.error for s in sources]
    assert any("deadline of 2 s for the Kubernetes source was reached" in (e or "") for e in errors), errors


def test_a_huge_page_hits_the_byte_cap(tmp_path: Path) -> None:
    with hostile_server(lambda s: Reply(body=b'{"items": [', endless=True)) as (url, _):
        start = time.monotonic()
        _, sources = _read(tmp_path, url, max_bytes=2 * 1024 * 1024, deadline_s=20.0)
        took = time.monotonic() - start
    assert took < 10
    assert "exceeded the cap of 2097152 bytes" in (sources[0].error or "")


def test_a_page_that_breaks_off_leaves_a_partial_list(tmp_path: Path) -> None:
    first = json.loads((LONGHORN_API / "volumes-page-1.json").read_bytes())

    def behave(seen: Seen) -> Reply:
        if "/volumes" in seen.path and "continue=" in seen.path:
            whole = (LONGHORN_API / "volumes-page-2.json").read_bytes()
            return Reply(body=whole[: len(whole) // 2], content_length=len(whole))  # connection drops
        if "/volumes" in seen.path:
            return Reply(body=json.dumps(first).encode())
        return _recorded(seen)

    with hostile_server(behave) as (url, _):
        _, sources = _read(tmp_path, url, timeout_s=2.0)
    volumes = sources[0]
    assert volumes.state is SourceState.PARTIAL, volumes
    assert (volumes.detail or "").endswith("in 1 pages")


@pytest.mark.parametrize("body", [b"<html>gateway</html>", b"{" * 50_000, b'{"items": 7}', b"[1, 2]",
                                  b'{"items": [{"kind": "Volume", "metadata": ' + b"9" * 5000 + b"}]}"])
def test_garbage_pages_are_failed_lists_with_a_reason(tmp_path: Path, body: bytes) -> None:
    """An answer that is not a list (not JSON, or JSON of another shape) is a page that said
    nothing: the list is partial, with the reason, and no object is made up."""
    with hostile_server(lambda s: Reply(body=body)) as (url, _):
        state, sources = _read(tmp_path, url)
    assert state.empty
    assert all(s.state in (SourceState.FAILED, SourceState.PARTIAL) and s.error for s in sources), sources


@pytest.mark.parametrize(("user", "secret"), [(f"{{token: {TOKEN}}}", TOKEN),
                                              (f"{{username: admin, password: {PASSWORD}}}", PASSWORD)],
                         ids=["token", "basic"])
def test_a_401_echoing_the_credentials_is_redacted(tmp_path: Path, user: str, secret: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def echo(seen: Seen) -> Reply:
        status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 401,
                  "reason": "Unauthorized",
                  "message": f"token {seen.headers.get('authorization')} ({secret}) is not valid"}
        return Reply(status=401, body=json.dumps(status).encode())

    with hostile_server(echo) as (url, seen):
        out = tmp_path / "snap.json"
        code = main(["observe", "--kubeconfig", str(_kubeconfig(tmp_path, url, user)), "-o", str(out)])
    assert code == 0 and seen
    captured = capsys.readouterr()
    snap = out.read_text()
    assert "the credentials were refused" in snap and "***" in snap
    for text in (captured.out, captured.err, snap):
        assert secret not in text


def test_a_huge_error_body_hits_the_byte_cap_too(tmp_path: Path) -> None:
    """The client reads an error's body whole; the reader caps that read as well."""
    with hostile_server(lambda s: Reply(status=500, body=b'{"message": "', endless=True)) as (url, _):
        start = time.monotonic()
        _, sources = _read(tmp_path, url, max_bytes=2 * 1024 * 1024, deadline_s=20.0)
        took = time.monotonic() - start
    assert took < 10
    assert "exceeded the cap of 2097152 bytes" in (sources[0].error or ""), sources[0]
