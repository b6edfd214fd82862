"""Read Longhorn objects live through the Kubernetes API (``kubernetes`` client).

Lists ``longhorn.io/v1beta2`` volumes, replicas, nodes, settings and engines in
``longhorn-system`` with paging (``limit`` / ``continue``). Every list is one source
status: a 403, a timeout, a refused connection, a missing CRD (404) or an expired
``continue`` token is recorded as ``failed`` (nothing read) or ``partial`` (some pages
read) with the reason — never as an empty, healthy-looking cluster.

A kubeconfig that cannot be used at all (missing file, unknown context) is bad input and
raises :class:`InputError`. ``client_factory`` is the test seam: it builds the
``kubernetes.client.ApiClient`` from the kubeconfig path and context.

All lists share one :class:`Budget` (``deadline_s``, ``max_bytes``): each call runs on
a worker thread the reader stops waiting for at the deadline (a server dripping its
headers cannot hold ``observe``), bodies are read in chunks against the byte cap, and
the lists not reached are recorded as failed with the reason. The kubeconfig's token and
password are redacted from every error, also when the server echoes them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harvester_iac._files import input_error, read_regular
from harvester_iac._json import load_json
from harvester_iac.core import InputError, Located, SourceError, map_foreign_errors, source_failure
from harvester_iac.observe._http import Budget, BudgetExceeded, Redactor, without_userinfo
from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus
from harvester_iac.observe.longhorn._files import objects_in_document
from harvester_iac.observe.longhorn._objects import LonghornObject, LonghornState, parse_longhorn_object

__all__ = ["LONGHORN_PLURALS", "ClientFactory", "LiveOptions", "read_longhorn_live"]

#: The lists read, in order: plural resource name → object kind.
LONGHORN_PLURALS: tuple[tuple[str, str], ...] = (
    ("volumes", "Volume"),
    ("replicas", "Replica"),
    ("nodes", "Node"),
    ("settings", "Setting"),
    ("engines", "Engine"),
)

GROUP = "longhorn.io"
VERSION = "v1beta2"

#: Builds a ``kubernetes.client.ApiClient`` from (kubeconfig path, context).
ClientFactory = Callable[[Path, str | None], Any]

_MAX_PAGES = 10_000
_MAX_KUBECONFIG = 16 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class LiveOptions:
    """How to reach the cluster.

    ``timeout_s`` bounds each request (connect and read); ``page_size`` is the ``limit``
    of each list call; ``deadline_s`` and ``max_bytes`` bound all lists together.
    """

    kubeconfig: Path
    context: str | None = None
    namespace: str = "longhorn-system"
    page_size: int = 200
    timeout_s: float = 15.0
    deadline_s: float = 60.0
    max_bytes: int = 64 * 1024 * 1024
    client_factory: ClientFactory | None = None


def _default_client(kubeconfig: Path, context: str | None) -> Any:
    from kubernetes import client, config  # heavy: imported only for the live path

    from harvester_iac._yaml import load_yaml, read_text

    # Read it ourselves first: binary or malformed YAML gets file:line:col, not the client's traceback.
    doc = load_yaml(read_text(kubeconfig), file=str(kubeconfig))
    if not isinstance(doc.value, dict):
        raise InputError("not a kubeconfig", file=str(kubeconfig), where="1:1",
                         expected="a YAML mapping with clusters, users and contexts")
    configuration = client.Configuration()
    load: Any = config.load_kube_config  # the client ships no type hints
    try:
        with map_foreign_errors(file=str(kubeconfig),
                                expected="a kubeconfig with a cluster, a user and the named context"):
            load(
                config_file=str(kubeconfig),
                context=context,
                client_configuration=configuration,
                persist_config=False,
            )
    except InputError as exc:
        exc.where = f"context {context!r}" if context else exc.where
        raise
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(
            f"cannot use the kubeconfig: {type(exc).__name__}: {exc}",
            file=str(kubeconfig),
            expected="a readable kubeconfig (YAML)",
        ) from None
    # One attempt per request: a refused or timed-out call is recorded, not retried 3x.
    configuration.retries = False
    return client.ApiClient(configuration)


class _CappedResponse:
    """A urllib3 response whose ``data`` (what the client reads for an error) obeys the cap."""

    def __init__(self, response: Any, budget: Budget) -> None:
        self._response = response
        self._budget = budget

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)

    @property
    def data(self) -> bytes:
        return _read_body(self._response, self._budget)


class _CappedPool:
    """The client's pool manager, handing out capped responses."""

    def __init__(self, pool: Any, budget: Budget) -> None:
        self._pool = pool
        self._budget = budget

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        return _CappedResponse(self._pool.request(*args, **kwargs), self._budget)


def _cap_client(api_client: Any, budget: Budget) -> None:
    """Every body the client reads, error bodies too, counts against ``budget``."""
    rest = getattr(api_client, "rest_client", None)
    pool = getattr(rest, "pool_manager", None)
    if rest is not None and pool is not None and not isinstance(pool, _CappedPool):
        rest.pool_manager = _CappedPool(pool, budget)


def _read_body(response: Any, budget: Budget) -> bytes:
    try:
        return budget.read_all(response.read)
    except BaseException:
        response.close()  # a connection left mid-answer is not reused
        raise
    finally:
        release = getattr(response, "release_conn", None)
        if callable(release):
            release()


