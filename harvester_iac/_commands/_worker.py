"""Run pure-Python work in a forked child while the parent starts Node.js.

``harvester-iac synth`` spends most of its time in two CPU-bound jobs: starting the CDK
runtime (jsii, Node.js, cdktf's bindings) and the pure checks (policy gate, rendering).
Threads share one GIL, so on a two-core machine the second job only pays off in a second
process. The child is forked before any thread starts, returns its result by pickle over a
pipe, and never touches the CDK runtime.

An ``InputError`` in the child is raised in the parent whole (its class, file, place and
expectation). Any other exception in the child is a bug: the parent raises
``WorkerError`` with the child's traceback, never a silent second run. Only when no answer
arrives at all (an unpicklable result, a child that died) does the parent run the job
itself, saying so on stderr.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from harvester_iac.core import InputError

__all__ = ["Worker", "WorkerError"]

T = TypeVar("T")


class WorkerError(RuntimeError):
    """The job raised an unexpected exception in the worker; the message holds its traceback."""


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
                    payload = ("input-error", exc)
                except Exception:
                    payload = ("raised", traceback.format_exc())
                data = pickle.dumps(payload)
            except BaseException as exc:
                data = pickle.dumps(("no-result", repr(exc)))
            with os.fdopen(write, "wb") as out:
                out.write(data)
            os._exit(0)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> T:
        """The child's result; its ``InputError`` is raised here, whole."""
        if self._fd < 0:
            return self._fn()
        with os.fdopen(self._fd, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self._pid, 0)
        self._fd = -1
        try:
            kind, value = pickle.loads(data)
        except Exception:
            kind, value = "no-result", "no result"
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        if kind == "input-error" and isinstance(value, InputError):
            raise value
        if kind == "raised":
            raise WorkerError(f"the worker's job failed:\n{value}")
        sys.stderr.write(f"harvester-iac: worker failed ({value}); running the checks in-process.\n")
        return self._fn()
