"""HTTP GET for live sources under one budget, with credentials that never leak.

A live source gets one :class:`Budget`: an overall deadline and a byte cap for all its
requests together. A server that drips a byte every two seconds or answers with 800 MB
hits one of them; the caller records a partial or failed source with the reason.
The deadline is enforced by a watchdog that shuts the socket down, so no single
``recv`` (headers included) can outlast it.

Credentials come from URL userinfo (``http://user:pass@host``: sent as basic auth, never
kept in the URL), a bearer token, or both forms' environment variables. Every text that
leaves a reader (errors, details, echoed server messages) goes through a
:class:`Redactor` that knows each secret in every spelling it could come back in.
Redirects are not followed: a redirect would carry the ``Authorization`` header elsewhere.
"""

from __future__ import annotations

import base64
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import http.client

__all__ = [
    "Budget",
    "BudgetExceeded",
    "Credentials",
    "Redactor",
    "bounded_get",
    "split_userinfo",
    "without_userinfo",
]

_CHUNK = 1 << 16


class BudgetExceeded(Exception):
    """The source's deadline or byte cap was reached; ``str()`` says which."""


@dataclass
class Budget:
    """What one source may still spend: seconds until ``deadline`` and ``bytes_left``."""

    seconds: float
    max_bytes: int
    deadline: float = field(init=False)
    bytes_left: int = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds
        self.bytes_left = self.max_bytes

    def remaining(self) -> float:
        """Seconds left; ``BudgetExceeded`` when none are."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self.deadline_reached()
        return left

    def deadline_reached(self) -> BudgetExceeded:
        return BudgetExceeded(f"the deadline of {self.seconds:g} s for this source was reached")

    def read_all(self, read: Callable[[int], bytes]) -> bytes:
        """Everything ``read(n)`` gives until it gives ``b""``: each chunk spent, the deadline checked.

        Never asks for more than one byte past the cap, so an oversized answer stops there.
        """
        chunks: list[bytes] = []
        while True:
            chunk = read(min(_CHUNK, max(self.bytes_left + 1, 1)))
            if not chunk:
                return b"".join(chunks)
            self.spend(len(chunk))
            chunks.append(chunk)
            self.remaining()

    def spend(self, n: int) -> None:
        self.bytes_left -= n
        if self.bytes_left < 0:
            raise BudgetExceeded(f"the answers exceeded the cap of {self.max_bytes} bytes for this source")


@dataclass(frozen=True)
class Credentials:
    """Basic auth (``username``/``password``) or a bearer ``token``; both empty: none."""

    username: str | None = None
    password: str | None = None
    token: str | None = None

    def header(self) -> str | None:
        """The ``Authorization`` header value, or ``None``."""
        if self.token:
            return f"Bearer {self.token}"
        if self.username is not None or self.password is not None:
            pair = f"{self.username or ''}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        return None

    def secrets(self) -> tuple[str, ...]:
        """Every string that would reveal a credential if it were printed."""
        out: list[str] = []
        for s in (self.password, self.token):
            if s:
                out += [s, urllib.parse.quote(s, safe=""), urllib.parse.quote_plus(s)]
        header = self.header()
        if header and (self.password or self.token):
            out.append(header.split(" ", 1)[1])
        return tuple(sorted({s for s in out if len(s) >= 1}, key=len, reverse=True))


class Redactor:
    """Replaces every known secret in a text by ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        for s in self._secrets:
            text = text.replace(s, "***")
        return text

    def __bool__(self) -> bool:
        return bool(self._secrets)


def without_userinfo(url: str) -> str:
    """``url`` with any ``user:pass@`` cut out, for messages; never fails.

    Cuts up to the last ``@`` before the path: a password typed with a ``/`` in it is cut too.
    """
    head, sep, rest = url.partition("//")
    if not sep:
        return url
    authority_end = max(rest.rfind("@", 0, len(rest) if "?" not in rest else rest.index("?")), -1)
    return head + sep + rest[authority_end + 1:] if authority_end >= 0 else url


def split_userinfo(url: str) -> tuple[str, Credentials]:
    """``url`` without ``user:pass@``, and the credentials it carried (URL-decoded).

    ``ValueError`` for a URL that cannot be split (bad port, broken IPv6 literal).
    """
    parts = urllib.parse.urlsplit(url)
    _ = parts.port  # raises ValueError for a port that is not one
    if parts.username is None and parts.password is None:
        return url, Credentials()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port is not None else "")
    clean = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    user = urllib.parse.unquote(parts.username) if parts.username is not None else None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return clean, Credentials(username=user, password=password)


def _connection(parts: urllib.parse.SplitResult, timeout: float) -> http.client.HTTPConnection:
    import http.client  # here: observe without a live source never loads it

    host = parts.hostname or ""
    if parts.scheme == "https":
        return http.client.HTTPSConnection(host, parts.port, timeout=timeout)
    return http.client.HTTPConnection(host, parts.port, timeout=timeout)


def bounded_get(url: str, *, budget: Budget, timeout: float | None = None,
                headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    """``(status, body)`` of a GET, within ``budget``; ``BudgetExceeded`` or ``OSError`` else.

    ``timeout`` bounds each wait of the socket (``TimeoutError``, a slow request); the
    connection is shut down when the budget's deadline passes, whatever it is waiting for.
    """
    import http.client
    import socket
    import threading

    parts = urllib.parse.urlsplit(url)
    conn = _connection(parts, min(timeout or budget.remaining(), budget.remaining()))
    cut = threading.Event()
    sockets: list[socket.socket] = []

    def watchdog() -> None:  # the response takes the socket over from conn: keep our own handle
        cut.set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(budget.remaining(), watchdog)
    timer.daemon = True
    timer.start()
    try:
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        conn.connect()
        if conn.sock is not None:
            sockets.append(conn.sock)
        if cut.is_set():
            raise budget.deadline_reached()
        conn.request("GET", target, headers={"Accept": "application/json", **(headers or {})})
        response = conn.getresponse()
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > budget.bytes_left:
            budget.spend(int(length))
        return response.status, budget.read_all(response.read)
    except (OSError, http.client.HTTPException) as exc:
        if cut.is_set():
            raise budget.deadline_reached() from None
        if isinstance(exc, OSError):
            raise
        raise OSError(f"{type(exc).__name__}: {exc}") from None
    finally:
        timer.cancel()
        conn.close()