def _page(api: Any, options: LiveOptions, plural: str, kwargs: dict[str, Any], budget: Budget) -> Any:
    """One list call on a worker thread; ``BudgetExceeded`` when the deadline comes first."""
    result: dict[str, Any] = {}

    def work() -> None:
        try:
            response = api.list_namespaced_custom_object(
                GROUP, VERSION, options.namespace, plural, _preload_content=False, **kwargs)
            data = _read_body(response, budget)
            try:
                result["body"] = load_json(data, file="answer", what="a Kubernetes list")
            except InputError:  # an answer, not a list (a login page): the caller says so
                result["body"] = data[:200].decode("utf-8", "replace")
        except BaseException as exc:  # handed to the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=work, name=f"list-{plural}", daemon=True)
    worker.start()
    worker.join(max(budget.deadline - time.monotonic(), 0))
    if worker.is_alive():
        raise BudgetExceeded(f"the deadline of {budget.seconds:g} s for the Kubernetes source was reached")
    if "error" in result:
        raise result["error"]
    return result["body"]


def _list_all(
    api: Any, options: LiveOptions, plural: str, kind: str, location: str,
    budget: Budget | None = None, redact: Redactor | None = None,
) -> tuple[list[LonghornObject], SourceStatus]:
    budget = budget or Budget(options.deadline_s, options.max_bytes)
    redact = redact or Redactor()
    objects: list[LonghornObject] = []
    pages = 0
    token: str | None = None
    seen_tokens: set[str] = set()
    error: str | None = None
    while True:
        try:
            step = min(options.timeout_s, budget.remaining())
            kwargs: dict[str, Any] = {"limit": options.page_size, "_request_timeout": (step, step)}
            if token:
                kwargs["_continue"] = token
            body = _page(api, options, plural, kwargs, budget)
        except BudgetExceeded as exc:
            error = f"stopped: {exc}"
            break
        except Exception as exc:  # foreign errors end here, recorded with their reason
            error = source_failure(exc, action=f"list {plural}.{GROUP}", not_found=(
                f"{plural}.{GROUP}/{VERSION} is not served by this cluster "
                "(Longhorn not installed, or a Longhorn older than 1.3)"))
            break
        pages += 1  # it answered: a page it cannot use makes the list partial, as a broken one
        tree = Located(body, location, f"/page/{pages}", SourceError)
        try:
            found = [parse_longhorn_object(obj, kind) for found_kind, obj in objects_in_document(tree)
                     if found_kind == kind]
            meta = tree.get("metadata")
            token = meta.opt_str("continue") if meta is not None else None
        except InputError as exc:
            error = f"unexpected response: {exc}"
            break
        objects += found
        if not token:
            break
        if token in seen_tokens or pages >= _MAX_PAGES:
            error = f"the server repeated a continue token after {pages} pages"
            break
        seen_tokens.add(token)
    if error is None:
        state = SourceState.OK
    else:
        state = SourceState.PARTIAL if pages else SourceState.FAILED
    context = f"context {options.context}; " if options.context else ""
    return objects, SourceStatus(
        kind=SourceKind.KUBERNETES,
        location=location,
        state=state,
        error=redact(error) if error is not None else None,
        detail=redact(f"{context}{len(objects)} {kind} objects in {pages} pages"),
    )


def _basic_parts(token: str) -> list[str]:
    """The password (and ``user:password``) inside a basic-auth token."""
    import base64
    import binascii

    try:
        pair = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return []
    return [pair, pair.partition(":")[2]]


def _secrets(configuration: Any) -> list[str]:
    """The kubeconfig's credentials as the client holds them (token, password, basic auth)."""
    out: list[str] = []
    for value in (getattr(configuration, "api_key", None) or {}).values():
        if isinstance(value, str):
            scheme, _, secret = value.partition(" ")
            out += [value, secret.strip()]
            if scheme.lower() == "basic":
                out += _basic_parts(secret.strip())
    password = getattr(configuration, "password", None)
    if isinstance(password, str) and password:
        out.append(password)
        get_basic = getattr(configuration, "get_basic_auth_token", None)
        token = get_basic() if callable(get_basic) else None
        if isinstance(token, str):
            out += [token, token.removeprefix("Basic ").strip()]
    return [s for s in out if len(s) >= 4]


def read_longhorn_live(options: LiveOptions) -> tuple[LonghornState, tuple[SourceStatus, ...]]:
    """List Longhorn's objects through the API; one source status per list."""
    if not options.kubeconfig.exists():
        raise InputError(
            "no such kubeconfig file",
            file=str(options.kubeconfig),
            expected="a kubeconfig such as ~/.kube/config",
        )
    try:
        read_regular(options.kubeconfig, limit=_MAX_KUBECONFIG)
    except OSError as exc:
        raise input_error(exc, str(options.kubeconfig), expected="a kubeconfig such as ~/.kube/config") from None
    factory = options.client_factory or _default_client
    api_client = factory(options.kubeconfig, options.context)
    from kubernetes import client

    api = client.CustomObjectsApi(api_client)
    configuration = getattr(api_client, "configuration", None)
    host = without_userinfo(str(getattr(configuration, "host", "") or ""))
    redact = Redactor(_secrets(configuration))
    budget = Budget(options.deadline_s, options.max_bytes)
    _cap_client(api_client, budget)
    objects: list[LonghornObject] = []
    statuses: list[SourceStatus] = []
    try:
        for plural, kind in LONGHORN_PLURALS:
            location = f"{host}/apis/{GROUP}/{VERSION}/namespaces/{options.namespace}/{plural}"
            got, status = _list_all(api, options, plural, kind, location, budget, redact)
            objects += got
            statuses.append(status)
    finally:
        close = getattr(api_client, "close", None)
        if callable(close):
            close()
    return LonghornState.of(objects), tuple(statuses)
