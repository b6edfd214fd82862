"""Regexes compiled on first use.

The envelope readers and the pattern table hold some sixty regexes; compiling them all at
import is a fifth of a scan's start-up, paid even when a file has no line for them to read.
``lazy_regex`` returns a stand-in that compiles on the first attribute read and then keeps
the compiled pattern's methods in slots, so a hot loop reads ``.match`` as cheaply as on
the pattern itself.
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["lazy_regex"]


class _LazyRegex:
    __slots__ = ("_compiled", "_flags", "findall", "finditer", "fullmatch", "groupindex", "match",
                 "pattern", "search", "sub")

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:  # only for a slot not yet filled
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self._flags)
            self.findall = compiled.findall
            self.finditer = compiled.finditer
            self.fullmatch = compiled.fullmatch
            self.groupindex = compiled.groupindex
            self.match = compiled.match
            self.search = compiled.search
            self.sub = compiled.sub
        return getattr(compiled, name)

    def __reduce__(self) -> tuple[type[_LazyRegex], tuple[str, int]]:  # pickled as its source
        return _LazyRegex, (self.pattern, self._flags)

    def __repr__(self) -> str:
        return f"lazy_regex({self.pattern!r})"


def lazy_regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast("re.Pattern[str]", _LazyRegex(pattern, flags))
