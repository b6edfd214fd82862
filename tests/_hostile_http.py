"""A loopback HTTP server that plays a hostile Prometheus or Kubernetes API.

No real Kubernetes API server runs here, and a real Prometheus does not misbehave on
demand, so the tests speak HTTP on 127.0.0.1 to this server instead. Each request is
answered by the ``behave`` function of the test: it gets the request (path, headers) and
returns a :class:`Reply`, which can drip its headers or body slowly, stream more bytes
than any cap, or echo what the client sent. Every request's headers are recorded.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    """What to send: ``status`` and ``body``; ``drip_s`` sends the body a byte at a time
    with that pause, ``drip_headers`` drips the header lines too; ``stream`` sends that
    many bytes (``endless`` forever) after ``body``."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    drip_s: float = 0.0
    drip_headers: bool = False
    stream: int = 0
    endless: bool = False
    content_length: int | None = None


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


Behave = Callable[[Seen], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    behave: Behave
    seen: list[Seen]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
        self.server.seen.append(seen)
        reply = self.server.behave(seen)
        try:
            self._send(reply)
        except OSError:  # the client hung up (deadline, cap): what the tests want
            pass

    def _send(self, r: Reply) -> None:
        headers = dict(r.headers)
        length = r.content_length
        if length is None and not r.endless:
            length = len(r.body) + r.stream
        if length is not None:
            headers["Content-Length"] = str(length)
        head = f"HTTP/1.1 {r.status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += "Connection: close\r\n\r\n"
        if r.drip_headers:
            for byte in head.encode():
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(r.drip_s)
        else:
            self.wfile.write(head.encode())
        if r.drip_s and not r.drip_headers:
            for byte in r.body or b" " * 10_000:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(r.drip_s)
            return
        self.wfile.write(r.body)
        block = b"0" * 65536
        sent = 0
        while r.endless or sent < r.stream:
            n = min(len(block), r.stream - sent) if not r.endless else len(block)
            self.wfile.write(block[:n])
            sent += n
        self.wfile.flush()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def hostile_server(behave: Behave) -> Iterator[tuple[str, list[Seen]]]:
    """``(base URL, requests seen)`` of a server answering with ``behave``."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.behave = behave
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_kubeconfig(folder: Path, url: str, user: str) -> Path:
    """A kubeconfig in ``folder`` whose one context points at ``url`` as ``user`` (YAML flow text)."""
    path = folder / "kubeconfig.yaml"
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: c\n  cluster: {{server: '{url}'}}\n"
        f"users:\n- name: u\n  user: {user}\n"
        "contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n")
    return path
