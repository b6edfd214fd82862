"""The installed harvester-iac version, recorded in every snapshot's ``tool``."""

from __future__ import annotations

from functools import cache
from importlib import metadata

__all__ = ["tool_version"]


@cache
def tool_version() -> str:
    try:
        return metadata.version("harvester-iac")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"
