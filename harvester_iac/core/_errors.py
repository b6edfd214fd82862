"""Errors raised by harvester-iac.

    HarvesterIacError
    ├── InputError            bad input: carries file, where, expected (CLI exit 2)
    │   ├── InventoryError    an inventory file or an Inventory built in code
    │   ├── SnapshotError     a health snapshot, scheduler case or other JSON input
    │   ├── LogFormatError    a log file that cannot be read at all
    │   ├── SourceError       a live source (Kubernetes API, Prometheus) refused or failed
    │   └── UsageError        command-line flags that do not fit together
    ├── SizeError             a size that is not a Kubernetes quantity (also a ValueError)
    ├── RuleError             a policy rule class that cannot be registered
    ├── ConstructError        a construct was given props that cannot be deployed
    └── SynthBlocked          synth stopped by blocking findings (the gate: exit 1)

Library code raises; only ``cli.py`` turns an ``InputError`` into exit 2. Errors of other
libraries (yaml, json, jsonschema, the Kubernetes client) become these in one place,
``harvester_iac.core._foreign``. Every error pickles whole (a forked worker sends its
``InputError`` to the parent with file, place and expectation).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harvester_iac.core._findings import Finding

__all__ = [
    "ConstructError",
    "HarvesterIacError",
    "InputError",
    "InventoryError",
    "LogFormatError",
    "RuleError",
    "SizeError",
    "SnapshotError",
    "SourceError",
    "SynthBlocked",
    "UsageError",
    "did_you_mean",
]


class HarvesterIacError(Exception):
    """Base of every error harvester-iac raises on purpose."""


class InputError(HarvesterIacError):
    """Input that cannot be used, located precisely.

    ``file`` is the path (or ``<inventory>`` / a flag name for input not from a file),
    ``where`` the place in it (``14:7 (/hosts/0/disks/1/path)``, a JSON pointer, a line),
    ``expected`` what would have been valid, ``found`` what was there.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        where: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
        more: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.where = where
        self.expected = expected
        self.found = found
        self.hint = hint
        self.more = more

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {"file": self.file, "where": self.where, "expected": self.expected,
                  "found": self.found, "hint": self.hint, "more": self.more}
        return (_rebuild_input_error, (type(self), self.message, fields))

    def __str__(self) -> str:
        head = ""
        if self.file:
            head = self.file
            if self.where:
                head += f":{self.where}"
            head += ": "
        elif self.where:
            head = f"{self.where}: "
        text = head + self.message.rstrip(".")
        if self.expected and "expected" not in self.message:
            text += f"; expected {self.expected}"
        if self.found is not None and self.found not in text:
            text += f", found {self.found}"
        if self.hint:
            text += f" ({self.hint})"
        text += "."
        if self.more:
            text += f" {self.more} more problem{'s' if self.more > 1 else ''} after this one."
        # one paragraph that any output can encode, whatever the input echoed back
        return text.translate(_VISIBLE).encode("utf-8", "backslashreplace").decode("utf-8")


#: Control characters (newlines, escapes, NUL) from echoed input, shown as escapes.
_VISIBLE = {c: f"\\x{c:02x}" if c not in (9, 10, 13) else {9: "\\t", 10: "\\n", 13: "\\r"}[c]
            for c in [*range(32), 127]}


class InventoryError(InputError):
    """An inventory that cannot be loaded or does not hold together."""


class SnapshotError(InputError):
    """A health snapshot, scheduler case, waiver or baseline file that cannot be read."""


class LogFormatError(InputError):
    """A log file that cannot be read at all (unreadable, not text in any known envelope)."""


class SourceError(InputError):
    """A live source (Kubernetes API, Prometheus) that failed as a whole."""


class UsageError(InputError):
    """Command-line arguments that do not fit together."""


def _rebuild_input_error(cls: type[InputError], message: str, fields: dict[str, Any]) -> InputError:
    return cls(message, **fields)


class SizeError(HarvesterIacError, ValueError):
    """A size that is not a Kubernetes quantity; ``hint`` suggests what was meant."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.hint))


class RuleError(HarvesterIacError):
    """A rule class that cannot be registered (duplicate id, missing metadata)."""


class ConstructError(HarvesterIacError):
    """Construct props that cannot be deployed (bad names, sizes, duplicate paths)."""


class SynthBlocked(HarvesterIacError):
    """Synth stopped by blocking findings (the gate: exit 1); ``findings`` says why."""

    def __init__(self, findings: tuple[Finding, ...], detail: str = "") -> None:
        super().__init__(detail or "synth blocked by validation findings")
        self.findings = findings
        self.detail = detail

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.findings, self.detail))


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``did you mean "x"?`` for the closest of ``choices``, or ``None`` when none is close."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"?' if close else None
