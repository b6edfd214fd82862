"""The live Longhorn reader with the real ``kubernetes`` client, at the HTTP level.

No Kubernetes API server can run here. These tests start a loopback ``http.server`` that
answers the Longhorn list requests with recorded responses (tests/fixtures/longhorn-api/:
typed lists with ``continue`` tokens, and Status bodies for 403/404/410), write a
kubeconfig pointing at ``http://127.0.0.1:<port>``, and let the real client page through
it. What is tested is what the client sends (paths, ``limit``, ``continue``, the bearer
token) and how each failure is recorded — not a cluster's behaviour.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from harvester_iac.cli import main
from harvester_iac.errors import InputError
from harvester_iac.observe import (
    LiveOptions,
    SourceState,
    load_snapshot,
    read_longhorn_files,
    read_longhorn_live,
)
from tests.observe._paths import INCIDENT_LONGHORN, LONGHORN_API

PREFIX = "/apis/longhorn.io/v1beta2/namespaces/longhorn-system/"
TOKEN = "test-token-7f3a"


def _body(name: str) -> bytes:
    return (LONGHORN_API / name).read_bytes()


@dataclass
class FakeApi:
    """Per plural: ``ok``, ``403``, ``404``, ``410`` (expire the second page) or ``slow``."""

    behaviour: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, list[str]], str | None]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        plural = path.removeprefix(PREFIX)
        mode = self.behaviour.get(plural, "ok")
        token = query.get("continue", [None])[0]
        if mode == "403":
            return 403, _body("status-403-settings.json")
        if mode == "404" or not path.startswith(PREFIX):
            return 404, _body("status-404.json")
        if mode == "slow":
            self.release.wait(10)
            return 200, _body(f"{plural}.json")
        if plural == "volumes":
            pages = [json.loads(_body(f"volumes-page-{i}.json")) for i in (1, 2, 3)]
            tokens = [None, pages[0]["metadata"]["continue"], pages[1]["metadata"]["continue"]]
            index = tokens.index(token)
            if mode == "410" and index == 1:
                return 410, _body("status-410-expired.json")
            return 200, json.dumps(pages[index]).encode()
        return 200, _body(f"{plural}.json")


@pytest.fixture
def api() -> Iterator[tuple[FakeApi, int]]:
    fake = FakeApi()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            fake.requests.append((url.path, query, self.headers.get("Authorization")))
            status, body = fake.answer(url.path, query)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, server.server_address[1]
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def _kubeconfig(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "altra.yaml"
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        "clusters:\n"
        f"- name: altra\n  cluster: {{server: 'http://127.0.0.1:{port}'}}\n"
        "- name: elsewhere\n  cluster: {server: 'http://127.0.0.1:9'}\n"
        f"users:\n- name: admin\n  user: {{token: {TOKEN}}}\n"
        "contexts:\n"
        "- name: altra\n  context: {cluster: altra, user: admin}\n"
        "- name: elsewhere\n  context: {cluster: elsewhere, user: admin}\n"
        "current-context: elsewhere\n"
    )
    return path


def _options(tmp_path: Path, port: int, **kw: object) -> LiveOptions:
    return LiveOptions(kubeconfig=_kubeconfig(tmp_path, port), context="altra", page_size=2,
                       timeout_s=kw.pop("timeout_s", 5.0), **kw)  # type: ignore[arg-type]


def test_pages_through_every_list_with_limit_and_continue(
    api: tuple[FakeApi, int], tmp_path: Path
) -> None:
    fake, port = api
    state, sources = read_longhorn_live(_options(tmp_path, port))
    expected, _ = read_longhorn_files(INCIDENT_LONGHORN)
    assert state == expected
    assert [s.state for s in sources] == [SourceState.OK] * 5
    assert sources[0].location == f"http://127.0.0.1:{port}{PREFIX}volumes"
    assert sources[0].detail == "context altra; 5 Volume objects in 3 pages"
    volume_calls = [q for p, q, _ in fake.requests if p.endswith("/volumes")]
    assert [q.get("limit") for q in volume_calls] == [["2"]] * 3
    assert [q.get("continue") is not None for q in volume_calls] == [False, True, True]
    assert {auth for _, _, auth in fake.requests} == {f"Bearer {TOKEN}"}


def test_forbidden_and_missing_crd_are_recorded_failures(api: tuple[FakeApi, int], tmp_path: Path) -> None:
    fake, port = api
    fake.behaviour.update(settings="403", replicas="404")
    state, sources = read_longhorn_live(_options(tmp_path, port))
    by = {s.location.rsplit("/", 1)[1]: s for s in sources}
    assert by["volumes"].state is SourceState.OK and by["nodes"].state is SourceState.OK
    assert by["settings"].state is SourceState.FAILED
    assert by["settings"].error is not None
    assert by["settings"].error.startswith("HTTP 403 Forbidden: forbidden to list settings.longhorn.io")
    assert 'cannot list resource "settings"' in by["settings"].error
    assert by["replicas"].state is SourceState.FAILED
    assert "replicas.longhorn.io/v1beta2 is not served" in (by["replicas"].error or "")
    assert state.settings == () and state.replicas == () and len(state.volumes) == 5


def test_expired_continue_token_leaves_a_partial_list(api: tuple[FakeApi, int], tmp_path: Path) -> None:
    fake, port = api
    fake.behaviour["volumes"] = "410"
    state, sources = read_longhorn_live(_options(tmp_path, port))
    assert sources[0].state is SourceState.PARTIAL
    assert "continue token expired" in (sources[0].error or "")
    assert sources[0].detail == "context altra; 2 Volume objects in 1 pages"
    assert len(state.volumes) == 2


def test_timeout_is_a_recorded_failure(api: tuple[FakeApi, int], tmp_path: Path) -> None:
    fake, port = api
    fake.behaviour["nodes"] = "slow"
    _, sources = read_longhorn_live(_options(tmp_path, port, timeout_s=0.5))
    nodes = sources[2]
    assert nodes.state is SourceState.FAILED
    assert (nodes.error or "").startswith("timed out")


def test_refused_connection_is_a_recorded_failure(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    state, sources = read_longhorn_live(_options(tmp_path, port))
    assert [s.state for s in sources] == [SourceState.FAILED] * 5
    assert all("refused" in (s.error or "") for s in sources), [s.error for s in sources]
    assert state.empty


def test_unusable_kubeconfig_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such kubeconfig"):
        read_longhorn_live(LiveOptions(kubeconfig=tmp_path / "absent.yaml"))
    path = _kubeconfig(tmp_path, 1)
    with pytest.raises(InputError) as info:
        read_longhorn_live(LiveOptions(kubeconfig=path, context="nope"))
    assert info.value.file == str(path) and "nope" in str(info.value)


def test_client_factory_seam_is_used(api: tuple[FakeApi, int], tmp_path: Path) -> None:
    _, port = api
    seen: list[tuple[Path, str | None]] = []

    def factory(kubeconfig: Path, context: str | None) -> object:
        from kubernetes import client

        seen.append((kubeconfig, context))
        configuration = client.Configuration()
        configuration.host = f"http://127.0.0.1:{port}"
        return client.ApiClient(configuration)

    options = _options(tmp_path, port, client_factory=factory)
    state, _ = read_longhorn_live(options)
    assert seen == [(options.kubeconfig, "altra")] and len(state.volumes) == 5


def test_observe_kubeconfig_records_live_sources_in_the_snapshot(
    api: tuple[FakeApi, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, port = api
    fake.behaviour["settings"] = "403"
    out = tmp_path / "snap.json"
    code = main(["observe", "--kubeconfig", str(_kubeconfig(tmp_path, port)), "--context", "altra",
                 "-o", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "FAILED  kubernetes" in text and "HTTP 403" in text
    snap = load_snapshot(out)
    assert [s.state for s in snap.sources] == [SourceState.OK] * 3 + [SourceState.FAILED, SourceState.OK]
    assert len(snap.longhorn.volumes) == 5 and snap.longhorn.settings == ()
