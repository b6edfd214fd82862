"""Package attributes that load on first use (PEP 562).

A package ``__init__`` lists its public names and the private module each lives in; the
module is imported when a name is first read. ``import harvester_iac.observe`` then costs
almost nothing, and each command pays only for what it uses.

The one style of declaring a public API: a package lists ``__all__``; an eager package
imports its names from private modules, a lazy one (top level, ``core``, ``model``, ``observe``,
``report``, ``render``, ``constructs``, ``constructs.providers``) imports them under
``TYPE_CHECKING`` for the type checker and maps each to its module here.
``tests/test_exported_members.py`` holds every package to it.
"""

from __future__ import annotations

from harvester_iac.core._lazy import lazy_exports

__all__ = ["lazy_exports"]
