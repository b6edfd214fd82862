"""Errors of other libraries, translated at the boundary into the project's own, here only.

    json.decoder.JSONDecodeError                -> "invalid JSON: <msg>" at line:col
    yaml.error.MarkedYAMLError                  -> "invalid YAML: <problem>" at line:col
    yaml.error.YAMLError                        -> "invalid YAML: <text>"
    RecursionError (a decoder's deep nesting)   -> "nested too deeply"
    kubernetes ... ConfigException              -> "cannot use the kubeconfig: <text>"
    kubernetes ApiException, urllib3 errors     -> ``source_failure``: one line for a source's status
    jsonschema ValidationError                  -> ``core.schema_problem`` (a located ``Problem``)
    an exception in synth's worker              -> the child's ``InputError`` whole, else ``WorkerError``

The caller says which ``InputError`` class, which file and what was expected, through
``map_foreign_errors`` (compare httpx's ``map_exceptions``). Nothing here imports those
libraries: an error is recognised by the qualified class names of its MRO, and
``tests/core/test_foreign.py`` checks every name against the installed library.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from harvester_iac.core._errors import InputError

__all__ = ["FOREIGN", "foreign_error", "map_foreign_errors", "source_failure"]

_Make = Callable[[Any, str, type[InputError], "str | None"], InputError]


def _json(exc: Any, file: str, error: type[InputError], expected: str | None) -> InputError:
    return error(f"invalid JSON: {exc.msg}", file=file, where=f"{exc.lineno}:{exc.colno}", expected=expected)


def _marked_yaml(exc: Any, file: str, error: type[InputError], expected: str | None) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    where = f"{mark.line + 1}:{mark.column + 1}" if mark else None
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    return error(f"invalid YAML: {problem}", file=file, where=where, expected=expected)


def _yaml(exc: Any, file: str, error: type[InputError], expected: str | None) -> InputError:
    return error(f"invalid YAML: {str(exc).strip()}", file=file, expected=expected)


def _recursion(exc: Any, file: str, error: type[InputError], expected: str | None) -> InputError:
    return error("nested too deeply", file=file, expected=expected)


def _kubeconfig(exc: Any, file: str, error: type[InputError], expected: str | None) -> InputError:
    return error(f"cannot use the kubeconfig: {str(exc).strip()}", file=file, expected=expected)


#: Qualified class name -> translation; the first name in an error's MRO that is here wins.
FOREIGN: dict[str, _Make] = {
    "json.decoder.JSONDecodeError": _json,
    "yaml.error.MarkedYAMLError": _marked_yaml,
    "yaml.error.YAMLError": _yaml,
    "builtins.RecursionError": _recursion,
    "kubernetes.config.config_exception.ConfigException": _kubeconfig,
}


def foreign_error(exc: BaseException, *, file: str, error: type[InputError] = InputError,
                  expected: str | None = None) -> InputError | None:
    """``exc`` as an ``error`` about ``file``, or ``None`` when it is not a known foreign error."""
    for cls in type(exc).__mro__:
        make = FOREIGN.get(f"{cls.__module__}.{cls.__qualname__}")
        if make is not None:
            return make(exc, file, error, expected)
    return None


@contextmanager
def map_foreign_errors(*, file: str, error: type[InputError] = InputError,
                       expected: str | None = None) -> Iterator[None]:
    """Raise a known foreign error of the block as ``error`` (file, place, expectation)."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        mapped = foreign_error(exc, file=file, error=error, expected=expected)
        if mapped is None:
            raise
        raise mapped from None


def source_failure(exc: BaseException, *, action: str, not_found: str = "") -> str:
    """One line saying why a call to a live source failed, in terms an operator can act on.

    HTTP errors of the Kubernetes client give their status (403: RBAC, 401: credentials,
    404: ``not_found``, 410: an expired continue token) and the API's message; transport
    errors say timed out or refused.
    """
    status = getattr(exc, "status", None)
    if isinstance(status, int) and status:
        reason = getattr(exc, "reason", "") or ""
        message = ""
        body = getattr(exc, "body", None)
        if isinstance(body, str | bytes):
            try:
                decoded = json.loads(body)
                if isinstance(decoded, dict):
                    message = str(decoded.get("message") or "")
            except ValueError:
                message = ""
        head = f"HTTP {status} {reason}".strip()
        if status == 403:
            return f"{head}: forbidden to {action} ({message or 'RBAC'})"
        if status == 401:
            return f"{head}: the credentials were refused ({message or 'unauthorized'})"
        if status == 404 and not_found:
            return f"{head}: {not_found}"
        if status == 410:
            return f"{head}: the continue token expired before the list was complete"
        return f"{head}: {message}" if message else head
    text = str(exc).strip().splitlines()
    detail = text[-1] if text else ""
    name = type(exc).__name__
    if "timed out" in str(exc).lower() or "Timeout" in name:
        return f"timed out: {name} {detail}".strip()
    if "refused" in str(exc).lower():
        return f"connection refused: {detail}"
    return f"{name}: {detail}" if detail else name
