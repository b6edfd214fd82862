"""Run pure-Python work in a forked child while the parent starts Node.js.

``harvester-iac synth`` spends most of its time in two CPU-bound jobs: starting the CDK
runtime (jsii, Node.js, cdktf's bindings) and the pure checks (policy gate, rendering).
Threads share one GIL, so on a two-core machine the second job only pays off in a second
process. The child is forked before any thread starts, returns its result by pickle over a
pipe, and never touches the CDK runtime. ``InputError`` in the child is re-raised in the
parent with the same text; any other failure makes the parent run the job itself, so a
broken worker can only cost time, never change the result.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from typing import Generic, TypeVar

from harvester_iac.errors import InputError

__all__ = ["Worker"]

T = TypeVar("T")


class Worker(Generic[T]):
    """``fn()`` computed in a forked child (or inline where ``fork`` is unavailable)."""

    def __init__(self, fn: Callable[[], T], *, nice: int = 0) -> None:
        self._fn = fn
        self._pid = 0
        self._fd = -1
        if not hasattr(os, "fork"):  # pragma: no cover - Windows
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: compute, send, leave without running the parent's cleanups
            os.close(read)
            try:
                os.nice(nice)  # yield the core to what the parent waits for (Node.js start-up)
            except OSError:  # pragma: no cover - not permitted: run at the same priority
                pass
            try:
                try:
                    payload: tuple[str, object] = ("ok", fn())
                except InputError as exc:
                    payload = ("input-error", str(exc))
                data = pickle.dumps(payload)
            except BaseException as exc:
                data = pickle.dumps(("crash", repr(exc)))
            with os.fdopen(write, "wb") as out:
                out.write(data)
            os._exit(0)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> T:
        """The child's result; its ``InputError`` is raised here as one."""
        if self._fd < 0:
            return self._fn()
        with os.fdopen(self._fd, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self._pid, 0)
        self._fd = -1
        try:
            kind, value = pickle.loads(data)
        except Exception:
            kind, value = "crash", "no result"
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        if kind == "input-error":
            raise InputError(str(value).rstrip("."))
        sys.stderr.write(f"harvester-iac: worker failed ({value}); running the checks in-process.\n")
        return self._fn()
