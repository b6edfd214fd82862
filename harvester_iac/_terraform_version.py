"""``<terraform> version`` run once, as plain data: what the import-block check reads.

Pure (no CDK runtime), so ``harvester-iac synth`` can start the probe in its worker process,
where it runs while Node.js starts instead of on the critical path after the stack is
built. ``constructs.TerraformVersionCheck`` takes a finished ``VersionProbe`` or starts one
itself. The binary is ``TERRAFORM_BINARY_NAME`` (``tofu`` for OpenTofu), as for cdktf.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

__all__ = ["ENV_BINARY", "RunningProbe", "VersionProbe", "probe_version", "terraform_binary"]

#: The environment variable cdktf reads for the Terraform binary.
ENV_BINARY = "TERRAFORM_BINARY_NAME"
_TIMEOUT = 60


def terraform_binary() -> str:
    """The binary the check asks: ``$TERRAFORM_BINARY_NAME``, else ``terraform``."""
    return os.environ.get(ENV_BINARY) or "terraform"


@dataclass(frozen=True, kw_only=True)
class VersionProbe:
    """What ``<binary> version`` printed; ``output`` is ``None`` when it did not run
    (not on PATH; ``error`` says why when starting or waiting for it failed)."""

    binary: str
    output: str | None = None
    error: str | None = None


class RunningProbe:
    """``<binary> version`` started now; ``result()`` waits for it (at most once)."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self._proc: subprocess.Popen[str] | None = None
        self._result: VersionProbe | None = None
        path = shutil.which(binary)
        if path is None:
            self._result = VersionProbe(binary=binary)
            return
        env = dict(os.environ, CHECKPOINT_DISABLE="1")  # no upgrade check over the network
        try:
            self._proc = subprocess.Popen([path, "version"], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True, errors="replace", env=env)
        except (OSError, subprocess.SubprocessError) as exc:
            self._result = VersionProbe(binary=binary, error=str(exc))

    def result(self) -> VersionProbe:
        if self._result is None:
            assert self._proc is not None
            try:
                out, _ = self._proc.communicate(timeout=_TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                self._proc.kill()
                self._proc.communicate()
                self._result = VersionProbe(binary=self.binary, error=str(exc))
            else:
                self._result = VersionProbe(binary=self.binary, output=out)
        return self._result


def probe_version(binary: str | None = None) -> VersionProbe:
    """Run ``<binary> version`` (default: ``terraform_binary()``) and wait for it."""
    return RunningProbe(binary or terraform_binary()).result()
