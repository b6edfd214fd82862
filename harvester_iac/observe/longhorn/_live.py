"""Read Longhorn objects live through the Kubernetes API (``kubernetes`` client).

Lists ``longhorn.io/v1beta2`` volumes, replicas, nodes, settings and engines in
``longhorn-system`` with paging (``limit`` / ``continue``). Every list is one source
status: a 403, a timeout, a refused connection, a missing CRD (404) or an expired
``continue`` token is recorded as ``failed`` (nothing read) or ``partial`` (some pages
read) with the reason — never as an empty, healthy-looking cluster.

A kubeconfig that cannot be used at all (missing file, unknown context) is bad input and
raises :class:`InputError`. ``client_factory`` is the test seam: it builds the
``kubernetes.client.ApiClient`` from the kubeconfig path and context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harvester_iac.core import InputError, Located, SourceError, map_foreign_errors, source_failure
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


@dataclass(frozen=True, kw_only=True)
class LiveOptions:
    """How to reach the cluster.

    ``timeout_s`` bounds each request (connect and read); ``page_size`` is the ``limit``
    of each list call.
    """

    kubeconfig: Path
    context: str | None = None
    namespace: str = "longhorn-system"
    page_size: int = 200
    timeout_s: float = 15.0
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


def _list_all(
    api: Any, options: LiveOptions, plural: str, kind: str, location: str
) -> tuple[list[LonghornObject], SourceStatus]:
    objects: list[LonghornObject] = []
    pages = 0
    token: str | None = None
    seen_tokens: set[str] = set()
    error: str | None = None
    while True:
        kwargs: dict[str, Any] = {
            "limit": options.page_size,
            "_request_timeout": (options.timeout_s, options.timeout_s),
        }
        if token:
            kwargs["_continue"] = token
        try:
            body = api.list_namespaced_custom_object(
                GROUP, VERSION, options.namespace, plural, **kwargs
            )
        except Exception as exc:  # foreign errors end here, recorded with their reason
            error = source_failure(exc, action=f"list {plural}.{GROUP}", not_found=(
                f"{plural}.{GROUP}/{VERSION} is not served by this cluster "
                "(Longhorn not installed, or a Longhorn older than 1.3)"))
            break
        pages += 1
        tree = Located(body, location, f"/page/{pages}", SourceError)
        try:
            for found_kind, obj in objects_in_document(tree):
                if found_kind == kind:
                    objects.append(parse_longhorn_object(obj, kind))
            meta = tree.get("metadata")
            token = meta.opt_str("continue") if meta is not None else None
        except InputError as exc:
            error = f"unexpected response: {exc}"
            break
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
        error=error,
        detail=f"{context}{len(objects)} {kind} objects in {pages} pages",
    )


def read_longhorn_live(options: LiveOptions) -> tuple[LonghornState, tuple[SourceStatus, ...]]:
    """List Longhorn's objects through the API; one source status per list."""
    if not options.kubeconfig.is_file():
        raise InputError(
            "no such kubeconfig file",
            file=str(options.kubeconfig),
            expected="a kubeconfig such as ~/.kube/config",
        )
    factory = options.client_factory or _default_client
    api_client = factory(options.kubeconfig, options.context)
    from kubernetes import client

    api = client.CustomObjectsApi(api_client)
    host = str(getattr(getattr(api_client, "configuration", None), "host", "") or "")
    objects: list[LonghornObject] = []
    statuses: list[SourceStatus] = []
    try:
        for plural, kind in LONGHORN_PLURALS:
            location = f"{host}/apis/{GROUP}/{VERSION}/namespaces/{options.namespace}/{plural}"
            got, status = _list_all(api, options, plural, kind, location)
            objects += got
            statuses.append(status)
    finally:
        close = getattr(api_client, "close", None)
        if callable(close):
            close()
    return LonghornState.of(objects), tuple(statuses)
