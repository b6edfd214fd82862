"""The harvester-iac version recorded in every snapshot's and report's ``tool``.

It is ``harvester_iac.__version__``, which ``pyproject.toml`` reads as the package version
(``[tool.setuptools.dynamic]``): one number, and no ``importlib.metadata`` scan of
``site-packages`` (~10 ms) at every start of ``observe``.
"""

from __future__ import annotations

__all__ = ["tool_version"]


def tool_version() -> str:
    from harvester_iac import __version__

    return __version__
