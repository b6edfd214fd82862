"""Package attributes that load on first use (PEP 562).

A package ``__init__`` lists its public names and the private module each lives in; the
module is imported when a name is first read. ``import harvester_iac.observe`` then costs
almost nothing, and each command pays only for what it uses.

The one style of declaring a public API: a package lists ``__all__``; an eager package
imports its names from private modules, a lazy one (top level, ``model``, ``observe``,
``report``, ``render``, ``constructs``, ``constructs.providers``) imports them under
``TYPE_CHECKING`` for the type checker and maps each to its module here.
``tests/test_exported_members.py`` holds every package to it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, home: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose names live in ``home[name]``."""

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(home))

    return __getattr__, __dir__
